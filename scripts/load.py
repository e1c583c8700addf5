"""The load test (run by `scripts/load`): the production stack on loopback (scripts/prodstack.py) with
the county demo on PostgreSQL, and locust's users (scripts/locustfile.py) for a bounded time.

Prints, per request kind, the requests, errors, throughput, median and p95 of the requests sent once
every user has started (the sign-ins of the ramp-up are not counted), and again of those sent from
--settle seconds later (the steady window: what the ramp's sign-ins left queued has been served),
with each p95's ratio to the floor's (/healthz through the same nginx and gunicorn under the same
load). Every request is in requests.tsv of the work directory; locust's own summary, printed first,
covers the whole run, the ramp-up included. With --keep the demo is kept between runs (it takes
minutes to load) as the database NAME_demo, and every run starts from a copy of it. With `--scale
prefecture --database NAME --keep` it runs on the prefecture demo (load it first: 11–40 minutes), where the city
supervisor joins the county and township administrators.
"""

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from prodstack import BIN, ROOT, Stack

# The view that serves each request kind, as py-spy names its frame (the profile of the slowest kind).
VIEWS = {"household page": "household_detail (minxin/registry/views.py", "household search":
         "household_list (minxin/registry/views.py", "dashboard": "dashboard (minxin/reports/views.py",
         "map data": "map_data (minxin/reports/map_views.py", "sync 50 visits": "sync (minxin/fieldwork/api.py"}

_SAMPLE = r'''
import json, random, sys
import django
django.setup()
from minxin.accounts.models import User
from minxin.registry.models import Household, Member
from minxin.reports.maps import is_mappable

random.seed(7)
def ids(user, n=500):
    pks = list(Household.objects.visible_to(user).values_list("pk", flat=True)[:20000])
    return random.sample(pks, min(n, len(pks)))
# An account for each official (copies of the demo's county and township admins, and the city
# supervisor in the prefecture demo, with the same password): what a server keeps per user is then
# kept as often as it would be for as many people, not shared by the 160 officials of two accounts.
bases = list(User.objects.filter(username__in=["admin", "township", "city"]))
copies = -(-int(sys.argv[1]) // len(bases))
User.objects.bulk_create([User(username=f"{u.username}-{n}", role=u.role, scope=u.scope, full_name=u.full_name,
                               password=u.password) for u in bases for n in range(1, copies + 1)], ignore_conflicts=True)
officials = []
for u in bases:
    sample = {"region": u.scope_id, "households": ids(u), "map": is_mappable(u.scope)}
    officials += [{**sample, "username": f"{u.username}-{n}"} for n in range(1, copies + 1)]
random.shuffle(officials)
names = list(Member.objects.values_list("name", flat=True)[:50000])
words = random.sample(names, 100) + [name[0] for name in random.sample(names, 50)]
# A cadre account (with an API token) for each resident cadre in the run, each in a village of its
# own: a sync lands in its cadre's village, as forty phones' batches land in forty villages.
from minxin.accounts.roles import Role
from minxin.accounts.services import token_issue
from minxin.cadres.models import Assignment
cadres, villages = [], set()
for assignment in (Assignment.objects.filter(status=Assignment.Status.ACTIVE, cadre__user__isnull=True)
                   .select_related("cadre").order_by("pk")):
    if len(cadres) == int(sys.argv[2]):
        break
    if assignment.village_id in villages:
        continue
    villages.add(assignment.village_id)
    user = User.objects.create(username=f"cadre-{len(cadres) + 1}", role=Role.CADRE, scope_id=assignment.village_id,
                               full_name=assignment.cadre.name)
    assignment.cadre.user = user
    assignment.cadre.save(update_fields=["user"])
    cadres.append({"token": token_issue(actor=None, user=user, name="load")[1], "households": ids(user, 200)})
print(json.dumps({"officials": officials, "words": words, "cadres": cadres}))
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=4, help="users started per second (each signs in)")
    parser.add_argument("--seconds", type=int, default=240, help="the whole run, the ramp-up included")
    parser.add_argument("--settle", type=int, default=60,
                        help="seconds after the last user has started before the steady window's count begins")
    parser.add_argument("--scale", default="county")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--database", default="minxin_load")
    parser.add_argument("--keep", action="store_true", help="keep the demo (as DATABASE_demo); each run starts from a copy of it")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the stack, e.g. MINXIN_DASHBOARD_STALE_SECONDS=60 (repeatable)")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="without py-spy's CPU profile of the gunicorn workers")
    args = parser.parse_args()

    pg_url = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    work = Path(os.environ.get("MINXIN_VAR_DIR", ROOT / "var")).resolve() / args.database
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    stack = Stack(work, pg_url, args.database, gunicorn_workers=args.workers)
    stack.env.update(item.split("=", 1) for item in args.set)
    try:
        started = time.monotonic()
        stack.prepare(scale=args.scale, fresh=not args.keep)
        print(f"load: database ready ({time.monotonic() - started:.0f} s)", flush=True)
        sample = json.loads(stack.run(str(BIN / "python"), "-c", _SAMPLE, str(args.users), str(-(-args.users // 5)),
                                      capture_output=True, text=True,
                                      env_extra={"DJANGO_SETTINGS_MODULE": "minxin.settings"}).stdout)
        data = work / "load-data.json"
        log = work / "requests.tsv"
        data.write_text(json.dumps({**sample, "cafile": str(stack.cafile)}, ensure_ascii=False))
        stack.start()
        stack.wait_ready()
        print(f"load: {args.users} users (+{args.spawn_rate}/s) for {args.seconds} s against {stack.origin}", flush=True)
        profiler = subprocess.Popen([str(BIN / "py-spy"), "record", "--pid", str(stack.pid("gunicorn")),
                                     "--subprocesses", "--nonblocking", "--rate", "50", "--format", "raw",
                                     "--duration", str(args.seconds + 60), "-o", str(work / "profile.txt")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if args.profile else None
        started = time.time()
        subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless",
                        "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s",
                        "--host", stack.origin, "--only-summary", "--loglevel", "WARNING"],
                       env={**os.environ, "LOAD_DATA": str(data), "LOAD_LOG": str(log)}, cwd=ROOT, check=False)
        stack.alive()
        if profiler is not None:
            profiler.send_signal(2)  # SIGINT: py-spy writes what it sampled
            profiler.wait(timeout=60)
    finally:
        stack.stop()
        if not args.keep:
            stack.drop_database()
    everyone = started + args.users / args.spawn_rate  # the last user has started (and signed in)
    report(log, everyone, "once every user has started")
    slowest = report(log, everyone + args.settle, f"{args.settle} s later (the steady window)")
    if args.profile and slowest in VIEWS and (work / "profile.txt").exists():
        profile(work / "profile.txt", slowest)
    return 0


def report(path: Path, since: float, window: str) -> str:
    """The table of the requests sent from `since` on (their start: the log holds their end and
    duration); returns the slowest kind by p95 (of those with a view of their own)."""
    kinds: dict[str, list[tuple[float, bool]]] = {}
    first = last = None
    for line in path.read_text(encoding="utf-8").splitlines():
        ended, name, ms, failed = line.split("\t")
        start = float(ended) - float(ms) / 1000
        if start >= since:
            kinds.setdefault(name, []).append((float(ms), failed == "1"))
            first, last = min(first or start, start), max(last or start, start)
    seconds = max(1.0, (last or 0) - (first or 0))
    p95 = {name: _p95([ms for ms, _failed in rows]) for name, rows in kinds.items()}
    floor = next((value for name, value in p95.items() if name.startswith("floor")), 0) or 1
    print(f"\nrequests sent {window}, {seconds:.0f} s:")
    print(f"{'kind':<22}{'requests':>9}{'errors':>8}{'req/s':>8}{'median ms':>11}{'p95 ms':>9}{'p95 / floor':>13}")
    for name, rows in sorted(kinds.items(), key=lambda item: -p95[item[0]]):
        times = sorted(ms for ms, _failed in rows)
        print(f"{name:<22}{len(rows):>9}{sum(failed for _ms, failed in rows):>8}{len(rows) / seconds:>8.1f}"
              f"{times[len(times) // 2]:>11.0f}{p95[name]:>9.0f}{p95[name] / floor:>13.1f}")
    timed = [name for name in kinds if name in VIEWS]
    return max(timed, key=lambda name: p95[name]) if timed else ""


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def profile(path: Path, kind: str, top: int = 15) -> None:
    """Where the gunicorn workers spent the samples taken inside the slowest kind's view: the
    functions by own time, and the project's functions by inclusive time."""
    own: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if VIEWS[kind] not in stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]  # a function, not its lines
        own[frames[-1]] = own.get(frames[-1], 0) + samples
        for frame in set(frames[frames.index(next(f for f in frames if VIEWS[kind] in f)):]):
            if "(minxin/" in frame:
                inclusive[frame] = inclusive.get(frame, 0) + samples
    print(f"\nCPU profile of '{kind}' ({total} samples at 50 Hz in its view, all workers)")
    print("own time:")
    for frame, samples in sorted(own.items(), key=lambda item: -item[1])[:top]:
        print(f"  {100 * samples / total:5.1f} %  {frame}")
    print("the project's functions, inclusive:")
    for frame, samples in sorted(inclusive.items(), key=lambda item: -item[1])[:top]:
        print(f"  {100 * samples / total:5.1f} %  {frame}")


if __name__ == "__main__":
    sys.exit(main())
