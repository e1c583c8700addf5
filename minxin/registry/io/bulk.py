"""Raw bulk writes for the importer and the demo: executemany on SQLite, COPY on PostgreSQL.

Building 600,000 model instances costs more than the whole insert, so the county-scale paths write
plain tuples, converted once per column. Only the registry's own tables are written this way, only
inside a service's transaction, and the values come from the same validation as the forms.
"""

import contextlib
import datetime
import json
from decimal import Decimal

from django.db import connection

_CHUNK = 5000


def _converter(field):
    internal = field.get_internal_type()
    sqlite = connection.vendor == "sqlite"
    if internal == "DateField":
        return lambda v: v.isoformat() if v is not None else None
    if internal == "DateTimeField":
        if sqlite:
            return lambda v: (v.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
                              if v is not None else None)
        return None
    if internal == "DecimalField":
        return lambda v: str(v) if isinstance(v, Decimal) else v
    # Booleans need nothing: Python's bool is an int, which both drivers bind as is.
    if internal == "JSONField":
        return lambda v: json.dumps(v, ensure_ascii=False, default=str) if v is not None else None
    return None


def _columns(model, fields):
    meta = model._meta
    resolved = [meta.get_field(name) for name in fields]
    return [f.column for f in resolved], [_converter(f) for f in resolved]


def _convert(rows, converters):
    if not any(converters):
        return rows
    pairs = [(i, c) for i, c in enumerate(converters) if c is not None]
    out = []
    for row in rows:
        row = list(row)
        for index, convert in pairs:
            row[index] = convert(row[index])
        out.append(row)
    return out


def insert_rows(model, fields: list[str], rows) -> int:
    """INSERT the tuples (values in the order of `fields`, attnames such as `village_id`)."""
    columns, converters = _columns(model, fields)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                pairs = [(i, c) for i, c in enumerate(converters) if c is not None]
                for row in rows:
                    if pairs:
                        row = list(row)
                        for index, convert in pairs:
                            row[index] = convert(row[index])
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - names from _meta
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _CHUNK:
                cursor.executemany(sql, _convert(batch, converters))
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, _convert(batch, converters))
            count += len(batch)
    return count


def update_rows(model, fields: list[str], rows) -> int:
    """UPDATE … WHERE id = ? for each tuple (id first, then the values of `fields`)."""
    columns, converters = _columns(model, fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = f"UPDATE {table} SET {sets} WHERE id = %s"  # noqa: S608 - names from _meta
    count = 0
    with connection.cursor() as cursor:
        batch = []
        for pk, *values in rows:
            batch.append((*values, pk))
            if len(batch) >= _CHUNK:
                cursor.executemany(sql, _convert(batch, [*converters, None]))
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, _convert(batch, [*converters, None]))
            count += len(batch)
    return count


def allocate_ids(model, n: int) -> list[int]:
    """n fresh primary keys. Call inside the transaction, after its first write: on SQLite that write
    holds the database's single write lock, so MAX(id) cannot move under us."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + n))


@contextlib.contextmanager
def large_cache(mib: int = 192):
    """On SQLite, a larger page cache for one big write: inserting 600,000 rows into tables with
    unique and secondary indexes thrashes the default 2 MB cache (random I/O on every index page)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(mib) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
