"""Fixed-window rate limits in the "shared" cache (the database or Redis: every worker process counts
in the same place, so a limit is not multiplied by the number of workers)."""

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


def rate_limited(key: str, *, limit: int, window: int) -> bool:
    """Count one hit under `key`; True once the hits in the current window exceed `limit`. The window
    starts at the first hit (add() is atomic: only one process creates the counter)."""
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


def _increment(cache: BaseCache, key: str) -> int:
    """incr(), atomic on every backend. Redis's and local memory's are; the database cache's is a read
    then a write, which concurrent workers would interleave and lose hits: there the counter's row
    is locked first (PostgreSQL), or the transaction takes SQLite's write lock at its start
    (BEGIN IMMEDIATE, settings), so the hits of concurrent requests queue instead."""
    if not isinstance(cache, DatabaseCache):
        return cache.incr(key)
    alias = router.db_for_write(cache.cache_model_class)
    connection = connections[alias]
    with transaction.atomic(using=alias):
        if connection.features.has_select_for_update:
            table = connection.ops.quote_name(cache.cache_model_class._meta.db_table)  # from settings.CACHES, quoted
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608
                               [cache.make_and_validate_key(key)])
        return cache.incr(key)
