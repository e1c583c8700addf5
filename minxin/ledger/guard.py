"""The switch the SQLite triggers read (`ledger_writable()`), registered on every SQLite connection
this process opens. It answers 0 — the ledger's entries and posted transactions refuse UPDATE and
DELETE — except inside `maintenance()`, which only the test suite's database flush uses. A
connection that never registered it (the sqlite3 shell, another program) has no such function,
and its UPDATE or DELETE fails as well. PostgreSQL's triggers need no switch: the test flush
there is a TRUNCATE, which row triggers do not see."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.signals import connection_created
from django.dispatch import receiver

_state = threading.local()


@contextmanager
def maintenance() -> Iterator[None]:
    _state.open = True
    try:
        yield
    finally:
        _state.open = False


def _writable() -> int:
    return 1 if getattr(_state, "open", False) else 0


@receiver(connection_created)
def _register(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("ledger_writable", 0, _writable, deterministic=False)
