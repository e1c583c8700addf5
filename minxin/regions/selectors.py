"""Scoped reads of the region tree."""

from django.db.models import Q, QuerySet
from django.http import Http404

from minxin.core.figures import within
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


def home_county(user: Actor) -> str | None:
    """The one county the user's scope lies in (a township's or a village's user too); None for a
    scope across counties (a prefecture's)."""
    counties = codes.counties_of(user.scope_prefixes())
    return counties.pop() if len(counties) == 1 else None


def user_county(user: Actor) -> str | None:
    """The one county a county-wide user acts for (None for narrower or wider scopes)."""
    county = home_county(user)
    return county if county and user.in_scope(county) else None


def counties_q(user: Actor | None, field: str) -> Q:
    """Rows whose `field` (a county's 12-digit code) names a county the user works in or above:
    its own county for a township's or a village's user, every county of a prefecture for the
    prefecture's. County-wide things (a quarter, a scheme) are read by the users under them too."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    query = Q(pk__in=[])
    for prefix in user.scope_prefixes():
        county = codes.county_of(prefix)
        query |= Q(**{field: county}) if county else within(field, prefix)
    return query
