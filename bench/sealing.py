"""Sealed identifiers at county scale (issue 20.3): sealing the clear values of an older database in
place (what the migration does) and re-sealing them under a new key (`minxin rotate-key`), each
against a floor measured in the same run — the same reads and the same UPDATE statements, writing
the values back unchanged. Everything runs in one transaction that is rolled back: the database is
left as it was."""

import time

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import override_settings

from bench.common import ensure_county, record
from minxin.core import sealing
from minxin.core.sealedfields import companions, reseal, sealed_fields


class _RolledBack(Exception):
    pass


def _floor(model, field, chunk: int = 5000) -> int:
    """reseal's reads and writes without the cryptography: the same columns (the value and its
    digests, indexed) written back as they are."""
    quote = connection.ops.quote_name
    columns = [field.column, *companions(model, field).values()]
    table, names = quote(model._meta.db_table), ", ".join(map(quote, columns))
    sets = ", ".join(f"{quote(c)} = %s" for c in columns)
    select = (f"SELECT id, {names} FROM {table} WHERE id > %s AND {quote(field.column)} <> '' "  # noqa: S608
              f"ORDER BY id LIMIT {chunk}")
    update = f"UPDATE {table} SET {sets} WHERE id = %s"  # noqa: S608
    count = last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                return count
            last = rows[-1][0]
            cursor.executemany(update, [[*values, pk] for pk, *values in rows])
            count += len(rows)


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _each(action) -> int:
    total = 0
    for model, field in sealed_fields():
        total += action(model, field)
    return total


def _open_all(model, field) -> int:
    """Write every value back in clear: the database as a version before sealing held it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {field.column} FROM {model._meta.db_table} WHERE {field.column} <> ''")  # noqa: S608
        rows = [[sealing.reveal(value, field.kind), pk] for pk, value in cursor.fetchall()]
        cursor.executemany(f"UPDATE {model._meta.db_table} SET {field.column} = %s WHERE id = %s", rows)  # noqa: S608
    return len(rows)


def run() -> None:
    ensure_county()
    figures = {}
    try:
        with transaction.atomic():
            rows = _each(_open_all)
            figures["floor"] = _timed(lambda: _each(_floor))
            figures["seal"] = _timed(lambda: _each(lambda m, f: reseal(m, f, mode="plain")[0]))
            with override_settings(MINXIN_IDENTIFIER_KEYS=f"{sealing.new_key_entry('kb')},{settings.MINXIN_IDENTIFIER_KEYS}"):
                figures["rotate"] = _timed(lambda: _each(lambda m, f: reseal(m, f, mode="rotate")[0]))
            raise _RolledBack
    except _RolledBack:
        pass
    vendor = connection.vendor
    lines = [
        f"{vendor}: {rows:,} sealed values (ID numbers and phones of the county demo)",
        f"seal the clear values in place (the migration): {figures['seal']:.1f} s; floor (the same reads and "
        f"UPDATEs of the same columns, values unchanged) {figures['floor']:.1f} s; ratio {figures['seal'] / figures['floor']:.2f}",
        f"rotate-key (open and re-seal every value under a new key): {figures['rotate']:.1f} s; "
        f"ratio {figures['rotate'] / figures['floor']:.2f}",
    ]
    for line in lines:
        print(line, flush=True)
    record(f"Sealed identifiers (issue 20.3), {vendor}", lines)
