"""What operations watch: liveness and readiness, the worker's heartbeat, each request's id (answered,
logged, written on the audit events it causes) and the log lines themselves (JSON, no query string)."""

import io
import json
import logging
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pythonjsonlogger.json import JsonFormatter

from minxin.core import health
from minxin.core.models import AuditEvent, WorkerBeat
from minxin.core.requestlog import RequestIdFilter
from tests.sealed import plain

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_login_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_readiness_needs_a_worker_beat_that_is_recent(client, caplog):
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] and checks["migrations"]["ok"] and not checks["worker"]["ok"]
    # logged once, as a warning naming what fails (a probe polls it: no ERROR line each time)
    logged = [r for r in caplog.records if r.name == "django.request" and "/readyz" in r.getMessage()]
    assert [(r.levelname, r.getMessage()) for r in logged] == [("WARNING", "Not ready (worker): /readyz")]

    health.beat("w1", timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"

    stale = timezone.now() - timedelta(seconds=settings.MINXIN_WORKER_STALE_SECONDS + 1)
    WorkerBeat.objects.filter(worker_id="w1").update(beat_at=stale)
    assert client.get("/readyz").status_code == 503


def test_readiness_reports_pending_migrations(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr("django.db.migrations.executor.MigrationExecutor.migration_plan",
                        lambda self, targets: [("a migration", False)])
    health.beat("w1", timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "detail": "1 pending"}


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_and_its_row_goes_when_the_worker_stops(settings, monkeypatch):
    settings.MINXIN_WORKER_BEAT_SECONDS = 1
    beats = []
    real_beat = health.beat
    monkeypatch.setattr(health, "beat", lambda *args: (real_beat(*args), beats.append(timezone.now())))
    stop = health.start_heartbeat("worker-under-test")
    assert WorkerBeat.objects.filter(worker_id="worker-under-test").exists()  # the first beat, at once
    deadline = time.monotonic() + 10
    while len(beats) < 3:  # the thread's own beats (the test does not touch the database meanwhile)
        assert time.monotonic() < deadline, f"{len(beats)} beats in 10 s"
        time.sleep(0.1)
    stop()
    assert not WorkerBeat.objects.filter(worker_id="worker-under-test").exists()


def test_every_answer_carries_a_request_id_and_a_proxys_id_is_kept_only_from_a_trusted_proxy(client, settings):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second
    offered = "nginx-0123456789abcdef"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=offered)["X-Request-ID"] != offered  # no proxy trusted
    settings.MINXIN_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID=offered)["X-Request-ID"] == offered
    for forged in ("short", "x" * 65, "has space in it", "semi;colon;header"):
        assert client.get("/healthz", HTTP_X_REQUEST_ID=forged)["X-Request-ID"] != forged


def test_the_audit_event_of_a_reveal_carries_its_requests_id_and_the_log_finds_it(world, client):
    client.force_login(world.users["tdw_admin"])
    member = world.registry["tdw"]["member"]
    response = client.post(reverse("registry:member-reveal", args=[member.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="reveal.id_number", object_id=str(member.pk))
    assert event.request_id == response["X-Request-ID"]
    page = client.get("/audit/", {"request_id": event.request_id}).content.decode()
    assert page.count('<td title="reveal.id_number">') == 1 and event.request_id in page
    other = client.get("/audit/", {"request_id": "0" * 32}).content.decode()
    assert '<td title="reveal.id_number">' not in other


def test_events_written_outside_a_request_have_no_request_id(world):
    from minxin.core.audit import audit_record

    event = audit_record(actor=None, action="demo.load", object_type="demo")
    assert event.request_id == ""


@pytest.fixture
def json_log():
    """The request logger writing through the JSON formatter exactly as settings.LOGGING configures it."""
    options = {key: value for key, value in settings.LOGGING["formatters"]["json"].items() if key != "()"}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger("minxin.request"), logging.getLogger("django.request")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_one_json_line_per_request_with_its_id_and_never_the_query_string(world, client, json_log):
    client.force_login(world.users["tdw_admin"])
    number = plain(world.registry["tdw"]["member"])
    answered = client.get("/registry/households/", {"q": number})
    missing = client.get("/registry/households/999999999/", {"q": number})
    assert missing.status_code == 404
    lines = json_log()
    assert number not in json.dumps(lines) and number[-4:] not in json.dumps(lines)
    mine = [line for line in lines if line["logger"] == "minxin.request"]
    assert [(line["path"], line["status"]) for line in mine] == [("/registry/households/", 200),
                                                                ("/registry/households/999999999/", 404)]
    assert mine[0]["request_id"] == answered["X-Request-ID"] and mine[0]["user_id"] == world.users["tdw_admin"].pk
    assert {"time", "level", "message", "duration_ms", "method"} <= set(mine[0])
    # Django's own 404 record: the same request's id, the request reduced to its method and path.
    django_404 = [line for line in lines if line["logger"] == "django.request"]
    assert answered.status_code == 200 and len(django_404) == 1 and django_404[0]["request_id"] == missing["X-Request-ID"]
    assert django_404[0]["request"] == "GET /registry/households/999999999/"


def test_a_background_job_carries_the_id_of_the_request_that_queued_it(world, settings, tmp_path):
    from minxin.core.requestlog import request_bound
    from minxin.registry import services_io
    from minxin.registry.selectors import HouseholdFilters

    settings.MEDIA_ROOT = tmp_path
    with request_bound("queued-by-request-0001"):
        job = services_io.export_job_create(actor=world.users["tdw_admin"], filters=HouseholdFilters(q="ahzj"))
    assert job.request_id == "queued-by-request-0001"
    services_io.export_job_run(job_id=job.pk)  # in the worker: no request of its own
    job.refresh_from_db()
    assert job.state == "done", job.message
    event = AuditEvent.objects.filter(action="household.export").latest("id")
    assert event.request_id == "queued-by-request-0001"
