"""To-do inbox benchmark (issue 16.4), on the county-scale demo: what the menu's count and the inbox
page cost each role, every module's sources included (leave, requests, needs, screenings, disputes,
petitions, backlog, appeals, rectifications, pledges, imports).

Floor: the very statements the inbox ran, replayed as raw SQL (captured, then executed through a
cursor), so the ratio is what building the querysets and the items adds to the database's own work.
Counted in queries too: the inbox must not grow with the number of items.

Usage: DATABASE_URL=… python -m bench todo
"""

from bench.common import ensure_county, median_seconds, record

RUNS = 15
ROLES = ["admin", "township", "cadre", "clerk"]


def _ms(fn) -> float:
    fn()
    median, _samples = median_seconds(fn, RUNS)
    return median * 1000


def run() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minxin.accounts.models import User
    from minxin.core import todo

    ensure_county()
    lines = [f"database: {connection.vendor}; {len(todo.SOURCES)} sources registered"]

    def floor(captured):
        statements = [query["sql"] for query in captured.captured_queries]

        def replay():
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()
        return replay

    for username in ROLES:
        user = User.objects.get(username=username)
        with CaptureQueriesContext(connection) as counted:
            todo.total(user)
        count_queries = len(counted)
        with CaptureQueriesContext(connection) as listed:
            items = todo.inbox(user)
        count_ms, inbox_ms = _ms(lambda user=user: todo.total(user)), _ms(lambda user=user: todo.inbox(user))
        floor_count, floor_inbox = _ms(floor(counted)), _ms(floor(listed))
        line = (f"{username}: {todo.total(user)} items ({len(items)} listed); menu count {count_ms:.1f} ms in "
                f"{count_queries} queries (floor {floor_count:.2f} ms, ×{count_ms / max(floor_count, 1e-6):.1f}); "
                f"inbox {inbox_ms:.1f} ms in {len(listed)} queries (floor {floor_inbox:.2f} ms, "
                f"×{inbox_ms / max(floor_inbox, 1e-6):.1f})")
        print(line, flush=True)
        lines.append(line)
    record(f"To-do inbox (issue 16), {connection.vendor}", lines)
