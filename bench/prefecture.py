"""Prefecture scale (issue 20, item 6): how each cost grows from one county to the ten counties of 铜仁市.

Runs on a PostgreSQL database loaded with `minxin demo --scale prefecture` (an empty one is loaded
first, and the time it took printed). Each figure is set beside its floor measured in the same run;
the same figures on the county demo (`python -m bench dashboard`, `registry`, `assessment`) are the
growth's reference in bench/RESULTS.md.

- the county dashboard as the county administrator (Yanhe) opens it — target: what it costs in one
  county; floor: the county's aggregates in hand-written SQL;
- the household list with a filter and a pinyin search, and unfiltered, as the county administrator;
- the prefecture dashboard as the city supervisor — target p95 < 300 ms cached, < 2 s fresh; floor:
  the prefecture's aggregates in hand-written SQL, grouped by county;
- the county's quarterly assessment (engine, no writes; and `period_assess`) — target: unchanged
  from one county; the prefecture's: each county's quarter assessed and stored in turn — target < 60 s;
- the import of the county's sheet (bench/out/county.xlsx, written by `python -m bench registry`)
  into an empty county database and into a database that holds the nine other counties — target:
  the same ratio to its floor (python-calamine's read, then raw COPY, timed apart) in both. Each database is its own
  (BENCH_PG_URL's server), loaded once (the nine counties take ~10 minutes); each of the BENCH_RUNS imports
  goes into a fresh copy of it, and the figures are the runs' medians.

Usage: DATABASE_URL=postgresql://…/prefecture python -m bench prefecture (not part of `make bench`:
loading the prefecture takes 11–40 minutes on two cores). BENCH_PREFECTURE_STEPS (default
"pages,list,assessment,import") runs only some of the steps.
"""

import os
import statistics
import time

from bench.common import median_seconds, record
from bench.dashboard import page_figures

RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def ensure_prefecture(say) -> None:
    from django.core.management import call_command

    from minxin.regions import data
    from minxin.regions.models import Region
    from minxin.registry.models import Household

    call_command("migrate", verbosity=0)  # a new, empty database first gets the schema
    if not Region.objects.filter(level="village").exists():
        say("loading the prefecture demo (minxin demo --scale prefecture) …")
        started = time.perf_counter()
        call_command("demo", scale="prefecture", verbosity=0)
        say(f"loaded in {time.perf_counter() - started:.0f} s")
    filled = {code[:6] for code in Region.objects.filter(level="village").values_list("code", flat=True)}
    if filled != {code[:6] for code, _name, _former in data.COUNTIES}:
        raise SystemExit("this database does not hold the ten counties: run the benchmark on an empty database "
                         "or one loaded with `minxin demo --scale prefecture`")
    say(f"{Household.objects.count():,} households in {len(filled)} counties")


def household_list(say) -> None:
    from bench._registry_worker import list_

    result = list_("40")
    say(f"household list as the county administrator, filter + pinyin search: p95 {result['p95'] * 1000:.0f} ms; "
        f"floor (the same count and page in raw SQL) p95 {result['floor_p95'] * 1000:.0f} ms, ratio "
        f"{result['p95'] / result['floor_p95']:.2f}; unfiltered (the first view) p95 "
        f"{result['unfiltered_p95'] * 1000:.0f} ms")


def assessment(say) -> None:
    from django.utils import timezone

    from bench.assessment import floor_queries
    from bench.common import run_sql
    from minxin.assessment import engine, services
    from minxin.assessment.models import Appeal, CadreResult, Period
    from minxin.demo.assessment import last_complete_quarter
    from minxin.regions import data

    window = last_complete_quarter(timezone.localdate())
    # As bench.assessment: the demo's appeals go and the quarter is a draft again, so it can be recomputed.
    Appeal.objects.filter(score__result__period__year=window.year, score__result__period__quarter=window.quarter).delete()
    Period.objects.filter(year=window.year, quarter=window.quarter).update(status=Period.Status.DRAFT)
    scheme = services.scheme_ensure(actor=None)
    queries = floor_queries(window)
    run_sql(queries)
    floor, _runs = median_seconds(lambda: run_sql(queries), RUNS)
    cohort = engine.build_cohort(window)
    compute, _runs = median_seconds(lambda: engine.compute(window, scheme), RUNS)
    assess, _runs = median_seconds(lambda: services.period_assess(actor=None, quarter=window.code), RUNS)
    say(f"county quarterly assessment {window.code} ({len(cohort.village_of):,} cadres of Yanhe): compute median "
        f"{compute:.2f} s, assess (compute + store) median {assess:.2f} s; floor (the engine's aggregates in "
        f"hand-written SQL over every county's rows) {floor:.2f} s")
    # The prefecture's quarter: each county's own, computed and stored, one after the other.
    started = time.perf_counter()
    slowest = (0.0, "")
    for code, name, _former in data.COUNTIES:
        began = time.perf_counter()
        services.period_assess(actor=None, quarter=window.code, county_code=code)
        slowest = max(slowest, (time.perf_counter() - began, name))
    cadres = CadreResult.objects.filter(period__year=window.year, period__quarter=window.quarter).count()
    say(f"the prefecture's quarter: each of the ten counties assessed and stored in turn ({cadres:,} cadres): "
        f"{time.perf_counter() - started:.1f} s (target < 60 s); slowest county {slowest[1]} {slowest[0]:.1f} s")


def county_import(say) -> None:
    from bench.registry import OUT, drop_pg, fresh_pg, worker

    sheet = OUT / "county.xlsx"
    if not sheet.exists():
        raise SystemExit(f"{sheet} is missing: run `python -m bench registry` (its export step) first")
    ratios = {}
    for label, name, around in (("an empty county database", "minxin_bench", False),
                                ("a database that holds the nine other counties", "minxin_bench_prefecture_import", True)):
        url = fresh_pg(name)
        worker("_registry_worker", "prep", database_url=url)
        if around:
            loaded = worker("_registry_worker", "others", str(sheet), database_url=url)
            say(f"the nine other counties loaded in {loaded['seconds']:.0f} s: {loaded['counts']['households']:,} "
                f"households, {loaded['counts']['people']:,} people")
        # Each run imports into a fresh copy of the loaded database (the nine counties load once), its
        # floor measured just before it: the runs' medians, as the county's own bench takes them.
        floors, imports = [], []
        for _run in range(RUNS):
            floors.append(worker("_registry_worker", "floor", str(sheet), database_url=url))
            result = worker("_registry_worker", "import", str(sheet),
                            database_url=fresh_pg(f"{name}_run", template=name))
            if result["exit"] != 0:
                raise SystemExit(f"the import into {label} failed: {result['problems']}")
            imports.append(result["seconds"])
        drop_pg(f"{name}_run")
        seconds, floor, streamed = (statistics.median(values) for values in (
            imports, [f["seconds"] for f in floors], [f["streamed"] for f in floors]))
        ratios[label] = seconds / floor
        say(f"import of the county sheet ({result['counts']['rows']:,} rows) into {label}: median {seconds:.1f} s "
            f"{_runs(imports)}; floor (python-calamine's whole-sheet read, then one raw COPY, timed apart) median "
            f"{floor:.1f} s, ratio {ratios[label]:.2f}; with the importer's own streaming reader {streamed:.1f} s, "
            f"ratio {seconds / streamed:.2f}")
    county, prefecture = ratios.values()
    say(f"the ratio grows {prefecture / county:.2f}x from one county to the prefecture (target: unchanged)")


def _runs(values) -> str:
    return "[" + ", ".join(f"{value:.1f}" for value in values) + "]"


def run() -> None:
    from django.utils import timezone

    from minxin.accounts.models import User
    from minxin.regions import data
    from minxin.regions.models import Region

    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    steps = set(os.environ.get("BENCH_PREFECTURE_STEPS", "pages,list,assessment,import").split(","))
    if steps & {"pages", "list", "assessment"}:
        ensure_prefecture(say)
    if "pages" in steps:
        year = timezone.localdate().year
        admin = User.objects.get(username="admin")
        page_figures(say, admin, Region.objects.get(code=data.COUNTY[0]), year,
                     "county dashboard, county administrator (target: as in one county)")
        page_figures(say, User.objects.get(username="city"), Region.objects.get(code=data.PREFECTURE[0]), year,
                     "prefecture dashboard, city supervisor (target p95 < 300 ms cached, < 2 s fresh)", editor=admin)
    if "list" in steps:
        household_list(say)
    if "assessment" in steps:
        assessment(say)
    if "import" in steps:
        county_import(say)
    record("Prefecture scale (issue 20.6), postgresql",  # the prefecture demo, and the import's databases
           ["command: DATABASE_URL=… python -m bench prefecture", *[f"`{line}`" for line in lines]])
