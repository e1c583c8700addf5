"""The client's address behind a reverse proxy (core.clientip): X-Forwarded-For only from trusted proxies."""

import pytest
from django.db import connection
from django.test import RequestFactory

from minxin.core.clientip import client_ip


@pytest.mark.parametrize(("trusted", "remote", "forwarded", "expected"), [
    ([], "203.0.113.7", "1.1.1.1", "203.0.113.7"),  # no proxy configured: the header is ignored
    (["127.0.0.1"], "203.0.113.7", "1.1.1.1", "203.0.113.7"),  # not from the proxy: ignored
    (["127.0.0.1"], "127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx's appended address
    (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a forged left part is skipped
    (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "6.6.6.6, 203.0.113.7, 10.1.2.3", "203.0.113.7"),  # two proxies
    (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),  # the proxy's own request
    (["127.0.0.1"], "127.0.0.1", "not-an-ip, 203.0.113.7", "203.0.113.7"),
    (["127.0.0.1"], "127.0.0.1", "203.0.113.7, garbage", "127.0.0.1"),  # a hop we cannot read: stop there
    (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
    (["127.0.0.1"], "::ffff:127.0.0.1", "203.0.113.7", "203.0.113.7"),  # gunicorn on [::]: IPv4-mapped
    ([], "fe80::1%eth0", "", "fe80::1"),  # an IPv6 zone is not part of the address
    ([], "", "", None),  # no usable address (a Unix socket, a request built in code): None, never a made-up string
    ([], "unix:/run/gunicorn.sock", "", None),
])
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.MINXIN_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_the_login_lockout_locks_the_client_not_the_proxy(world, client, settings):
    """Failed logins from one villager's phone behind nginx must not lock the account for everyone."""
    settings.MINXIN_TRUSTED_PROXIES = ["127.0.0.1"]
    username = world.users["tdw_clerk"].username
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/accounts/login/", {"username": username, "password": "wrong-password"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    locked = client.post("/accounts/login/", {"username": username, "password": "wrong-password"},
                         REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert locked.status_code == 429
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    other = client.post("/accounts/login/", {"username": username, "password": "wrong-password"},
                        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert other.status_code == 200  # the same account, another client: not locked out


def test_the_shared_cache_is_shared_between_processes_by_default(settings):
    from minxin import settings as project

    assert project.CACHES["shared"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers; this race runs in make test's PostgreSQL pass")
def test_concurrent_hits_from_several_workers_are_all_counted():
    """The database cache's incr() is a read then a write: without the counter's row lock, workers
    hitting at once would lose hits and let a flood through. (PostgreSQL: SQLite's test database
    lives in memory, where the production file's BEGIN IMMEDIATE queueing cannot be reproduced.)"""
    from concurrent.futures import ThreadPoolExecutor

    from django.core.cache import caches
    from django.db import connections

    from minxin.core.ratelimit import rate_limited

    def hit(_):
        try:
            return rate_limited("concurrency", limit=1000, window=60)
        finally:
            connections.close_all()

    rate_limited("concurrency", limit=1000, window=60)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(hit, range(120)))
    assert caches["shared"].get("ratelimit:concurrency") == 121


@pytest.mark.django_db
def test_a_database_cache_counter_keeps_the_end_of_its_window(settings):
    """Django's DatabaseCache.incr() writes the count back with the cache's default timeout (300 s):
    a window of ten minutes would end five minutes after the last hit instead, and a longer one
    restart. The count is written back with the row's own expiry."""
    from django.core.cache import caches
    from django.db import connection

    from minxin.core.ratelimit import _expires, rate_limited

    cache = caches["shared"]
    key = cache.make_and_validate_key("ratelimit:user:window")

    def expires():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT expires FROM {cache._table} WHERE cache_key = %s", [key])  # noqa: S608
            return _expires(connection, cursor.fetchone()[0])

    assert not rate_limited("user:window", limit=2, window=3600)
    first = expires()
    assert not rate_limited("user:window", limit=2, window=3600)
    assert rate_limited("user:window", limit=2, window=3600)
    assert abs((expires() - first).total_seconds()) <= 2  # an hour after the first hit, not 300 s after the last
    assert cache.get("ratelimit:user:window") == 3
