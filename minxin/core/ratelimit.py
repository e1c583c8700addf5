"""Fixed-window rate limits in the "shared" cache (the database or Redis: every worker process counts
in the same place, so a limit is not multiplied by the number of workers)."""

import datetime
import math

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone


def rate_limited(key: str, *, limit: int, window: int) -> bool:
    """Count one hit under `key`; True once the hits in the current window exceed `limit`. The window
    starts at the first hit (add() is atomic: only one process creates the counter). Keys start with
    "anon:" (counted per address) or "user:" (per account): when the database cache is full it culls
    the lowest keys first, so a flood from many addresses drops its own counters, not the accounts'."""
    key = f"ratelimit:{key}"
    cache = caches["shared"]
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        hits = _increment(cache, key)
    except ValueError:  # expired between add() and incr(): this hit starts a new window
        cache.add(key, 1, timeout=window)
        hits = 1
    return hits > limit


def used_up(key: str, *, limit: int) -> bool:
    """True while the hits counted under `key` in the current window have reached `limit` (no hit
    counted): what a caller whose every answer would tell something asks first."""
    hits = caches["shared"].get(f"ratelimit:{key}")
    return hits is not None and hits >= limit


def _increment(cache: BaseCache, key: str) -> int:
    """incr(), atomic on every backend, the window kept. Redis's and local memory's incr are atomic and
    keep the key's expiry; the database cache's is a read then a write with the cache's default
    timeout, which concurrent workers would interleave (losing hits) and which would move the
    window's end. There the counter's row is locked first (PostgreSQL), or the transaction takes
    SQLite's write lock at its start (BEGIN IMMEDIATE, settings), and the count is written back with
    the expiry the row already has."""
    if not isinstance(cache, DatabaseCache):
        return cache.incr(key)
    alias = router.db_for_write(cache.cache_model_class)
    connection = connections[alias]
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    table = connection.ops.quote_name(cache.cache_model_class._meta.db_table)  # from settings.CACHES, quoted
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {table} WHERE cache_key = %s{lock}",  # noqa: S608
                       [cache.make_and_validate_key(key)])
        row = cursor.fetchone()
        hits = cache.get(key)
        if row is None or hits is None:
            raise ValueError(key)  # expired: as incr() says of a missing key
        left = (_expires(connection, row[0]) - timezone.now()).total_seconds()
        cache.set(key, hits + 1, timeout=max(1, math.ceil(left)))
        return hits + 1


def _expires(connection: BaseDatabaseWrapper, value: object) -> datetime.datetime:
    """The cache row's `expires` as an aware datetime (SQLite answers text; as DatabaseCache reads it)."""
    expression = models.Expression(output_field=models.DateTimeField())
    for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
        value = converter(value, expression, connection)
    assert isinstance(value, datetime.datetime)  # noqa: S101  # what the converters make of the column
    return value
