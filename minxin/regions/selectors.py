"""Scoped reads of the region tree."""

from django.db.models import QuerySet
from django.http import Http404

from minxin.core.types import Actor
from minxin.regions import codes
from minxin.regions.models import Region


def region_get(*, user: Actor, code: str) -> Region:
    """The region with this code if the user may see it. Raises InvalidRegionCode for a malformed
    code and Http404 for one that is unknown *or* outside the scope — the two are indistinguishable.
    """
    full = codes.normalize_code(code)
    region = Region.objects.visible_to(user).select_related("parent__parent").filter(code=full).first()
    if region is None:
        raise Http404("region")
    return region


def region_filter(*, user: Actor, code: str | None) -> Region | None:
    """The region a page is narrowed to by a code from its URL or query string (`?village=`), or None
    when no code is given. A malformed, unknown or out-of-scope code is a 404: the three answer alike."""
    code = (code or "").strip()
    if not code:
        return None
    try:
        return region_get(user=user, code=code)
    except codes.InvalidRegionCode:
        raise Http404("region") from None


def region_children(*, user: Actor, region: Region) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(parent=region).order_by("code")


def user_root_regions(*, user: Actor) -> QuerySet[Region]:
    """The top regions of a user's scope: its scope region, or its villages for derived scopes."""
    prefixes = user.scope_prefixes()
    return Region.objects.filter(code__in=[p.ljust(12, "0") for p in prefixes]).order_by("code")


def village_list(*, user: Actor) -> QuerySet[Region]:
    return Region.objects.visible_to(user).villages().select_related("parent").order_by("code")


def township_list(*, user: Actor) -> QuerySet[Region]:
    """The townships the user's scope covers (filters offer them; a village user has none)."""
    return Region.objects.visible_to(user).townships().order_by("code")
