"""Shared by the benchmarks: timing medians, the machine line, RESULTS.md."""

import datetime
import os
import platform
import statistics
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def median_seconds(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def machine() -> str:
    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def record(title: str, lines: list[str]) -> None:
    """Append a dated section to bench/RESULTS.md."""
    stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by `python -m bench`: medians of several runs and the "
                           "ratio to a floor measured in the same run on the same data (DESIGN §6).\n")
    with RESULTS.open("a") as out:
        out.write(f"\n## {title} — {stamp}\n\n- machine: {machine()}\n")
        for line in lines:
            out.write(f"- {line}\n")


def run_sql(queries: list[tuple[str, list]]) -> None:
    """Run hand-written floor queries and fetch their rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            cursor.fetchall()


def ensure_county() -> None:
    """Load the county-scale demo into an empty database; refuse a database holding something else
    (its figures would not be the county's)."""
    from django.core.management import call_command

    from minxin.fieldwork.models import Visit
    from minxin.regions.models import Region

    call_command("migrate", verbosity=0)  # a new, empty database first gets the schema
    if not Region.objects.filter(level="village").exists():
        print("loading the county demo (minxin demo --scale county) …", flush=True)
        started = time.perf_counter()
        call_command("demo", scale="county", verbosity=0)
        print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
    visits = Visit.objects.count()
    if visits < 100_000:
        raise SystemExit(f"this database has {visits} visits; run the benchmark on an empty database "
                         "or one loaded with `minxin demo --scale county`")
