"""Screening cycles (排查周期): each village screens once every half month (the 1st–15th, the 16th to the
month's end) — and once every week (Monday to Sunday) during a sensitive period its county declares:
the days of a week that touches such a period belong to that week's cycle, and a half month keeps
its other days. Cycles are a county's: `county` is its 12-digit code."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from minxin.disputes.models import SensitivePeriod


@dataclass(frozen=True)
class Cycle:
    start: datetime.date
    end: datetime.date
    weekly: bool

    def label(self) -> str:
        if self.weekly:
            return _("%(start)s—%(end)s（敏感时期每周）") % {"start": f"{self.start:%m-%d}", "end": f"{self.end:%m-%d}"}
        half = _("上半月") if self.start.day <= 15 else _("下半月")
        return _("%(month)d月%(half)s") % {"month": self.start.month, "half": half}

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def _periods(first: datetime.date, last: datetime.date, county: str) -> list[tuple[datetime.date, datetime.date]]:
    return list(SensitivePeriod.objects.filter(county_code=county, start__lte=last + datetime.timedelta(days=7),
                                               end__gte=first - datetime.timedelta(days=7)).values_list("start", "end"))


def cycles_between(first: datetime.date, last: datetime.date, county: str) -> list[Cycle]:
    """The county's cycles that cover the days from `first` to `last`, cut to them."""
    periods = _periods(first, last, county)

    def key(day: datetime.date) -> tuple:
        monday = day - datetime.timedelta(days=day.weekday())
        sunday = monday + datetime.timedelta(days=6)
        if any(start <= sunday and end >= monday for start, end in periods):
            return ("week", monday)
        return ("half", day.year, day.month, day.day > 15)

    cycles, day, current, start = [], first, None, first
    while day <= last + datetime.timedelta(days=1):
        k = key(day) if day <= last else None
        if k != current:
            if current is not None:
                cycles.append(Cycle(start, day - datetime.timedelta(days=1), current[0] == "week"))
            current, start = k, day
        day += datetime.timedelta(days=1)
    return cycles


def cycle_of(day: datetime.date, county: str) -> Cycle:
    """The whole cycle of the county `day` belongs to."""
    around = cycles_between(day.replace(day=1) - datetime.timedelta(days=7),
                            (day.replace(day=28) + datetime.timedelta(days=11)), county)
    return next(cycle for cycle in around if day in cycle)
