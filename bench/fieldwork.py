"""Field-work benchmarks (issue #4), on the county-scale demo (≈167,000 households, ≈200,000 visits).

1. One POST /api/v1/sync of 1,000 visits (full stack: JSON, session auth, scope checks, services,
   receipts, audit) — target < 2 s. Floor: the same 1,000 visit rows and 1,000 receipts written
   with one raw executemany/COPY each.
2. The same 10,000 visits sent twice (10 batches of 1,000, then again): exactly 10,000 rows.
3. Coverage of the busiest village at county scale — target < 100 ms. Floor: the same figures in
   hand-written SQL. Also the per-village table of the whole county.
4. The field app's bootstrap for a township user (its households, capped at 5,000, and the last
   three visits of each in the past year) — target < 1 s. Floor: the same two reads in
   hand-written SQL.

Usage: DATABASE_URL=… python -m bench fieldwork (loads `minxin demo --scale county` into an empty
database first; re-runs reuse it and remove the visits they sent).
"""

import datetime
import json
import os
import platform
import re
import statistics
import time
import uuid
from decimal import Decimal
from pathlib import Path

from bench.common import ensure_county

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
LINES: list[str] = []


def _say(line: str) -> None:
    print(line, flush=True)
    LINES.append(line)


def _machine() -> str:
    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def _record(vendor: str) -> None:
    """Append this run to bench/RESULTS.md (date, machine, command, figures)."""
    stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by `python -m bench`: medians of several runs and the "
                           "ratio to a floor measured in the same run on the same data (DESIGN §6).\n")
    url = re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", os.environ.get("DATABASE_URL", "(default: var/minxin.sqlite3)"))
    with RESULTS.open("a") as out:
        out.write(f"\n## fieldwork ({vendor}) — {stamp}\n\n- machine: {_machine()}\n")
        out.writelines(f"- {line}\n" for line in LINES)
        out.write(f"- command: `DATABASE_URL={url} BENCH_RUNS={RUNS} .venv/bin/python -m bench fieldwork`\n")


def _median(samples):
    return statistics.median(samples)


def _cadre_and_households():
    from minxin.accounts.models import User
    from minxin.registry.models import Household

    user = User.objects.get(username="cadre")
    villages = user.scope_prefixes()
    households = list(Household.objects.filter(village_id__in=villages).values_list("id", flat=True))
    return user, households


def _records(households, n, *, start):
    now = datetime.datetime.now(datetime.UTC)
    return [{"type": "visit", "uuid": str(uuid.uuid4()), "device_time": now.isoformat(), "data": {
        "household_id": households[(start + i) % len(households)],
        "occurred_at": (now - datetime.timedelta(minutes=start + i)).isoformat(),
        "kind": "home", "notes": f"基准测试走访 {start + i}", "lat": 28.56, "lon": 108.5, "accuracy_m": 15}}
        for i in range(n)]


def _post(client, records):
    response = client.post("/api/v1/sync", data=json.dumps({"records": records}), content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    return [r["status"] for r in response.json()["results"]]


def _cleanup(uuids):
    from django.db import transaction

    from minxin.fieldwork.models import SyncReceipt, Visit

    with transaction.atomic():
        for start in range(0, len(uuids), 5000):
            chunk = uuids[start:start + 5000]
            Visit.objects.filter(uuid__in=chunk).delete()
            SyncReceipt.objects.filter(uuid__in=chunk).delete()


def _floor_insert(user, households, records):
    """Raw INSERTs of the same rows the sync writes (visit + receipt), in one transaction."""
    from django.db import transaction
    from django.utils import timezone

    from minxin.fieldwork.models import SyncReceipt, Visit
    from minxin.registry.io import bulk
    from minxin.registry.models import Household

    village = dict(Household.objects.filter(pk__in=households).values_list("id", "village_id"))
    cadre_id = user.cadre.pk
    now = timezone.now()
    visits, receipts = [], []
    for record in records:
        data = record["data"]
        key = uuid.UUID(record["uuid"])
        visits.append((key.hex, now, now, village[data["household_id"]], user.pk, now, now, False, cadre_id,
                       data["household_id"], datetime.datetime.fromisoformat(data["occurred_at"]), "home",
                       data["notes"], "", Decimal("28.560000"), Decimal("108.500000"), 15))
        receipts.append((key.hex, "visit", "0" * 64, None, user.pk, now))
    started = time.perf_counter()
    with transaction.atomic():
        bulk.insert_rows(Visit, ["uuid", "created_at", "updated_at", "village_id", "recorded_by_id", "device_time",
                                 "received_at", "late", "cadre_id", "household_id", "occurred_at", "kind", "notes",
                                 "help_given", "lat", "lon", "accuracy_m"], visits)
        bulk.insert_rows(SyncReceipt, ["uuid", "record_type", "content_hash", "object_id", "user_id",
                                       "received_at"], receipts)
    return time.perf_counter() - started


def bench_sync(client, user, households):
    sync_times, floor_times = [], []
    for run in range(RUNS):
        records = _records(households, 1000, start=run * 1000)
        started = time.perf_counter()
        statuses = _post(client, records)
        sync_times.append(time.perf_counter() - started)
        assert statuses == ["created"] * 1000, set(statuses)
        _cleanup([r["uuid"] for r in records])
        floor_records = _records(households, 1000, start=run * 1000)
        floor_times.append(_floor_insert(user, households, floor_records))
        _cleanup([r["uuid"] for r in floor_records])
    sync, floor = _median(sync_times), _median(floor_times)
    _say(f"sync 1,000 visits: median {sync:.3f} s over {RUNS} runs (target < 2 s) "
          f"{'OK' if sync < 2 else 'SLOW'}; floor (raw insert of the same rows) {floor:.3f} s; "
          f"ratio {sync / floor:.1f}×; runs {' '.join(f'{t:.2f}' for t in sync_times)}")
    return sync


def bench_twice(client, households):
    from minxin.fieldwork.models import Visit

    records = _records(households, 10_000, start=100_000)
    batches = [records[i:i + 1000] for i in range(0, len(records), 1000)]
    timings = []
    try:
        for round_ in ("first", "second"):
            started = time.perf_counter()
            statuses = [s for batch in batches for s in _post(client, batch)]
            timings.append(time.perf_counter() - started)
            expected = "created" if round_ == "first" else "duplicate"
            assert statuses == [expected] * 10_000, {s: statuses.count(s) for s in set(statuses)}
        rows = Visit.objects.filter(uuid__in=[r["uuid"] for r in records[:5000]]).count() + \
            Visit.objects.filter(uuid__in=[r["uuid"] for r in records[5000:]]).count()
    finally:
        _cleanup([r["uuid"] for r in records])
    _say(f"10,000 visits sent twice: {rows:,} rows (must be 10,000) {'OK' if rows == 10_000 else 'WRONG'}; "
          f"first pass {timings[0]:.2f} s (created), second {timings[1]:.2f} s (all duplicate)")
    return rows


_FLOOR_SQL = """
SELECT COUNT(DISTINCT CASE WHEN v.occurred_at >= %(month)s THEN v.household_id END),
       COUNT(DISTINCT CASE WHEN v.occurred_at >= %(quarter)s THEN v.household_id END),
       COUNT(DISTINCT v.household_id),
       SUM(CASE WHEN v.kind = 'care' THEN 1 ELSE 0 END)
FROM fieldwork_visit v WHERE v.village_id = %(village)s AND v.occurred_at >= %(year)s
"""
_FLOOR_HOUSEHOLDS_SQL = """
SELECT COUNT(*),
       SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM fieldwork_visit v WHERE v.household_id = h.id) THEN 1 ELSE 0 END),
       SUM(CASE WHEN EXISTS (SELECT 1 FROM registry_helper p WHERE p.household_id = h.id)
                 AND NOT EXISTS (SELECT 1 FROM fieldwork_visit v WHERE v.household_id = h.id
                                 AND v.occurred_at >= %(six)s) THEN 1 ELSE 0 END)
FROM registry_household h WHERE h.village_id = %(village)s
"""


def bench_coverage():
    from django.db import connection
    from django.db.models import Count

    from minxin.fieldwork import coverage
    from minxin.fieldwork.models import Visit

    periods = coverage.Periods.of()
    busiest = (Visit.objects.filter(occurred_at__gte=periods.year).values("village_id")
               .annotate(n=Count("pk")).order_by("-n").first())
    village, visits_in_year = busiest["village_id"], busiest["n"]
    year_total = Visit.objects.filter(occurred_at__gte=periods.year).count()
    params = {"village": village, "month": periods.month, "quarter": periods.quarter, "year": periods.year,
              "six": periods.six_months}
    coverage.village_coverage(village_code=village)  # warm the caches once, like a running server
    mine, floor = [], []
    for _ in range(RUNS * 2):
        started = time.perf_counter()
        result = coverage.village_coverage(village_code=village)
        mine.append(time.perf_counter() - started)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(_FLOOR_SQL, params)
            raw = cursor.fetchone()
            cursor.execute(_FLOOR_HOUSEHOLDS_SQL, params)
            raw_households = cursor.fetchone()
        floor.append(time.perf_counter() - started)
    assert (result.month, result.quarter, result.year) == tuple(raw[:3]), (result, raw)
    assert (result.households, result.never_visited_count, result.paired_stale_count) == tuple(raw_households)
    ms, floor_ms = _median(mine) * 1000, _median(floor) * 1000
    _say(f"village coverage ({village}, {visits_in_year} visits this year; {year_total:,} in the county): "
          f"median {ms:.1f} ms (target < 100 ms) {'OK' if ms < 100 else 'SLOW'}; floor (hand-written SQL) "
          f"{floor_ms:.1f} ms (counts only; the page also lists up to 50 households three times); "
         f"ratio {ms / floor_ms:.1f}×")
    county = []
    for _ in range(RUNS):
        started = time.perf_counter()
        table = coverage.region_coverage(prefix="520627")
        county.append(time.perf_counter() - started)
    _say(f"county coverage table ({len(table)} villages, every visit of the year grouped): "
         f"median {_median(county) * 1000:.0f} ms")
    return ms


_FLOOR_BOOTSTRAP_SQL = """
SELECT h.id, h.village_id, h.number, h.head_name, h."group", h.address, h.version, h.care_child, h.care_elderly,
       h.care_women
FROM registry_household h WHERE h.village_id LIKE %(prefix)s
ORDER BY h.village_id, h."group", h.number LIMIT 5001
"""
_FLOOR_RECENT_SQL = """
SELECT * FROM (
  SELECT v.uuid, v.household_id, v.occurred_at, v.kind, c.name, v.notes, v.help_given,
         ROW_NUMBER() OVER (PARTITION BY v.household_id ORDER BY v.occurred_at DESC, v.id DESC) AS rank
  FROM fieldwork_visit v JOIN cadres_cadre c ON c.id = v.cadre_id
  WHERE v.village_id LIKE %(prefix)s AND v.occurred_at >= %(since)s) ranked
WHERE rank <= 3
"""


def bench_bootstrap():
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from minxin.accounts.models import User

    user = User.objects.get(username="township")
    prefix = user.scope_prefixes()[0]
    client = Client()
    client.force_login(user)
    params = {"prefix": f"{prefix}%", "since": timezone.now() - datetime.timedelta(days=365)}
    mine, floor = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get("/api/v1/field/bootstrap")
        mine.append(time.perf_counter() - started)
        assert response.status_code == 200
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(_FLOOR_BOOTSTRAP_SQL, params)
            households = cursor.fetchall()
            cursor.execute(_FLOOR_RECENT_SQL, params)
            cursor.fetchall()
        floor.append(time.perf_counter() - started)
    data = response.json()
    ms, floor_ms = _median(mine) * 1000, _median(floor) * 1000
    _say(f"field app bootstrap (township user, {len(data['households']):,} households of {len(households):,} read, "
         f"{len(data['visits']):,} recent visits, {len(response.content) / 1e6:.1f} MB): median {ms:.0f} ms "
         f"(target < 1,000 ms) {'OK' if ms < 1000 else 'SLOW'}; floor (hand-written SQL, no JSON) {floor_ms:.0f} ms; "
         f"ratio {ms / floor_ms:.1f}×")
    return ms


def run() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from minxin.fieldwork.models import Visit

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ensure_county()
    visits = Visit.objects.count()
    _say(f"database: {connection.vendor}; {visits:,} visits (county demo)")
    user, households = _cadre_and_households()
    client = Client()
    client.force_login(user)
    bench_sync(client, user, households)
    bench_twice(client, households)
    bench_coverage()
    bench_bootstrap()
    _record(connection.vendor)
