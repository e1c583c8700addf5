"""One measured step of the registry benchmarks, in its own process (clean memory figures).

python -m bench._registry_worker prep|others|floor|import|export|list|demo ARGS — prints a JSON line.
"""

import contextlib
import json
import os
import resource
import sys
import time


def _setup():
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")

    django.setup()


def prep(seed="2026"):
    """An empty registry with the county's regions and demo villages (the same names as the demo)."""
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from minxin import demo
    from minxin.demo import regions

    ctx = demo.new_context("county", int(seed))
    with transaction.atomic():
        regions.generate(ctx)
    return {"villages": len(ctx.villages)}


def others(sheet, seed="2026"):
    """Around prep's county: the other nine counties of the prefecture, as `minxin demo --scale
    prefecture` makes them (townships, units, cadres, households, members, visits). As in the demo,
    nobody is given an ID number the county's sheet already holds (its people are born all over the
    prefecture): the import would rightly refuse them as registered in another household."""
    from django.db import transaction

    from minxin import demo
    from minxin.demo import prefecture
    from minxin.registry.io import bulk, template
    from minxin.registry.io.reader import open_sheet

    rows = open_sheet(sheet).rows
    _number, header = next(rows)
    column = next(index for index, cell in enumerate(header) if template.column_for(cell) == "id_number")
    start = time.perf_counter()
    ctx = demo.new_context("prefecture", int(seed))
    ctx.id_numbers.update(str(cells[column]) for _number, cells in rows)
    with bulk.paused_gc(), transaction.atomic():  # as demo.build
        prefecture.generate(ctx)
    bulk.analyze()  # as docs/operations.md says to after loading the prefecture
    return {"seconds": time.perf_counter() - start, "counts": ctx.counts}


def floor(path):
    """The issue's floor: the sheet read, then its rows inserted raw (one executemany / COPY into an
    unindexed table), as two stages timed apart and added up. The read is timed twice: by
    python-calamine loading the whole sheet (the issue's "calamine's read"), and by the importer's
    own reader (reader.open_sheet: the streaming child). "seconds" is the issue's floor; "streamed"
    the floor with the importer's reader."""
    import gc

    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    from minxin.registry.io.reader import open_sheet

    def texts(rows):
        return [[("" if v is None else str(v)) for v in (row + [""] * 27)[:27]] for row in rows]

    gc.disable()  # as the import does (bulk.paused_gc): millions of cells, no cycles
    start = time.perf_counter()
    workbook = CalamineWorkbook.from_path(path)
    loaded = texts(workbook.get_sheet_by_name(workbook.sheet_names[0]).iter_rows())
    read_whole = time.perf_counter() - start
    del loaded, workbook
    start = time.perf_counter()
    rows = texts(row for _number, row in open_sheet(path).rows)
    read_streamed = time.perf_counter() - start
    cols = ", ".join(f"c{i} text" for i in range(27))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(f"CREATE TABLE bench_floor ({cols})")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY bench_floor FROM STDIN") as copy:
                for row in rows[1:]:  # after the header
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * 27)
            cursor.executemany(f"INSERT INTO bench_floor VALUES ({placeholders})", rows[1:])  # noqa: S608
    insert = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")  # not carried into the databases copied from this one
    return {"seconds": read_whole + insert, "streamed": read_streamed + insert, "read_whole": read_whole,
            "read_streamed": read_streamed, "insert": insert, "rows": len(rows) - 1}


def import_(path):
    from minxin.registry.services_io import household_import

    start = time.perf_counter()
    phases = []
    outcome = household_import(actor=None, path=path, progress=lambda pc, ph: phases.append(
        (round(time.perf_counter() - start, 1), pc, str(ph))))
    return {"seconds": time.perf_counter() - start, "exit": outcome.exit_code, "counts": outcome.counts,
            "problems": [vars(p) for p in outcome.problems[:5]], "phases": phases[::3] + phases[-2:]}


def export(path):
    from minxin.registry.models import Household
    from minxin.registry.services_io import household_export

    start = time.perf_counter()
    rows = household_export(actor=None, households=Household.objects.all(), target=path, unmasked=True,
                            description="bench")
    return {"seconds": time.perf_counter() - start, "rows": rows}


def demo_(scale="county"):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    from minxin import demo

    ctx = demo.build(scale, 2026)
    return {"seconds": time.perf_counter() - start, "counts": ctx.counts}


def list_(requests="40"):
    """Server time of the household list with a filter and a pinyin search, as the county admin,
    and the floor: the same count and page as hand-written SQL."""
    import random

    from django.db import connection
    from django.test import Client

    from minxin.accounts.models import User
    from minxin.registry.models import Household

    user = User.objects.filter(role="county_admin").first()
    client = Client()
    client.force_login(user)
    rng = random.Random(7)
    initials = [k.split(" ")[1][:2] for k in Household.objects.values_list("name_pinyin", flat=True)[:2000:7]]
    # One untimed request first: a server process compiles its templates and URL patterns once, not
    # on the requests whose time is measured.
    assert client.get("/registry/households/", {"q": "zz"}).status_code == 200
    times, floors = [], []
    for index in range(int(requests)):
        q = rng.choice(initials)
        params = {"q": q, "registered": "yes"} if index % 2 else {"q": q, "tag": "care_elderly"}
        start = time.perf_counter()
        response = client.get("/registry/households/", params)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
        where = ("EXISTS (SELECT 1 FROM registry_registration r WHERE r.household_id = h.id)" if index % 2
                 else "h.care_elderly")
        # The floor: the page and its total in one hand-written statement, as the page does.
        sql = (f"SELECT h.*, COUNT(*) OVER () FROM registry_household h WHERE h.village_id LIKE '520627%%' "  # noqa: S608
               f"AND {where} AND (h.search_key LIKE %s OR h.number LIKE %s) ORDER BY h.name_pinyin, h.id LIMIT 50")
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [f"%{q}%", f"{q.upper()}%"])
            cursor.fetchall()
        floors.append(time.perf_counter() - start)
    # The page as a county user first opens it: no filter, the whole county (170,000 households).
    unfiltered = []
    for _index in range(int(requests) // 2):
        start = time.perf_counter()
        assert client.get("/registry/households/").status_code == 200
        unfiltered.append(time.perf_counter() - start)
    times.sort()
    floors.sort()
    unfiltered.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    return {"p95": p95, "median": times[len(times) // 2], "floor_p95": floors[int(0.95 * (len(floors) - 1))],
            "unfiltered_p95": unfiltered[int(0.95 * (len(unfiltered) - 1))]}


STEPS = {"prep": prep, "others": others, "floor": floor, "import": import_, "export": export, "demo": demo_, "list": list_}

def _rss_mb(pid: str) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:")), 0.0)
    except OSError:  # the process has just ended
        return 0.0


def _family(pid: str) -> list[str]:
    """The process and its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for thread in os.listdir(f"/proc/{current}/task"):
                with contextlib.suppress(OSError), open(f"/proc/{current}/task/{thread}/children") as children:
                    todo += children.read().split()
    return found


def sample(pid: str) -> None:
    """The most memory process `pid` and its descendants (the workbook's reader, the presealing
    worker) held at one time, sampled every 20 ms until stdin closes; printed in MiB. Their separate
    peaks come at different moments (the reader's while it loads the workbook, the importer's while
    it writes), so adding those would count memory never in use at once. A process of its own: a
    sampling thread would take the GIL from the measured one fifty times a second (that slowed a
    county import by 8 s)."""
    import select

    peak, itself = 0.0, str(os.getpid())
    while not select.select([sys.stdin], [], [], 0.02)[0]:
        peak = max(peak, sum(_rss_mb(member) for member in _family(pid) if member != itself))
    print(f"{peak:.1f}", flush=True)


def _start_sampler():
    import subprocess

    return subprocess.Popen([sys.executable, "-m", "bench._registry_worker", "sample", str(os.getpid())],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        sample(sys.argv[2])
        sys.exit()
    _setup()
    sampler = _start_sampler()
    result = STEPS[sys.argv[1]](*sys.argv[2:])
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The largest child: a workbook is loaded by its own process (registry/io/sheet_child.py).
    result["child_max_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result["peak_at_once_mb"] = float(sampler.communicate("")[0])
    print(json.dumps(result, ensure_ascii=False, default=str))
