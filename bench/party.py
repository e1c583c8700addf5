"""Party module benchmarks (issue 17), on the county-scale demo (444 branches).

1. The nightly weak-branch warning of every branch (`minxin party-warnings`): the rules' queries,
   the levels, one row per branch written — target < 10 s.
2. The county's branch list (first page, every count and the latest warning annotated) and warning
   list (with the facts), and one branch's page (committees, roll, the year's calendar, cases,
   reserve cadres, warning history) as the county administrator: median and p95 server time —
   target p95 < 300 ms each.

Floor: the very statements each ran, replayed as raw SQL (captured, then executed through a
cursor), so the ratio is what the ORM, the rules and the templates add to the database's own work.

Usage: DATABASE_URL=… python -m bench party
"""

from bench.common import ensure_county, median_seconds, record

RUNS = 15


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _capture(fn) -> list[tuple[str, object]]:
    """The statements `fn` runs, with their parameters (a database execute wrapper: it sees every
    statement, in a request too)."""
    from django.db import connection

    statements: list[tuple[str, object]] = []

    def collect(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(collect):
        fn()
    return statements


def _replay(statements):
    from django.db import connection

    def replay():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()
    return replay


def _measure(fn, runs: int = RUNS) -> tuple[float, float, int, float]:
    """(median ms, p95 ms, queries, floor median ms) after one warm-up call."""
    statements = _capture(fn)
    median, samples = median_seconds(fn, runs)
    floor_fn = _replay(statements)
    floor_fn()
    floor, _ = median_seconds(floor_fn, runs)
    return median * 1000, _p95([s * 1000 for s in samples]), len(statements), floor * 1000


def run() -> None:
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from minxin.accounts.models import User
    from minxin.party import services_rect
    from minxin.party.models import Branch

    ensure_county()
    branches = list(Branch.objects.select_related("village").order_by("village__code"))
    lines = [f"database: {connection.vendor}; {len(branches)} branches"]
    today = timezone.localdate()

    def nightly():
        with transaction.atomic():
            services_rect.warnings_store(actor=None, branches=branches, day=today)

    median, p95, queries, floor = _measure(nightly, runs=5)
    verdict = "OK" if median < 10_000 else "SLOW"
    line = (f"nightly warning of {len(branches)} branches: median {median:.0f} ms, p95 {p95:.0f} ms in {queries} "
            f"queries (target < 10 s) {verdict}; floor (its statements replayed) {floor:.0f} ms, ×{median / floor:.1f}")
    print(line, flush=True)
    lines.append(line)

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    branch = branches[1]  # the demo's weak branch, under rectification
    for label, path in (("branch list (county, first page)", "/party/"),
                        ("warning list (level 1+, county)", "/party/warnings/"),
                        (f"branch page ({branch.village.name})", f"/party/{branch.pk}/")):
        def get(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        median, p95, queries, floor = _measure(get)
        verdict = "OK" if p95 < 300 else "SLOW"
        line = (f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms in {queries} queries (target p95 < 300 ms) "
                f"{verdict}; floor {floor:.1f} ms, ×{median / max(floor, 1e-6):.1f}")
        print(line, flush=True)
        lines.append(line)
    record(f"Party branches (issue 17), {connection.vendor}", lines)
