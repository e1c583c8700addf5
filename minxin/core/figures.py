"""The registry of dashboard figures.

A module that owns records declares its figures in `<app>/figures.py`; the dashboard, the summary
API and the exports show whatever is registered, so a new module adds tiles without touching this
app, and a module that does not exist shows nothing.

A figure's numbers come from a *source*: a function `(prefix, year, group_len) -> {key: {group:
number}}` that counts the region's records for the year per code prefix of `group_len` digits
(9 = per township, 12 = per village). Several figures may share one source, so that one scan of a
big table (households, visits) yields all of them. A region's value is the sum of its groups, so a
county always equals the sum of its townships. A trend is counted the same way: `(prefix, year,
group_len) -> {group: [12 monthly numbers]}`, or, when it counts the source's own rows month by
month, by the source itself in the same scan (`IN_SOURCE`, with `months(...)` among its aggregates).

Because every number belongs to one group, the dashboard can count again only the groups a change
touched (reports.counting), and because a figure names the models its source reads (`reads`), only
the figures that read what the change's action writes (core.audit.register_changes). That holds as
long as a record is counted under its own region code and the service that changes it writes its
audit event under that code (or a region above it, which makes the dashboard count the whole county
again) — as every service does (DESIGN §3) — and as long as `reads` names every model a source's
queries touch (tests/reports/test_figure_reads.py checks each one's SQL).
"""

import datetime
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from queue import Empty, SimpleQueue
from typing import Any
from urllib.parse import urlencode

from django.db import connection, connections
from django.db.models import Count, DateTimeField, F, Model, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

SourceFn = Callable[[str, int, int], dict[str, dict[str, int]]]
GroupFn = Callable[[str, int, int], dict[str, int]]
StrOrPromise = Any  # a str or a lazy translation
TrendFn = Callable[[str, int, int], dict[str, list[int]]]
# A trend its figure's source counts in the same scan: the source's aggregates include
# months(key, ...), whose 12 numbers come back under MONTH_KEY.format(key=key, month=m).
IN_SOURCE = "in_source"
MONTH_KEY = "{key}:{month}"
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
    trend: TrendFn | str | None = None  # a TrendFn, IN_SOURCE or none
    order: int = 100
    link: LinkFn | None = None
    daily: bool = False  # the number reads today's date (what is overdue): counted again every day
    # The models (app_label.model) whose rows its source and trend read: after an action that writes
    # none of them (core.audit.register_changes) it is not counted again. Empty: not named, counted
    # again after every change of its place.
    reads: frozenset[str] = frozenset()

    def url(self, user: Any, region_code: str, year: int) -> str:
        return self.link(user, region_code, year) if self.link else ""


FIGURES: dict[str, Figure] = {}
CODE_LENGTH = 12  # a statistical division code's digits (regions.codes)
SPREAD = 2  # connections a spread count uses at once


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


def labels(models: tuple[type[Model], ...]) -> frozenset[str]:
    """The models as their labels (app_label.model), as audit events name their objects' types."""
    return frozenset(model._meta.label_lower for model in models)


def figure(key: str, *, label: StrOrPromise, module: StrOrPromise, unit: StrOrPromise = "", order: int = 100,
           trend: TrendFn | str | None = None, link: LinkFn | None = None, daily: bool = False,
           reads: tuple[type[Model], ...] = ()) -> Callable[[GroupFn], GroupFn]:
    """Register one figure computed by `fn(prefix, year, group_len) -> {group: number}` from the rows
    of the models it `reads`."""

    def register(fn: GroupFn) -> GroupFn:
        FIGURES[key] = Figure(key=key, label=label, module=module, unit=unit, order=order, trend=trend, link=link,
                              daily=daily, reads=labels(reads),
                              source=lambda prefix, year, group_len: {key: fn(prefix, year, group_len)})
        return fn

    return register


def figure_set(*specs: tuple, module: StrOrPromise, links: dict[str, LinkFn] | None = None,
               daily: tuple[str, ...] = (), reads: tuple[type[Model], ...] = ()) -> Callable[[SourceFn], SourceFn]:
    """Register several figures computed together by `fn(prefix, year, group_len) -> {key: {group:
    number}}` from the rows of the models it `reads`; each spec is (key, label, unit, order) or (key,
    label, unit, order, trend); `links` gives some of them their records' list; `daily` names those
    that read today's date."""

    def register(fn: SourceFn) -> SourceFn:
        for key, label, unit, order, *trend in specs:
            FIGURES[key] = Figure(key=key, label=label, module=module, unit=unit, order=order, source=fn,
                                  trend=trend[0] if trend else None, link=(links or {}).get(key),
                                  daily=key in daily, reads=labels(reads))
        return fn

    return register


def registered() -> list[Figure]:
    return sorted(FIGURES.values(), key=lambda f: (f.order, f.key))


def touched(figures: list[Figure], models: frozenset[str] | None) -> frozenset[str]:
    """The keys of the figures whose numbers a change of `models` may move (None: of any model)."""
    return frozenset(item.key for item in figures if models is None or not item.reads or item.reads & models)


def compute(figures: list[Figure], prefix: str, year: int, group_len: int, *, trends: bool = True,
            spread: bool = False) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, list[int]]]]:
    """Every figure's numbers per group and, with `trends`, every trend's monthly numbers per group,
    running each shared source once; with `spread`, on SPREAD connections of their own at once
    (spread_ok says when that may be)."""
    sources = list({id(item.source): item.source for item in figures}.values())
    trended: list[tuple[str, TrendFn]] = [(item.key, item.trend) for item in figures
                                          if trends and callable(item.trend)]  # not IN_SOURCE
    calls: list[Callable[[], Any]] = [partial(source, prefix, year, group_len) for source in sources]
    counted = _each(calls + [partial(trend, prefix, year, group_len) for _key, trend in trended], spread)
    results: dict[str, dict[str, int]] = {}
    for part in counted[:len(sources)]:
        results.update(part)
    numbers = {item.key: results.get(item.key, {}) for item in figures}
    monthly = {item.key: months_of(results, item.key) for item in figures if trends and item.trend == IN_SOURCE}
    monthly.update(zip((key for key, _trend in trended), counted[len(sources):], strict=True))
    return numbers, monthly


def spread_ok() -> bool:
    """Whether a count may run its queries on connections of their own: on PostgreSQL (where it was
    measured; SQLite keeps its one connection), and outside a transaction, whose rows other
    connections do not see."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _each(calls: list[Callable[[], Any]], spread: bool) -> list[Any]:
    """Each call's result, in order: one after another, or with `spread` on SPREAD threads that take
    the calls in turn, each on one database connection of its own, closed when no call is left. The
    server runs each big query on parallel workers already, but the small queries' round trips and
    one big query's single-threaded ends overlap with another's: the prefecture's figures and trends
    took 1.27–1.42 s (median 1.29) on two connections against 1.50–1.56 s (1.51) on one, alternating
    runs on two cores."""
    if not spread or len(calls) < 2:
        return [call() for call in calls]
    pending: SimpleQueue = SimpleQueue()
    for index, call in enumerate(calls):
        pending.put((index, call))
    results: list[Any] = [None] * len(calls)
    with ThreadPoolExecutor(max_workers=SPREAD, thread_name_prefix="figures") as pool:
        for done in [pool.submit(_drain, pending, results) for _ in range(SPREAD)]:
            done.result()  # a call's error, raised here
    return results


def _drain(pending: SimpleQueue, results: list[Any]) -> None:
    """Run the pending calls into `results` until none is left, on this thread's own connection."""
    try:
        while True:
            try:
                index, call = pending.get_nowait()
            except Empty:
                return
            results[index] = _run(call)
    finally:
        connections.close_all()  # this thread's


def _run(call: Callable[[], Any]) -> Any:
    """One call, on the thread that took it (where the tests watch which thread that is)."""
    return call()


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


def code_group(code_field: str, group_len: int) -> Any:
    """The group a row's code falls in: its first `group_len` digits, or the code itself per village
    (codes have 12 digits). Grouping by the bare column lets PostgreSQL use the column's statistics
    (one group per village, hashed) rather than guess at a substring's, and skips the substring per
    row: the prefecture's visits counted per village took 0.82 s with it, 0.45–0.56 s without."""
    return F(code_field) if group_len >= CODE_LENGTH else Substr(code_field, 1, group_len)


def aggregate_by_group(queryset: QuerySet, code_field: str, prefix: str, group_len: int, aggregates: dict,
                       **filters: Any) -> dict[str, dict[str, int]]:
    """Several aggregates (name → Count/Sum expression) per code prefix in one query."""
    names = list(aggregates)
    rows = (
        queryset.filter(within(code_field, prefix), **filters)
        .annotate(code_group=code_group(code_field, group_len))
        .values("code_group")
        .annotate(**aggregates)
        .order_by()
        .values_list("code_group", *names)
    )
    out: dict[str, dict[str, int]] = {name: {} for name in names}
    for group, *values in rows:
        for name, value in zip(names, values, strict=True):
            out[name][group] = value or 0
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


def months(key: str, model: type[Model], date_field: str, year: int, **filters: Any) -> dict[str, Count]:
    """Aggregates counting the rows (with `filters`) of each local month of `year` by `date_field`, to
    put among the aggregates of a query whose rows are that year's (a source's year filter); months_of
    reads their numbers back.

    One row per group with a count per month, not one per group and month, has a region's rows hashed
    into its groups rather than sorted by group and month (the prefecture's visits: 0.32 s against
    0.85 s on PostgreSQL). A month is told by comparing the date with the month's end, not by
    extracting the month from each row (SQLite would call a Python function per row to apply the time
    zone): the counts are of the rows before each month's end, one comparison a month, and the last is
    all the rows; months_of takes the differences (0.10 s less than a range a month for the
    prefecture's visits)."""
    tz = timezone.get_current_timezone()
    ends: list[datetime.date]  # the ends of January to November; datetimes for a DateTimeField
    if isinstance(model._meta.get_field(date_field), DateTimeField):
        ends = [datetime.datetime(year, month, 1, tzinfo=tz) for month in range(2, 13)]
    else:
        ends = [datetime.date(year, month, 1) for month in range(2, 13)]
    # Counting the date (never null in the year's rows), not the id: an index on the group and the
    # date answers alone (the county's visits: 66 ms against 127 ms reading the rows).
    before = {MONTH_KEY.format(key=key, month=m): Count(date_field, filter=Q(**{f"{date_field}__lt": end}, **filters))
              for m, end in enumerate(ends)}
    return {**before, MONTH_KEY.format(key=key, month=11): Count(date_field, filter=Q(**filters) if filters else None)}


def months_of(counted: dict[str, dict[str, int]], key: str) -> dict[str, list[int]]:
    """The 12 monthly numbers per group that months(key, ...) counted (the rows before each month's
    end, less those before the month's start)."""
    before = [counted.get(MONTH_KEY.format(key=key, month=m), {}) for m in range(12)]
    groups = set().union(*before)
    out = {}
    for group in groups:
        totals = [numbers.get(group, 0) for numbers in before]
        out[group] = [totals[0], *(later - earlier for earlier, later in zip(totals, totals[1:], strict=False))]
    return out


def monthly_counts(queryset: QuerySet, code_field: str, date_field: str, prefix: str, year: int, group_len: int,
                   **filters: Any) -> dict[str, list[int]]:
    """Rows per local month of `year` (12 numbers) per code prefix of `group_len` digits, inside `prefix`."""
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    if isinstance(queryset.model._meta.get_field(date_field), DateTimeField):
        start, end = year_range(year)
    counted = aggregate_by_group(queryset, code_field, prefix, group_len,
                                 months("n", queryset.model, date_field, year),
                                 **{f"{date_field}__gte": start, f"{date_field}__lt": end}, **filters)
    return months_of(counted, "n")


def monthly_trend(queryset: QuerySet, code_field: str, date_field: str, **filters: Any) -> TrendFn:
    """A figure's trend: its rows counted per month of the year by `date_field` (monthly_counts)."""
    return lambda prefix, year, group_len: monthly_counts(queryset, code_field, date_field, prefix, year, group_len,
                                                          **filters)


def total_trend(groups: dict[str, list[int]]) -> list[int]:
    """A region's trend: the sum, month by month, of its groups'."""
    return [sum(months) for months in zip(*groups.values(), strict=True)] if groups else [0] * 12
