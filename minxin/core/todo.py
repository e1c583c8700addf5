"""The to-do inbox (我的待办): everything waiting for one user across modules, most urgent first.

Each module registers its sources in its own `todo.py` (discovered when core is ready, like its menu
entries), so core knows no module and a later one (funds, disputes, party) adds its own without
touching the inbox. A source gives, for a user, the queryset of what waits for that user (already
narrowed to the user's scope and role: an empty queryset for a user it does not concern), the
field holding each record's due date, and how a record reads as an item. The inbox lists the most
urgent records of each source and counts the rest in the same statement (COUNT(*) OVER ()); the
menu's count is one COUNT a source.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.db.models import Count, F, QuerySet, Window
from django.utils import timezone

from minxin.core.types import Actor

logger = logging.getLogger(__name__)

PER_SOURCE = 50  # items listed per source (the count is the whole)
ON_PANEL = 5  # items the landing page's panel shows; the inbox page lists them all


@dataclass(frozen=True)
class Item:
    kind: str  # the source's key, e.g. "cadres.leave"
    label: str  # the source's label, e.g. 请假待审批
    title: str
    due: datetime.date | None
    url: str

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        return max(0, -(self.days_left or 0))


@dataclass(frozen=True)
class Source:
    key: str
    label: Any
    queryset: Callable[[Actor], QuerySet]  # what waits for the user (none: an empty queryset)
    due: Callable[[Any], datetime.date | None]  # a record's due date
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    order_by: str  # the field the most urgent records come first by


SOURCES: dict[str, Source] = {}


def soon() -> datetime.date:
    """The last due date a source lists: today + MINXIN_TODO_SOON_DAYS (overdue ones included)."""
    return timezone.localdate() + datetime.timedelta(days=settings.MINXIN_TODO_SOON_DAYS)


def register(key: str, *, label: Any, queryset: Callable[[Actor], QuerySet], due: Callable[[Any], Any],
             title: Callable[[Any], str], url: Callable[[Any], str], order_by: str) -> None:
    SOURCES[key] = Source(key, label, queryset, due, title, url, order_by)


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def inbox(user: Actor) -> list[Item]:
    """The user's items, overdue and soonest first, undated last."""
    return _listed(user, count=False)[0]


def inbox_and_counts(user: Actor, per_source: int | None = None) -> tuple[list[Item], dict[str, int]]:
    """The inbox, listing at most `per_source` records of each source (PER_SOURCE: the inbox page; a
    few: the landing page's panel, which shows the most urgent only), and, as `counts`, how many
    records each source holds for the user (a longer source counted by its list's own statement)."""
    return _listed(user, count=True, per_source=per_source)


def panel(user: Actor) -> tuple[list[Item], int]:
    """The landing page's panel: the most urgent few, and how many wait in all. The most urgent few
    overall are among the most urgent few of each source; the rest are counted."""
    items, found = inbox_and_counts(user, per_source=ON_PANEL)
    return items[:ON_PANEL], sum(found.values())


def _listed(user: Actor, *, count: bool, per_source: int | None = None) -> tuple[list[Item], dict[str, int]]:
    per_source = per_source or PER_SOURCE
    items: list[Item] = []
    found: dict[str, int] = {}
    for source in SOURCES.values():
        queryset = source.queryset(user)
        listed = queryset.order_by(F(source.order_by).asc(nulls_last=True), "pk")
        if count and not queryset.query.distinct:  # the whole count in the list's own statement
            listed = listed.annotate(todo_whole=Window(Count("*")))
        rows = list(listed[:per_source])
        if count and rows:
            whole = getattr(rows[0], "todo_whole", None)  # None: a DISTINCT list, counted apart when longer
            found[source.key] = whole if whole is not None else len(rows) if len(rows) < per_source else queryset.count()
        items.extend(Item(source.key, str(source.label), source.title(row), _as_date(source.due(row)), source.url(row))
                     for row in rows)
    items.sort(key=lambda item: (item.due is None, item.due or datetime.date.max, item.kind, item.title))
    return items, found


def counts(user: Actor) -> dict[str, int]:
    """Source key → how many of its records wait for the user (sources with none left out)."""
    found = {key: source.queryset(user).count() for key, source in SOURCES.items()}
    return {key: n for key, n in found.items() if n}


def total(user: Actor) -> int:
    """How many items wait for the user: the menu's count, fetched after each page has loaded. Kept
    for MINXIN_TODO_COUNT_SECONDS in the shared cache (every worker process reads the same) and
    dropped the moment the user does anything that is audited (`forget`, called by core.audit), so
    it is right just after the user has acted; what others do reaches it within those seconds. The
    inbox page and the landing page's panel always count afresh."""
    seconds = settings.MINXIN_TODO_COUNT_SECONDS
    if not seconds:
        return sum(counts(user).values())
    cache = caches["shared"]
    kept = cache.get(_count_key(user.pk))
    if kept is None:
        kept = sum(counts(user).values())
        cache.set(_count_key(user.pk), kept, seconds)
    return kept


def forget(user_pk: Any) -> None:
    """Drop the user's kept count (once the transaction that changed something has committed). The
    change has committed by then: a cache that cannot be written (SQLite's lock held past its
    timeout) costs the user a count up to MINXIN_TODO_COUNT_SECONDS old, never an error page."""
    try:
        caches["shared"].delete(_count_key(user_pk))
    except DatabaseError:
        logger.warning("to-do count of user %s not dropped: the cache is busy", user_pk, exc_info=True)


def _count_key(user_pk: Any) -> str:
    return f"todo:count:{user_pk}"
