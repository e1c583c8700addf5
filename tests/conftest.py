import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there
# are still synchronous, so Django's async-safety guard is relaxed for the test process only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def today():
    """The county's date when the test runs, not when the module was imported: a run that crosses
    midnight in Asia/Shanghai (16:00 UTC) would otherwise compare against yesterday."""
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


@pytest.fixture
def small_prefecture(db, monkeypatch):
    """The prefecture demo on a small copy of its scale: the ten counties of 铜仁市, one township of
    two villages each, Yanhe as the tiny county demo makes it."""
    import dataclasses

    from django.core.management import call_command

    from minxin import demo

    monkeypatch.setitem(demo.SCALES, "tiny", dataclasses.replace(demo.SCALES["tiny"], prefecture=True))
    call_command("demo", scale="tiny", seed=1, stdout=None)


@pytest.fixture
def as_user(client):
    """Log the test client in as a given user (bypassing the lockout backend's request check)."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files (visit photos) go to a per-test folder, never into var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real Argon2id costs ~0.25 s of CPU per user; tests create dozens. Production hashing is unchanged.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _todo_counted_live(settings):
    # The menu's count counted on every page, so a test that changes records and reads the count
    # sees its change; tests/test_todo.py sets MINXIN_TODO_COUNT_SECONDS to test the kept count.
    settings.MINXIN_TODO_COUNT_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_cache(request, django_db_blocker):
    # Each test starts from a fresh database, where audit ids (the dashboard's data version) can
    # repeat on SQLite after a rollback; a cache left by an earlier test must not answer for it.
    # The "shared" cache (rate limits) lives in the database: a test's rollback empties it, but a
    # test that commits (live server, transactional) leaves its counters, which are cleared here.
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()
    if {"live_server", "transactional_db"} & set(request.fixturenames):
        with django_db_blocker.unblock():
            caches["shared"].clear()


@pytest.fixture(scope="session")
def _counted_tables(django_db_setup):
    from tests.changes import counted

    return counted()


@pytest.fixture(autouse=True)
def action_watch(request, _django_db_marker, monkeypatch):
    """Each service block of a database test writes no counted table its actions leave unnamed
    (tests/changes.py); the watch, for a test that looks at it."""
    if not request.node.get_closest_marker("django_db") and "db" not in request.fixturenames:
        yield None
        return
    from django.db import connection

    from minxin.core.models import AuditEvent
    from tests.changes import Units

    units = Units(request.getfixturevalue("_counted_tables"))
    save, bulk_create = AuditEvent.save, AuditEvent.objects.bulk_create

    def saved(event, *args, **kwargs):
        save(event, *args, **kwargs)
        units.recorded([event.action])

    def created(events, *args, **kwargs):
        made = bulk_create(events, *args, **kwargs)
        units.recorded([event.action for event in events])
        return made

    monkeypatch.setattr(AuditEvent, "save", saved)
    monkeypatch.setattr(AuditEvent.objects, "bulk_create", created)
    with connection.execute_wrapper(units):
        yield units
    assert not units.wrong, "\n".join(units.wrong)


@pytest.fixture(scope="session", autouse=True)
def _ledger_flush_allowed():
    # A transactional test's teardown empties every table; on SQLite that is a DELETE, which the
    # ledger's append-only triggers refuse unless the ledger's maintenance switch is on — for the
    # flush only (the tests that try to change the ledger run with it off).
    from django.core.management.commands import flush

    from minxin.ledger.guard import maintenance

    original = flush.Command.handle

    def handle(self, *args, **options):
        with maintenance():
            return original(self, *args, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original
