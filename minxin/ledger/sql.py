"""The statements of one posting, written once in SQL both databases run (measured: the ORM's
expression building cost five times the statements themselves, bench/ledger.py). Table names come
from the models; every value is a parameter."""

import datetime

from django.db import connection
from django.utils import timezone

from minxin.ledger.models import Account, Entry, Transaction

ACCOUNT, ENTRY, TRANSACTION = Account._meta.db_table, Entry._meta.db_table, Transaction._meta.db_table


def lock_accounts(ids: list[int]) -> list[tuple[int, str, int, bool]]:
    """(id, name, balance in fen, may go negative) of the accounts, locked until the database
    transaction ends (row locks on PostgreSQL; SQLite's writer lock is taken by BEGIN IMMEDIATE)."""
    marks = ", ".join(["%s"] * len(ids))
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, name, balance_fen, allow_negative FROM {ACCOUNT} "  # noqa: S608 - model table
                       f"WHERE id IN ({marks}) ORDER BY id{lock}", ids)
        return [(pk, name, balance, bool(allow)) for pk, name, balance, allow in cursor.fetchall()]


def move_balances(delta: dict[int, int]) -> None:
    cases = " ".join(["WHEN %s THEN %s"] * len(delta))
    params: list[int] = [value for pair in delta.items() for value in pair]
    marks = ", ".join(["%s"] * len(delta))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ACCOUNT} SET balance_fen = balance_fen + CASE id {cases} END "  # noqa: S608
                       f"WHERE id IN ({marks})", [*params, *delta])


def insert_posted(*, kind: str, memo: str, region_code: str, occurred_on: datetime.date, posted_by: int | None,
                  reverses: int | None, idempotency_key: str | None, payload_hash: str,
                  legs: list[tuple[int, int]]) -> tuple[int, datetime.datetime]:
    """Insert the draft, its entries, then post it (the balance trigger checks the legs). Answers
    the transaction's id and its posting time."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TRANSACTION} (kind, memo, region_code, occurred_on, posted, posted_at, posted_by_id, "  # noqa: S608
            "reverses_id, idempotency_key, payload_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [kind, memo, region_code, occurred_on, False, now, posted_by, reverses, idempotency_key, payload_hash])
        pk = cursor.fetchone()[0]
        rows = ", ".join(["(%s, %s, %s)"] * len(legs))
        cursor.execute(f"INSERT INTO {ENTRY} (transaction_id, account_id, amount_fen) VALUES {rows}",  # noqa: S608
                       [value for account, fen in legs for value in (pk, account, fen)])
        cursor.execute(f"UPDATE {TRANSACTION} SET posted = %s WHERE id = %s", [True, pk])  # noqa: S608
    return pk, now
