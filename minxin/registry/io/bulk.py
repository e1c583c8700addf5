"""Raw bulk writes for the importer and the demo: executemany on SQLite, binary COPY on PostgreSQL.

Building 600,000 model instances costs more than the whole insert, so the county-scale paths write
plain tuples, converted once per column. Only the registry's own tables and the assessment's
computed scores are written this way, only inside a service's transaction, and the values come
from the same validation as the forms (or from the assessment engine).
"""

import contextlib
import datetime
import gc
import io
import ipaddress
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

_CHUNK = 5000


class JsonText(str):
    """A JSON value given already serialised (e.g. one text shared by many rows)."""

    __slots__ = ()


def _json(value):
    if value is None:
        return None
    if type(value) is JsonText:
        return str(value)  # as a plain str, which marshal takes (writer.py), and not a subclass
    return json.dumps(value, ensure_ascii=False, default=str)


def _jsonb(value):
    """jsonb's binary form (a version byte, then the text), sent as raw bytes (see _copy_types)."""
    return None if value is None else b"\x01" + _json(value).encode()


def _ip(value):
    return value if value is None else ipaddress.ip_address(value)


def _uuid(value):
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _copy_converter(field):
    """How a value of `field` is sent in a binary COPY: psycopg's binary dumpers take dates,
    datetimes, decimals, numbers, booleans and text as they are, and are strict about the rest."""
    internal = field.get_internal_type()
    if internal == "JSONField":
        return _jsonb
    if internal == "UUIDField":
        return _uuid
    if internal == "GenericIPAddressField":  # an event's address, given as text
        return _ip
    return None


def _converter(field):
    """How a value of `field` is bound in an executemany. psycopg adapts dates, datetimes and
    decimals itself; the sqlite3 module is given the text Django would store."""
    internal = field.get_internal_type()
    if internal == "JSONField":
        return _json
    if connection.vendor != "sqlite":
        return None
    if internal == "DateField":
        return lambda v: v.isoformat() if v is not None else None
    if internal == "DateTimeField":
        return lambda v: v.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ") if v is not None else None
    if internal == "DecimalField":
        return lambda v: str(v) if isinstance(v, Decimal) else v
    if internal == "BooleanField":  # the sqlite3 module binds an exact int directly, but looks up an
        # adapter for every bool (≈0.3 µs: 1.3 s of a county import's 4 million)
        return int if not field.null else (lambda v: v if v is None else int(v))
    return None


def _columns(model, fields, converter):
    """The columns of `fields` and, for each, how its values are converted (`converter(field)`)."""
    resolved = [model._meta.get_field(name) for name in fields]
    return [f.column for f in resolved], [converter(f) for f in resolved]


def _convert(rows, converters):
    """The rows with their values converted, a column at a time. A column holding one value
    throughout (the `now` of a write) is converted once."""
    if not any(converters) or not rows:
        return rows
    columns = list(zip(*rows, strict=True))
    for index, convert in enumerate(converters):
        if convert is None:
            continue
        values = columns[index]
        if values.count(values[0]) == len(values):
            columns[index] = [convert(values[0])] * len(values)
        else:
            columns[index] = list(map(convert, values))
    return list(zip(*columns, strict=True))


def _batches(rows, converters):
    """The rows in converted batches of _CHUNK."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _CHUNK:
            yield _convert(batch, converters)
            batch = []
    if batch:
        yield _convert(batch, converters)


def _insert_sql(model, columns: list[str], *, copy: bool) -> str:
    """The binary COPY or the INSERT (for executemany) of `columns` of `model`'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if copy:
        return f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - names from _meta


def insert_rows(model, fields: list[str], rows) -> int:
    """INSERT the tuples (values in the order of `fields`, attnames such as `village_id`)."""
    binary_copy = connection.vendor == "postgresql"
    columns, converters = _columns(model, fields, _copy_converter if binary_copy else _converter)
    sql = _insert_sql(model, columns, copy=binary_copy)
    count = 0
    with connection.cursor() as cursor:
        if binary_copy:
            types = _copy_types(cursor.cursor, model._meta.db_table, columns)
            return _copy(cursor.cursor, sql, types, converters, rows)
        for batch in _batches(rows, converters):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _copy(raw, sql: str, types: list[int], converters, rows) -> int:
    """A binary COPY: psycopg formats binary values in C at a third of the cost of text, and the
    server need not parse them. The queued writer sends from a thread: Python formats the next rows
    while PostgreSQL, on the other core, inserts and indexes the previous."""
    from psycopg.copy import QueuedLibpqWriter

    with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
        return _write_rows(copy, types, converters, rows)


def _write_rows(copy, types: list[int], converters, rows) -> int:
    """Format the rows into a binary COPY (to the server, or to a FileWriter)."""
    copy.set_types(types)
    count = 0
    for batch in _batches(rows, converters):
        for row in batch:
            copy.write_row(row)
        count += len(batch)
    return count


def _check_foreign_keys(cursor) -> None:
    """PostgreSQL: check the transaction's deferred foreign keys now (Django declares them DEFERRABLE
    INITIALLY DEFERRED), then defer them again."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


_JSONB, _JSON, _BYTEA = 3802, 114, 17  # PostgreSQL's type OIDs (fixed: pg_type.dat)


_TYPES: dict[tuple[str, str], dict[str, int]] = {}  # (database, table) → column → type OID


def _types_known(table: str, columns: list[str]) -> bool:
    """Whether _copy_types can answer without asking the server."""
    types = _TYPES.get((connection.settings_dict["NAME"], table), {})
    return all(c in types for c in columns)


def _copy_types(raw, table: str, columns: list[str]) -> list[int]:
    """The columns' type OIDs, as the server has them (asked once per table and process, again if a
    column is new); jsonb columns are sent as bytea (raw bytes: _jsonb has made jsonb's binary form)."""
    key = (connection.settings_dict["NAME"], table)
    types = _TYPES.get(key, {})
    if not _types_known(table, columns):
        raw.execute("SELECT attname, atttypid::int FROM pg_attribute "
                    "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped", [table])
        types = _TYPES[key] = dict(raw.fetchall())
    if any(types[c] == _JSON for c in columns):
        raise ValueError("bulk COPY writes jsonb columns, not json")
    return [_BYTEA if types[c] == _JSONB else types[c] for c in columns]


def update_rows(model, fields: list[str], rows, *, key: str = "id") -> int:
    """UPDATE … WHERE key = ? for each tuple (the key first, then the values of `fields`); `key` is a
    unique column (an attname such as `household_id`)."""
    columns, converters = _columns(model, fields, _converter)
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    where = connection.ops.quote_name(model._meta.get_field(key).column)
    sql = f"UPDATE {table} SET {sets} WHERE {where} = %s"  # noqa: S608 - names from _meta
    count = 0
    with connection.cursor() as cursor:
        for batch in _batches(((*values, pk) for pk, *values in rows), [*converters, None]):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def allocate_ids(model, n: int) -> list[int]:
    """n fresh primary keys. Call inside the transaction that uses them (or while a writer.py
    process holds it): on SQLite it holds the database's single write lock from its start
    (transaction_mode IMMEDIATE, see minxin.env), so MAX(id) cannot move under us; on PostgreSQL
    they come from the table's sequence."""
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


class Prepared(NamedTuple):
    """An INSERT made ready by `Pipeline.prepare`: on PostgreSQL a binary COPY stream, on SQLite
    the converted rows of an executemany."""

    sql: str
    data: object
    count: int


class Pipeline:
    """Writes one batch of rows while Python prepares the next (use as a context manager, inside the
    caller's transaction).

    `prepare()` formats rows on the caller's thread and touches no connection: on PostgreSQL into
    the bytes of a binary COPY (psycopg's Copy with a FileWriter sends no statement). `send()` hands
    a batch to a thread that holds the connection (psycopg's connections are thread-safe) and
    waits without the GIL while the server inserts, indexes, then runs the batch's deferred
    foreign-key checks (Django declares foreign keys DEFERRABLE INITIALLY DEFERRED: SET
    CONSTRAINTS ALL IMMEDIATE checks them now, where COMMIT would check them with Python idle).
    Until `wait()` returns the caller must not touch the database; an error of the batch (a
    violated constraint) is raised by `wait()`. On SQLite, whose module gains nothing from a
    thread, `send()` writes at once and the foreign keys are checked at COMMIT (a first load there
    is written by a second process: writer.WriterProcess).
    """

    def __init__(self):
        self._postgresql = connection.vendor == "postgresql"
        self._pool = None
        self._running = None

    def prepare(self, model, fields: list[str], rows) -> Prepared:
        """The INSERT of `rows` (tuples in the order of `fields`, attnames such as `village_id`)."""
        columns, converters = _columns(model, fields, _copy_converter if self._postgresql else _converter)
        sql = _insert_sql(model, columns, copy=self._postgresql)
        if not self._postgresql:
            batches = list(_batches(rows, converters))
            return Prepared(sql, batches, sum(map(len, batches)))
        from psycopg import Copy
        from psycopg.copy import FileWriter

        if not _types_known(model._meta.db_table, columns):
            self.wait()  # the column types are asked once per table: the connection must be free
        stream = io.BytesIO()
        raw = connection.connection
        with raw.cursor() as cursor:
            types = _copy_types(cursor, model._meta.db_table, columns)
        with raw.cursor() as cursor, Copy(cursor, binary=True, writer=FileWriter(stream)) as copy:  # a fresh one
            count = _write_rows(copy, types, converters, rows)
        return Prepared(sql, stream.getvalue(), count)

    def send(self, writes: list[Prepared]) -> None:
        self.wait()
        writes = [w for w in writes if w.count]
        if not self._postgresql:
            with connection.cursor() as cursor:
                for write in writes:
                    for batch in write.data:
                        cursor.executemany(write.sql, batch)
            return
        self._submit(self._write, connection, connection.connection, writes)

    def _submit(self, write, *args) -> None:
        """Run `write(*args)` on the writing thread; `wait()` waits for it (and raises its error)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-writes")
        self._running = self._pool.submit(write, *args)

    @staticmethod
    def _write(django_connection, raw, writes) -> None:
        with django_connection.wrap_database_errors, raw.cursor() as cursor:
            for write in writes:
                with cursor.copy(write.sql) as copy:
                    copy.write(write.data)
            _check_foreign_keys(cursor)

    def wait(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            running.result()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        try:
            self.wait()  # the connection is the caller's again (to commit or roll back)
        except Exception:
            if exc_type is None:
                raise
        finally:
            if self._pool is not None:
                self._pool.shutdown()


def analyze(models=None) -> None:
    """Refresh the planner's statistics of `models`' tables (None: every table) after a bulk load.
    SQLite keeps none of its own: without them it joins the county's 170,000 households to their
    registrations the slow way round (the list filtered to registered households: ~50 ms against
    ~25 ms). PostgreSQL's autovacuum would get there a minute later."""
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models or ()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" or not tables:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


def index_swaps(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """(DROP statement, CREATE statement) of each secondary index of `tables`: dropped for a load,
    built again at its end (built_after_load, writer.WriterProcess)."""
    quote = connection.ops.quote_name
    return [(f"DROP INDEX {quote(name)}", statement)
            for table in tables for name, statement in secondary_indexes(cursor, table)]


def secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that no constraint owns: not the primary key,
    not a UNIQUE constraint (those keep checking every row as it comes in)."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                       "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                       "AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                       "WHERE c.conindid = x.indexrelid) ORDER BY i.relname", [table])
    else:  # an index that SQLite made for a UNIQUE constraint has no statement and cannot be dropped
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                       "AND sql IS NOT NULL ORDER BY name", [table])
    return list(cursor.fetchall())


def _keys_between(cursor, tables: list[str]) -> list[tuple[str, str, str]]:
    """PostgreSQL: (table, name, definition) of the foreign keys from one of `tables` to another."""
    cursor.execute("SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                   "JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f' "
                   "AND c.conrelid = ANY(%s::regclass[]) AND c.confrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
                   [tables, tables])
    return list(cursor.fetchall())


@contextlib.contextmanager
def built_after_load(models):
    """Load empty tables as pg_restore does. Their secondary indexes are dropped, and each is built
    once, sorted, when the load is done. On PostgreSQL the foreign keys from one of these tables to
    another are dropped too, and added back at the end, where one join checks every row; row by
    row, each inserted row queued a check of its own. A county's first load writes about a fifth
    faster so (bench/RESULTS.md); adding back its 600,000 members' key takes 0.4 s. A key to a table
    outside the load (a household's village) stays: dropping it would lock that table against every
    reader until the commit. On SQLite, whose key checks cost a load nothing measurable, every key
    stays.

    Use inside the load's transaction: DDL is transactional on both databases, so a load that fails
    (or is rolled back) leaves every index and key as it was. A partial unique index rebuilt here
    checks the loaded rows when it is built, a key when it is added. On PostgreSQL the tables are
    locked until the commit."""
    keys = []
    tables = [model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            keys = _keys_between(cursor, tables)
            _check_foreign_keys(cursor)  # a table with key checks pending cannot be altered
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        swaps = index_swaps(cursor, tables)
        for drop, _create in swaps:
            cursor.execute(drop)
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a table with foreign-key checks pending cannot be indexed
            _check_foreign_keys(cursor)
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _drop, create in swaps:
            cursor.execute(create)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


@contextlib.contextmanager
def paused_gc():
    """Run a county-scale job without Python's cyclic garbage collector. Such a job keeps millions of
    small tuples alive; every full collection walks all of them, which cost a county import more
    than a third of its time. The job makes no reference cycles to speak of; collection resumes
    (and runs once) when it ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


LARGE_CACHE_MIB = 192


@contextlib.contextmanager
def large_cache(mib: int = LARGE_CACHE_MIB):
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
