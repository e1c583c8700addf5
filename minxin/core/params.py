"""Query parameters that name database rows: only what a 64-bit key column can hold reaches a query
(a larger number is a 500 on SQLite, not a miss)."""

import datetime
from typing import Annotated

from django.utils import timezone
from pydantic import Field

MAX_ID = 2**63 - 1

# An API parameter naming a row: out of range is a 422 with the reason, like any bad parameter.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


YEARS = range(2000, 2100)


class YearConverter:
    """`<year:year>` in a URL: a year of YEARS, so a page for year 0 or 99999 is a 404, not a date
    that cannot be built."""

    regex = "20[0-9]{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def is_digits(text: str) -> bool:
    """Only the digits 0–9: str.isdigit alone also passes "²" or "٣", which int() then refuses."""
    return text.isascii() and text.isdigit()


def recent_years(count: int = 6) -> list[int]:
    """This year and the ones before it, newest first (the year pickers)."""
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - count, -1))


def year_param(value: str | None) -> int | None:
    """A page's ?year= (a list narrowed to one year, as the dashboard's tiles link to it), or None."""
    text = (value or "").strip()
    return int(text) if is_digits(text) and len(text) == 4 and int(text) in YEARS else None


def id_param(value: str | None) -> int | None:
    """A page's query-string id, or None when it is absent or names no possible row."""
    text = (value or "").strip()
    return int(text) if is_digits(text) and 0 < int(text) <= MAX_ID else None


def month_param(value: str | None) -> datetime.date:
    """A page's ?month=2026-11 as the month's first day: this month when absent, malformed, before
    2000 or still to come."""
    this_month = timezone.localdate().replace(day=1)
    try:
        first = datetime.datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        return this_month
    return first if first.year >= YEARS.start and first <= this_month else this_month
