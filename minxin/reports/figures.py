"""The registry of dashboard figures.

A module that owns records declares its figures in `<app>/figures.py` with the `@figure`
decorator; the dashboard, the summary API and the exports show whatever is registered, so a new
module adds tiles without touching this app, and a module that does not exist shows nothing.

A figure is a function `(prefix, year, group_len) -> {group_code: number}`: the region's records
for the year, counted per code prefix of `group_len` digits (9 = per township, 12 = per village).
The region's value is the sum of its groups, so a county always equals the sum of its townships.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, Substr

FigureFn = Callable[[str, int, int], dict[str, int]]
TrendFn = Callable[[str, int], list[int]]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    module: str
    unit: str
    compute: FigureFn
    trend: TrendFn | None = None
    order: int = 100


FIGURES: dict[str, Figure] = {}


def figure(key: str, *, label, module, unit="", order: int = 100, trend: TrendFn | None = None):
    def register(fn: FigureFn) -> FigureFn:
        FIGURES[key] = Figure(key=key, label=label, module=module, unit=unit, compute=fn, trend=trend, order=order)
        return fn

    return register


def registered() -> list[Figure]:
    return sorted(FIGURES.values(), key=lambda f: (f.order, f.key))


def count_by_group(queryset, code_field: str, prefix: str, group_len: int, *, distinct: str | None = None,
                   **filters) -> dict[str, int]:
    """Count rows (or distinct values of `distinct`) per code prefix, inside `prefix`."""
    rows = (
        queryset.filter(Q(**{f"{code_field}__startswith": prefix}), **filters)
        .annotate(code_group=Substr(code_field, 1, group_len))
        .values("code_group")
        .annotate(n=Count(distinct or "pk", distinct=bool(distinct)))
        .order_by()
    )
    return {row["code_group"]: row["n"] for row in rows}


def sum_by_group(queryset, code_field: str, prefix: str, group_len: int, field: str, **filters) -> dict[str, int]:
    """Sum `field` per code prefix, inside `prefix`."""
    rows = (
        queryset.filter(Q(**{f"{code_field}__startswith": prefix}), **filters)
        .annotate(code_group=Substr(code_field, 1, group_len))
        .values("code_group")
        .annotate(n=Sum(field))
        .order_by()
    )
    return {row["code_group"]: row["n"] or 0 for row in rows}


def monthly_counts(queryset, code_field: str, date_field: str, prefix: str, year: int, **filters) -> list[int]:
    """Rows per month of `year` (12 numbers) inside `prefix`."""
    rows = (
        queryset.filter(**{f"{code_field}__startswith": prefix, f"{date_field}__year": year}, **filters)
        .annotate(month=ExtractMonth(date_field))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    months = [0] * 12
    for row in rows:
        months[row["month"] - 1] = row["n"]
    return months
