"""Registry benchmarks (issue #3): county demo, county-scale import against its floor, the household
list with a filter and a pinyin search. Each figure is the median of BENCH_RUNS runs."""

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import record

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def sqlite_url(name: str) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{OUT / name}"


def fresh_sqlite(name: str) -> str:
    for suffix in ("", "-wal", "-shm"):
        (OUT / f"{name}{suffix}").unlink(missing_ok=True)
    return sqlite_url(name)


def pg_available() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_URL, connect_timeout=3).close()
        return True
    except Exception:
        return False


def fresh_pg(name: str = "minxin_bench", *, template: str = "") -> str:
    """A new database `name` (one of that name dropped first): empty, or a copy of the database
    `template` — its files copied, then a checkpoint, so that the copy's first writes do not pay for
    it (an import into the loaded prefecture, repeated without loading it again)."""
    import psycopg

    drop_pg(name)
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        if template:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
            conn.execute("CHECKPOINT")
        else:
            conn.execute(f'CREATE DATABASE "{name}"')
    return PG_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def worker(module: str, *args: str, database_url: str) -> dict:
    """Run `python -m bench.<module> args…` with DATABASE_URL; it prints one JSON line last."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE":
           "minxin.settings"}
    done = subprocess.run([sys.executable, "-m", f"bench.{module}", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench.{module} {args} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def manage(*args: str, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "minxin.cli", *args], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def median(values):
    return statistics.median(values)


LINES: list[str] = []


def report(line: str) -> None:
    print(line, flush=True)
    LINES.append(line)


DEMO_BUDGET_S = 180
RATIO_BUDGET = 2.0  # issue 20, item 7
MEMORY_BUDGET_MB = 1536
LIST_BUDGET_S = 0.150


def bench_demo() -> str:
    times, url = [], None
    for _run in range(RUNS):
        url = fresh_sqlite("county.sqlite3")
        result = worker("_registry_worker", "demo", "county", database_url=url)
        times.append(result["seconds"])
    counts = result["counts"]
    report(f"demo --scale county (SQLite): median {median(times):.1f} s of {[round(t, 1) for t in times]}; "
           f"budget {DEMO_BUDGET_S} s, ratio {median(times) / DEMO_BUDGET_S:.2f}; "
           f"{counts['households']:,} households, {counts['people']:,} people, "
           f"{counts['registered_households']:,} registered households / {counts['registered_people']:,} people")
    return url


def bench_import(sheet: str, backend: str) -> None:
    floors, streamed, imports, memory, separate = [], [], [], [], []
    for _run in range(RUNS):
        url = fresh_sqlite("import.sqlite3") if backend == "sqlite" else fresh_pg()
        worker("_registry_worker", "prep", database_url=url)
        floor = worker("_registry_worker", "floor", sheet, database_url=url)
        floors.append(floor["seconds"])
        streamed.append(floor["streamed"])
        url = fresh_sqlite("import.sqlite3") if backend == "sqlite" else fresh_pg()
        worker("_registry_worker", "prep", database_url=url)
        result = worker("_registry_worker", "import", sheet, database_url=url)
        assert result["exit"] == 0, result
        imports.append(result["seconds"])
        memory.append(result["peak_at_once_mb"])  # the importer and its children, sampled together
        separate.append((result["max_rss_mb"], result["child_max_rss_mb"]))
    insert = "COPY" if backend != "sqlite" else "executemany"
    report(f"import county sheet ({backend}, {result['counts']['rows']:,} rows, "
           f"{result['counts']['households_created']:,} households): median {median(imports):.1f} s "
           f"{[round(t, 1) for t in imports]}; floor (python-calamine's whole-sheet read, then one raw {insert}, "
           f"timed apart) median {median(floors):.1f} s {[round(t, 1) for t in floors]}, ratio "
           f"{median(imports) / median(floors):.2f} (budget {RATIO_BUDGET}); floor with the importer's own streaming "
           f"reader instead median {median(streamed):.1f} s {[round(t, 1) for t in streamed]}, ratio "
           f"{median(imports) / median(streamed):.2f}; peak memory (importer and its children at one time) "
           f"{max(memory):.0f} MiB (budget {MEMORY_BUDGET_MB} MiB; separate peaks: importer "
           f"{max(s[0] for s in separate):.0f} MiB, largest child {max(s[1] for s in separate):.0f} MiB)")


def bench_list(url: str, backend: str) -> None:
    results = [worker("_registry_worker", "list", "40", database_url=url) for _run in range(RUNS)]
    p95 = median([r["p95"] for r in results])
    floor = median([r["floor_p95"] for r in results])
    report(f"household list, filter + pinyin search, county scale ({backend}): p95 {p95 * 1000:.0f} ms "
           f"(budget {LIST_BUDGET_S * 1000:.0f} ms); floor (same count + page in raw SQL) p95 {floor * 1000:.0f} ms; "
           f"ratio {p95 / floor:.2f}; the unfiltered county list (a county user's first view) p95 "
           f"{median([r['unfiltered_p95'] for r in results]) * 1000:.0f} ms")


def run() -> None:
    """BENCH_REGISTRY_STEPS (e.g. "list") runs only some steps, reusing bench/out/county.sqlite3."""
    steps = set(os.environ.get("BENCH_REGISTRY_STEPS", "demo,export,list,import").split(","))
    report(f"--- {datetime.datetime.now():%Y-%m-%d %H:%M} on {platform.node()} ({platform.processor() or platform.machine()}), "
           f"runs={RUNS}")
    county = bench_demo() if "demo" in steps else sqlite_url("county.sqlite3")
    sheet = str(OUT / "county.xlsx")
    if "export" in steps:
        exported = worker("_registry_worker", "export", sheet, database_url=county)
        report(f"export county sheet (SQLite, unmasked): {exported['seconds']:.1f} s for {exported['rows']:,} rows")
    if "list" in steps:
        bench_list(county, "sqlite")
    if "import" in steps:
        bench_import(sheet, "sqlite")
    if pg_available() and steps & {"list", "import", "demo"}:
        if steps & {"list", "demo"}:
            url = fresh_pg()
            result = worker("_registry_worker", "demo", "county", database_url=url)
            report(f"demo --scale county (PostgreSQL): {result['seconds']:.1f} s")
            if "list" in steps:
                bench_list(url, "postgresql")
        if "import" in steps:
            bench_import(sheet, "postgresql")
    elif not pg_available():
        report("PostgreSQL not reachable: PostgreSQL figures skipped")
    record("Registry: county demo, county-scale import, household list", LINES[1:])
