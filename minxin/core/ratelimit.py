"""Fixed-window rate limits in the "shared" cache (the database or Redis: every worker process counts
in the same place, so a limit is not multiplied by the number of workers)."""

from django.core.cache import caches


def rate_limited(key: str, *, limit: int, window: int) -> bool:
    """Count one hit under `key`; True once the hits in the current window exceed `limit`. The window
    starts at the first hit (add() is atomic: only one process creates the counter)."""
    key = f"ratelimit:{key}"
    cache = caches["shared"]
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add() and incr(): this hit starts a new window
        cache.add(key, 1, timeout=window)
        hits = 1
    return hits > limit
