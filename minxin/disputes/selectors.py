"""Scoped reads of the disputes module: screenings, and the villages that missed one."""

import datetime
from collections import defaultdict

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.core import guards
from minxin.disputes.cycles import Cycle, cycle_of, cycles_between
from minxin.disputes.models import Screening, SensitivePeriod
from minxin.regions import codes
from minxin.regions.models import Region

can_view, require_view = guards.read_gate(roles.VIEW_FIELDWORK)  # every read of the module that takes a user checks it


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


def current_cycle(*, user: User) -> Cycle | None:
    """Today's screening cycle of the user's county (None for a scope above one county)."""
    found = codes.counties_of(user.scope_prefixes())
    return cycle_of(timezone.localdate(), found.pop()) if len(found) == 1 else None


def missed(*, user: User, month: datetime.date) -> list[dict]:
    """Per township (in code order): each village of the user's scope with the cycles of `month` (its
    first day) that have ended without a screening — and how many screenings it filed in it."""
    require_view(user)
    first = month.replace(day=1)
    last = (first + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
    today = timezone.localdate()
    found = villages(user=user)
    cycles: dict[str, list[Cycle]] = {}
    dates = defaultdict(list)
    for code, day in Screening.objects.filter(village__in=found, screened_on__gte=first,
                                              screened_on__lte=last).values_list("village_id", "screened_on"):
        dates[code].append(day)
    townships: dict[str, dict] = {}
    for village in found:
        county = codes.county_of(village.code) or ""
        if county not in cycles:
            cycles[county] = [cycle for cycle in cycles_between(first, last, county) if cycle.end < today]
        days = dates.get(village.code, [])
        row = {"village": village, "filed": len(days),
               "missed": [cycle for cycle in cycles[county] if not any(day in cycle for day in days)]}
        entry = townships.setdefault(village.parent_id or "", {"township": village.parent, "villages": [], "missing": 0})
        entry["villages"].append(row)
        entry["missing"] += bool(row["missed"])
    return list(townships.values())


def sensitive_periods(*, user: User) -> QuerySet[SensitivePeriod]:
    """The sensitive periods of the user's county."""
    return SensitivePeriod.objects.visible_to(user).select_related("declared_by")
