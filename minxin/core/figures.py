"""The registry of dashboard figures.

A module that owns records declares its figures in `<app>/figures.py`; the dashboard, the summary
API and the exports show whatever is registered, so a new module adds tiles without touching this
app, and a module that does not exist shows nothing.

A figure's numbers come from a *source*: a function `(prefix, year, group_len) -> {key: {group:
number}}` that counts the region's records for the year per code prefix of `group_len` digits
(9 = per township, 12 = per village). Several figures may share one source, so that one scan of a
big table (households, visits) yields all of them. A region's value is the sum of its groups, so a
county always equals the sum of its townships. A trend is counted the same way: `(prefix, year,
group_len) -> {group: [12 monthly numbers]}`.

Because every number belongs to one group, the dashboard can count again only the groups a change
touched (reports.counting). That holds as long as a record is counted under its own region code and
the service that changes it writes its audit event under that code (or a region above it, which
makes the dashboard count everything again) — as every service does (DESIGN §3).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, Count, DateTimeField, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

SourceFn = Callable[[str, int, int], dict[str, dict[str, int]]]
GroupFn = Callable[[str, int, int], dict[str, int]]
StrOrPromise = Any  # a str or a lazy translation
TrendFn = Callable[[str, int, int], dict[str, list[int]]]
# A figure's records: `(user, region_code, year) -> URL` of the list that shows exactly the rows
# counted (the tile links to it), or "" where no list shows them at that level or the user may not
# open that list (an expert sees the county's figures, not its household records).
LinkFn = Callable[[Any, str, int], str]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    module: str
    unit: str
    source: SourceFn
    trend: TrendFn | None = None
    order: int = 100
    link: LinkFn | None = None
    daily: bool = False  # the number reads today's date (what is overdue): counted again every day

    def url(self, user: Any, region_code: str, year: int) -> str:
        return self.link(user, region_code, year) if self.link else ""


FIGURES: dict[str, Figure] = {}


def list_link(url_name: str, *, region: Callable[[str], dict], year: bool = True,
              visible: Callable[[Any], bool] | None = None, **params: Any) -> LinkFn:
    """A LinkFn to the list `url_name` narrowed by `region(code)` (the list's own region parameter),
    the year when the list takes one, and the figure's filters; "" for a user `visible` refuses."""
    def link(user: Any, code: str, year_value: int) -> str:
        if visible is not None and not visible(user):
            return ""
        query = {**region(code), **({"year": year_value} if year else {}), **params}
        return f"{reverse(url_name)}?{urlencode(query)}"
    return link


def figure(key: str, *, label: StrOrPromise, module: StrOrPromise, unit: StrOrPromise = "", order: int = 100,
           trend: TrendFn | None = None, link: LinkFn | None = None, daily: bool = False,
           ) -> Callable[[GroupFn], GroupFn]:
    """Register one figure computed by `fn(prefix, year, group_len) -> {group: number}`."""

    def register(fn: GroupFn) -> GroupFn:
        FIGURES[key] = Figure(key=key, label=label, module=module, unit=unit, order=order, trend=trend, link=link,
                              daily=daily, source=lambda prefix, year, group_len: {key: fn(prefix, year, group_len)})
        return fn

    return register


def figure_set(*specs: tuple, module: StrOrPromise, links: dict[str, LinkFn] | None = None,
               daily: tuple[str, ...] = ()) -> Callable[[SourceFn], SourceFn]:
    """Register several figures computed together by `fn(prefix, year, group_len) -> {key: {group:
    number}}`; each spec is (key, label, unit, order) or (key, label, unit, order, trend); `links`
    gives some of them their records' list; `daily` names those that read today's date."""

    def register(fn: SourceFn) -> SourceFn:
        for key, label, unit, order, *trend in specs:
            FIGURES[key] = Figure(key=key, label=label, module=module, unit=unit, order=order, source=fn,
                                  trend=trend[0] if trend else None, link=(links or {}).get(key),
                                  daily=key in daily)
        return fn

    return register


def registered() -> list[Figure]:
    return sorted(FIGURES.values(), key=lambda f: (f.order, f.key))


def compute_all(figures: list[Figure], prefix: str, year: int, group_len: int) -> dict[str, dict[str, int]]:
    """Every figure's numbers per group, running each shared source once."""
    results: dict[str, dict[str, int]] = {}
    done: set[int] = set()
    for item in figures:
        if id(item.source) in done:
            continue
        done.add(id(item.source))
        results.update(item.source(prefix, year, group_len))
    return {item.key: results.get(item.key, {}) for item in figures}


def compute_trends(figures: list[Figure], prefix: str, year: int, group_len: int) -> dict[str, dict[str, list[int]]]:
    """Every trend's monthly numbers per group."""
    return {item.key: item.trend(prefix, year, group_len) for item in figures if item.trend is not None}


def prefix_end(prefix: str) -> str | None:
    """The first code after every code inside `prefix` (None when none comes after): codes are
    digits, so it is the prefix plus one, with its carry."""
    digits = prefix.rstrip("9")
    return digits[:-1] + str(int(digits[-1]) + 1) if digits else None


def within(code_field: str, prefix: str) -> Q:
    """Rows whose code lies inside `prefix`, as a range of codes rather than a LIKE: an index on the
    code serves a range on both databases (SQLite's LIKE is case-insensitive and uses none), so a
    township's or a village's numbers cost its own rows, not a scan of the whole table."""
    if not prefix:
        return Q()
    end = prefix_end(prefix)
    if end is None:
        return Q(**{f"{code_field}__gte": prefix})
    return Q(**{f"{code_field}__gte": prefix, f"{code_field}__lt": end})


def aggregate_by_group(queryset: QuerySet, code_field: str, prefix: str, group_len: int, aggregates: dict,
                       **filters: Any) -> dict[str, dict[str, int]]:
    """Several aggregates (name → Count/Sum expression) per code prefix in one query."""
    rows = (
        queryset.filter(within(code_field, prefix), **filters)
        .annotate(code_group=Substr(code_field, 1, group_len))
        .values("code_group")
        .annotate(**aggregates)
        .order_by()
    )
    out: dict[str, dict[str, int]] = {name: {} for name in aggregates}
    for row in rows:
        for name in aggregates:
            out[name][row["code_group"]] = row[name] or 0
    return out


def count_by_group(queryset: QuerySet, code_field: str, prefix: str, group_len: int, *, distinct: str | None = None,
                   **filters: Any) -> dict[str, int]:
    """Count rows (or distinct values of `distinct`) per code prefix, inside `prefix`."""
    aggregate = Count(distinct or "pk", distinct=bool(distinct))
    return aggregate_by_group(queryset, code_field, prefix, group_len, {"n": aggregate}, **filters)["n"]


def sum_by_group(queryset: QuerySet, code_field: str, prefix: str, group_len: int, field: str, **filters: Any) -> dict[str, int]:
    """Sum `field` per code prefix, inside `prefix`."""
    return aggregate_by_group(queryset, code_field, prefix, group_len, {"n": Sum(field)}, **filters)["n"]


def year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The local year as an aware [start, end) pair, for index-friendly range filters."""
    tz = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def monthly_counts(queryset: QuerySet, code_field: str, date_field: str, prefix: str, year: int, group_len: int,
                   **filters: Any) -> dict[str, list[int]]:
    """Rows per local month of `year` (12 numbers) per code prefix of `group_len` digits, inside `prefix`.

    Months are told apart by comparing with their boundaries, not by extracting the month from each
    row: SQLite would call a Python function per row to apply the time zone.
    """
    tz = timezone.get_current_timezone()
    bounds: list[datetime.date]  # datetimes for a DateTimeField (a datetime is a date)
    if isinstance(queryset.model._meta.get_field(date_field), DateTimeField):
        bounds = [datetime.datetime(year + (m // 12), m % 12 + 1, 1, tzinfo=tz) for m in range(13)]
    else:
        bounds = [datetime.date(year + (m // 12), m % 12 + 1, 1) for m in range(13)]
    month = Case(*[When(**{f"{date_field}__lt": bounds[m + 1]}, then=m) for m in range(12)],
                 output_field=IntegerField())
    rows = (
        queryset.filter(within(code_field, prefix), **{f"{date_field}__gte": bounds[0], f"{date_field}__lt": bounds[12]},
                        **filters)
        .annotate(code_group=Substr(code_field, 1, group_len), month=month)
        .values("code_group", "month").annotate(n=Count("pk")).order_by()
    )
    months: dict[str, list[int]] = {}
    for row in rows:
        months.setdefault(row["code_group"], [0] * 12)[row["month"]] = row["n"]
    return months


def monthly_trend(queryset: QuerySet, code_field: str, date_field: str, **filters: Any) -> TrendFn:
    """A figure's trend: its rows counted per month of the year by `date_field` (monthly_counts)."""
    return lambda prefix, year, group_len: monthly_counts(queryset, code_field, date_field, prefix, year, group_len,
                                                          **filters)


def total_trend(groups: dict[str, list[int]]) -> list[int]:
    """A region's trend: the sum, month by month, of its groups'."""
    return [sum(months) for months in zip(*groups.values(), strict=True)] if groups else [0] * 12
