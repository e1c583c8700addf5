"""Liveness, readiness and the background worker's heartbeat.

`/healthz` answers while the process can serve (no database). `/readyz` checks what serving needs:
the database answers, every migration on disk is applied, and a background worker beat within
MINXIN_WORKER_STALE_SECONDS (without one, uploads stay queued). A load balancer or monitor polls
them; they carry no data of anyone.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from minxin.core.models import WorkerBeat

logger = logging.getLogger(__name__)
_migrated = False  # once every migration is applied, it stays so for this process's code


def _database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return False, type(exc).__name__
    return True, "ok"


def _migrations() -> tuple[bool, str]:
    global _migrated
    if not _migrated:
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as exc:
            return False, type(exc).__name__
        if pending:
            return False, f"{len(pending)} pending"
        _migrated = True
    return True, "ok"


def _worker() -> tuple[bool, str]:
    stale = timezone.now() - timedelta(seconds=settings.MINXIN_WORKER_STALE_SECONDS)
    try:
        latest = WorkerBeat.objects.filter(beat_at__gte=stale).order_by("-beat_at").first()
    except DatabaseError as exc:
        return False, type(exc).__name__
    if latest is None:
        return False, f"no worker beat in the last {settings.MINXIN_WORKER_STALE_SECONDS} s"
    return True, f"beat {(timezone.now() - latest.beat_at).total_seconds():.0f} s ago"


def readiness() -> tuple[bool, dict[str, dict]]:
    """(ready, each check's result): the database first; without it the others cannot answer."""
    checks = {"database": _database()}
    if checks["database"][0]:
        checks["migrations"] = _migrations()
        checks["worker"] = _worker()
    ready = all(ok for ok, _detail in checks.values())
    return ready, {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}


def beat(worker_id: str, started_at: datetime) -> None:
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={
        "hostname": socket.gethostname()[:255], "pid": os.getpid(), "started_at": started_at,
        "beat_at": timezone.now()})


def start_heartbeat(worker_id: str) -> Callable[[], None]:
    """Beat now, then every MINXIN_WORKER_BEAT_SECONDS from a thread of its own (so a long import
    does not silence it), until the returned function is called: it deletes the beat row."""
    stop = threading.Event()
    started_at = timezone.now()
    beat(worker_id, started_at)

    def run() -> None:
        try:
            while not stop.wait(settings.MINXIN_WORKER_BEAT_SECONDS):
                try:
                    beat(worker_id, started_at)
                except DatabaseError:  # a locked SQLite file, a restarting server: the next beat retries
                    logger.warning("worker %s: heartbeat not written", worker_id, exc_info=True)
            WorkerBeat.objects.filter(worker_id=worker_id).delete()
        except DatabaseError:  # the row then ages out of the readiness window
            logger.warning("worker %s: heartbeat row not deleted", worker_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, name="minxin-heartbeat", daemon=True)
    thread.start()

    def end() -> None:
        stop.set()
        thread.join(timeout=10)

    return end
