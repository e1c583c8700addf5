"""Ledger benchmark (issue 15): post 100,000 transactions through `ledger.services.post` (locks,
the not-below-zero check, the draft, two entries, the cached balances, the posting through the
database's balance trigger) and reconcile them; each against a floor measured in the same run — the
same statements written by hand in raw SQL, one database transaction per posting (posting), and
one grouped sum (reconcile). Target: ≤ 3× the floor.

It works in its own accounts (prefix `bench-…`), so it runs on any database, the county demo's
included. Usage: DATABASE_URL=… python -m bench ledger   (BENCH_LEDGER_N to change the count)
"""

import datetime
import os
import time
import uuid

from bench.common import record

N = int(os.environ.get("BENCH_LEDGER_N", "100000"))
COUNTY = "520627000000"


def _accounts(prefix):
    from minxin.ledger import services

    donors = services.account_open(code=f"{prefix}:donors", name="捐赠", kind="income", region_code=COUNTY,
                                   allow_negative=True)
    fund = services.account_open(code=f"{prefix}:fund", name="基金", kind="asset", region_code=COUNTY)
    return donors, fund


def _orm(n):
    from minxin.ledger import services

    donors, fund = _accounts(f"bench-{uuid.uuid4().hex[:8]}")
    started = time.perf_counter()
    for i in range(n):
        fen = 100 + i % 900
        services.post(actor=None, kind="contribution", memo="捐赠", region_code=COUNTY,
                      legs=[(fund, fen), (donors, -fen)], occurred_on=datetime.date(2026, 1, 1))
    return time.perf_counter() - started


def _raw(n):
    from django.db import connection, transaction

    donors, fund = _accounts(f"bench-{uuid.uuid4().hex[:8]}")
    today = datetime.date(2026, 1, 1)
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    for i in range(n):
        fen = 100 + i % 900
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id, balance_fen FROM ledger_account WHERE id IN (%s, %s) ORDER BY id"
                           + (" FOR UPDATE" if connection.vendor == "postgresql" else ""), [donors.pk, fund.pk])
            cursor.fetchall()
            cursor.execute("UPDATE ledger_account SET balance_fen = balance_fen + %s WHERE id = %s", [fen, fund.pk])
            cursor.execute("UPDATE ledger_account SET balance_fen = balance_fen - %s WHERE id = %s", [fen, donors.pk])
            cursor.execute("INSERT INTO ledger_transaction (kind, memo, region_code, occurred_on, posted, posted_at, "
                           "payload_hash) VALUES ('contribution', '捐赠', %s, %s, %s, %s, '') RETURNING id",
                           [COUNTY, today, False, now])
            txn = cursor.fetchone()[0]
            cursor.execute("INSERT INTO ledger_entry (transaction_id, account_id, amount_fen) VALUES (%s, %s, %s), "
                           "(%s, %s, %s)", [txn, fund.pk, fen, txn, donors.pk, -fen])
            cursor.execute("UPDATE ledger_transaction SET posted = %s WHERE id = %s", [True, txn])
    return time.perf_counter() - started


def _reconcile_floor():
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT e.account_id, SUM(e.amount_fen) FROM ledger_entry e JOIN ledger_transaction t "
                       "ON t.id = e.transaction_id WHERE t.posted GROUP BY e.account_id")
        sums = dict(cursor.fetchall())
        cursor.execute("SELECT id, balance_fen FROM ledger_account")
        [row for row in cursor.fetchall() if sums.get(row[0], 0) != row[1]]
    return time.perf_counter() - started


def run() -> None:
    from django.db import connection

    from minxin.ledger import services

    print(f"posting {N:,} transactions on {connection.vendor} …", flush=True)
    raw = _raw(N)
    orm = _orm(N)
    started = time.perf_counter()
    differences = services.reconcile(fix=False)
    reconcile = time.perf_counter() - started
    floor = _reconcile_floor()
    lines = [f"database: {connection.vendor}",
             f"post {N:,} transactions: {orm:.1f} s ({orm / N * 1000:.2f} ms each); raw-SQL floor {raw:.1f} s; "
             f"ratio {orm / raw:.2f} (target ≤ 3)",
             f"reconcile {2 * N:,}+ transactions: {reconcile:.2f} s, {len(differences)} differences; "
             f"raw-SQL floor {floor:.2f} s; ratio {reconcile / floor:.2f} (target ≤ 3)"]
    for line in lines:
        print(line, flush=True)
    record(f"Ledger (issue 15), {connection.vendor}", lines)
