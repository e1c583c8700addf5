"""Fixed-window rate limits in Django's cache (shared between worker processes when the cache is)."""

from django.core.cache import cache


def rate_limited(key: str, *, limit: int, window: int) -> bool:
    """Count one hit under `key`; True once the hits in the current window exceed `limit`. The window
    starts at the first hit (add() is atomic: only one process creates the counter)."""
    key = f"ratelimit:{key}"
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add() and incr(): this hit starts a new window
        cache.add(key, 1, timeout=window)
        hits = 1
    return hits > limit
