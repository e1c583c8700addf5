"""Scoped reads of the disputes module: screenings, and the villages that missed one."""

import datetime
from collections import defaultdict

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.core.errors import PermissionDenied
from minxin.disputes.cycles import cycles_between
from minxin.disputes.models import Screening, SensitivePeriod
from minxin.regions import codes
from minxin.regions.models import Region


def can_view(user: User) -> bool:
    return user.can(roles.VIEW_FIELDWORK)


def require_view(user: User) -> None:
    if not can_view(user):
        raise PermissionDenied()


def screening_list(*, user: User, village: str | None = None, year: int | None = None) -> QuerySet[Screening]:
    """Screenings in the user's scope, newest first; `village` is a region prefix (any level)."""
    require_view(user)
    qs = Screening.objects.visible_to(user).select_related("village__parent", "recorded_by")
    if village:
        qs = qs.filter(village__code__startswith=village)
    if year:
        qs = qs.filter(screened_on__year=year)
    return qs.order_by("-screened_on", "-id")


def screening_get(*, user: User, pk: int) -> Screening:
    return get_object_or_404(screening_list(user=user), pk=pk)


def villages(*, user: User) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(level=codes.VILLAGE).select_related("parent").order_by("code")


def missed(*, user: User, first: datetime.date, last: datetime.date) -> list[dict]:
    """Per township (in code order): each village of the user's scope with the cycles between `first`
    and `last` that have ended without a screening — and how many screenings it filed."""
    require_view(user)
    today = timezone.localdate()
    cycles = [cycle for cycle in cycles_between(first, last) if cycle.end < today]
    found = villages(user=user)
    dates = defaultdict(list)
    for code, day in Screening.objects.filter(village__in=found, screened_on__gte=first,
                                              screened_on__lte=last).values_list("village_id", "screened_on"):
        dates[code].append(day)
    townships: dict[str, dict] = {}
    for village in found:
        days = dates.get(village.code, [])
        row = {"village": village, "filed": len(days),
               "missed": [cycle for cycle in cycles if not any(day in cycle for day in days)]}
        entry = townships.setdefault(village.parent_id or "", {"township": village.parent, "villages": [], "missing": 0})
        entry["villages"].append(row)
        entry["missing"] += bool(row["missed"])
    return list(townships.values())


def sensitive_periods() -> QuerySet[SensitivePeriod]:
    """The county's sensitive periods (the same for every user: they are rules, not records)."""
    return SensitivePeriod.objects.select_related("declared_by")
