"""Visit coverage (SPEC §4.3: "every household in a village must be visited by its team").

Per village and per cadre: households visited this month / quarter / year, households never
visited, paired households not visited for six months, and care visits to left-behind families.
Every figure is a query over the records (DESIGN §3.6); callers have already resolved the village
or cadre in the user's scope.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.fieldwork.models import Visit
from minxin.registry.models import Helper, Household

LIST_LIMIT = 50  # households shown in each list on a page; the count is always complete
PAIRING_GAP_DAYS = 183


@dataclass
class Periods:
    today: datetime.date
    month: datetime.datetime
    quarter: datetime.datetime
    year: datetime.datetime
    six_months: datetime.datetime

    @classmethod
    def of(cls, today: datetime.date | None = None) -> "Periods":
        today = today or timezone.localdate()

        def start(day):
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

        quarter_month = (today.month - 1) // 3 * 3 + 1
        return cls(today=today, month=start(today.replace(day=1)),
                   quarter=start(today.replace(month=quarter_month, day=1)),
                   year=start(today.replace(month=1, day=1)),
                   six_months=start(today - datetime.timedelta(days=PAIRING_GAP_DAYS)))


@dataclass
class Coverage:
    households: int
    month: int
    quarter: int
    year: int
    never_visited_count: int
    never_visited: list = field(default_factory=list)
    paired_count: int = 0
    paired_stale_count: int = 0
    paired_stale: list = field(default_factory=list)
    care_households: int = 0
    care_visits_year: int = 0
    care_unvisited_quarter_count: int = 0
    care_unvisited_quarter: list = field(default_factory=list)

    def share(self, value: int) -> int:
        return round(100 * value / self.households) if self.households else 0

    @property
    def month_pct(self) -> int:
        return self.share(self.month)

    @property
    def quarter_pct(self) -> int:
        return self.share(self.quarter)

    @property
    def year_pct(self) -> int:
        return self.share(self.year)

    @property
    def bars(self) -> list[tuple[Any, int, int, str]]:
        """(label, households visited, share, key) per period, for the progress bars."""
        return [(_("本月已走访"), self.month, self.month_pct, "month"),
                (_("本季已走访"), self.quarter, self.quarter_pct, "quarter"),
                (_("本年已走访"), self.year, self.year_pct, "year")]


def _visited_counts(visits, periods: Periods) -> dict:
    """Distinct households visited per period, in one query over this year's visits."""
    return visits.filter(occurred_at__gte=periods.year).aggregate(
        month=Count("household", distinct=True, filter=Q(occurred_at__gte=periods.month)),
        quarter=Count("household", distinct=True, filter=Q(occurred_at__gte=periods.quarter)),
        year=Count("household", distinct=True),
        care_visits=Count("pk", filter=Q(kind=Visit.Kind.CARE)),
    )


def _care_q() -> Q:
    return Q(care_child=True) | Q(care_elderly=True) | Q(care_women=True)


def _listed(qs):
    return list(qs.order_by("group", "number")[:LIST_LIMIT])


def village_coverage(*, village_code: str, today: datetime.date | None = None) -> Coverage:
    """Coverage of one village by its whole team (any cadre's visit counts)."""
    periods = Periods.of(today)
    households = Household.objects.filter(village_id=village_code).only("id", "number", "head_name", "group")
    visits = Visit.objects.filter(village_id=village_code)
    counts = _visited_counts(visits, periods)
    ever = Exists(Visit.objects.filter(household_id=OuterRef("pk")))
    recent = Exists(Visit.objects.filter(household_id=OuterRef("pk"), occurred_at__gte=periods.six_months))
    care_recent = Exists(Visit.objects.filter(household_id=OuterRef("pk"), kind=Visit.Kind.CARE,
                                              occurred_at__gte=periods.quarter))
    paired = households.filter(Exists(Helper.objects.filter(household_id=OuterRef("pk"))))
    never = households.filter(~ever)
    stale = paired.filter(~recent)
    care = households.filter(_care_q())
    care_unvisited = care.filter(~care_recent)
    figures = households.aggregate(
        total=Count("pk"), never=Count("pk", filter=~ever),
        paired=Count("pk", filter=Q(Exists(Helper.objects.filter(household_id=OuterRef("pk"))))),
        stale=Count("pk", filter=Q(Exists(Helper.objects.filter(household_id=OuterRef("pk")))) & ~recent),
        care=Count("pk", filter=_care_q()), care_unvisited=Count("pk", filter=_care_q() & ~care_recent),
    )
    return Coverage(
        households=figures["total"], month=counts["month"], quarter=counts["quarter"], year=counts["year"],
        never_visited_count=figures["never"], never_visited=_listed(never),
        paired_count=figures["paired"], paired_stale_count=figures["stale"], paired_stale=_listed(stale),
        care_households=figures["care"], care_visits_year=counts["care_visits"],
        care_unvisited_quarter_count=figures["care_unvisited"], care_unvisited_quarter=_listed(care_unvisited),
    )


def cadre_coverage(*, user, cadre, village_codes: list[str], today: datetime.date | None = None) -> Coverage:
    """Coverage by one cadre of the households of its villages, and of the households it pairs — those
    the viewing `user` sees (a cadre may serve, or have served, where the viewer has no scope)."""
    periods = Periods.of(today)
    households = Household.objects.visible_to(user).filter(village_id__in=village_codes).only(
        "id", "number", "head_name", "group")
    visits = Visit.objects.filter(cadre=cadre, village_id__in=village_codes)
    counts = _visited_counts(visits, periods)
    mine = Visit.objects.filter(household_id=OuterRef("pk"), cadre=cadre)
    ever = Exists(mine)
    recent = Exists(mine.filter(occurred_at__gte=periods.six_months))
    care_recent = Exists(mine.filter(kind=Visit.Kind.CARE, occurred_at__gte=periods.quarter))
    paired_q = Q(helpers__cadre=cadre)
    # Paired households are the cadre's own (it is their 帮扶责任人), wherever they live in scope.
    paired = Household.objects.visible_to(user).filter(paired_q).distinct().only("id", "number", "head_name", "group")
    figures = households.aggregate(
        total=Count("pk"), never=Count("pk", filter=~ever),
        care=Count("pk", filter=_care_q()), care_unvisited=Count("pk", filter=_care_q() & ~care_recent),
    )
    return Coverage(
        households=figures["total"], month=counts["month"], quarter=counts["quarter"], year=counts["year"],
        never_visited_count=figures["never"], never_visited=_listed(households.filter(~ever)),
        paired_count=paired.count(), paired_stale_count=paired.filter(~recent).count(),
        paired_stale=_listed(paired.filter(~recent)),
        care_households=figures["care"], care_visits_year=counts["care_visits"],
        care_unvisited_quarter_count=figures["care_unvisited"],
        care_unvisited_quarter=_listed(households.filter(_care_q() & ~care_recent)),
    )


def region_coverage(*, prefix: str, today: datetime.date | None = None) -> dict[str, dict]:
    """Per village under a township or county: households and households visited per period,
    in two grouped queries (for the township and county pages)."""
    periods = Periods.of(today)
    totals = dict(Household.objects.filter(village__code__startswith=prefix).values("village_id")
                  .annotate(n=Count("pk")).values_list("village_id", "n"))
    rows = (Visit.objects.filter(village__code__startswith=prefix, occurred_at__gte=periods.year)
            .values("village_id").annotate(
                month=Count("household", distinct=True, filter=Q(occurred_at__gte=periods.month)),
                quarter=Count("household", distinct=True, filter=Q(occurred_at__gte=periods.quarter)),
                year=Count("household", distinct=True)))
    result = {code: {"households": n, "month": 0, "quarter": 0, "year": 0} for code, n in totals.items()}
    for row in rows:
        result.setdefault(row["village_id"], {"households": 0}).update(
            month=row["month"], quarter=row["quarter"], year=row["year"])
    for figures in result.values():
        total = figures["households"]
        figures["year_pct"] = round(100 * figures["year"] / total) if total else 0
        figures["quarter_pct"] = round(100 * figures["quarter"] / total) if total else 0
        figures["month_pct"] = round(100 * figures["month"] / total) if total else 0
    return result
