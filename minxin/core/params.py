"""Query parameters that name database rows: only what a 64-bit key column can hold reaches a query
(a larger number is a 500 on SQLite, not a miss)."""

from typing import Annotated

from django.utils import timezone
from pydantic import Field

MAX_ID = 2**63 - 1

# An API parameter naming a row: out of range is a 422 with the reason, like any bad parameter.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


YEARS = range(2000, 2100)


def recent_years(count: int = 6) -> list[int]:
    """This year and the ones before it, newest first (the year pickers)."""
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - count, -1))


def year_param(value: str | None) -> int | None:
    """A page's ?year= (a list narrowed to one year, as the dashboard's tiles link to it), or None."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) == 4 and int(text) in YEARS else None


def id_param(value: str | None) -> int | None:
    """A page's query-string id, or None when it is absent or names no possible row."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else None
