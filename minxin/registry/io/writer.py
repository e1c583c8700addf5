"""A county's first load into SQLite, written by a second process while this one plans the next rows.

On PostgreSQL, bulk.Pipeline already overlaps the two: the server inserts a batch while Python
formats the next. The sqlite3 module runs the inserts on the caller's own CPU, and a thread does not
help (it takes the interpreter's lock back for every row). `WriterProcess` is a Pipeline whose
batches go, as they are prepared, to writer_child.py: a plain child process with its own connection
to the database file, which holds the one transaction of the load. It takes the write lock first
(BEGIN IMMEDIATE), drops the tables' secondary indexes as bulk.built_after_load does, inserts every
batch, builds the indexes again and commits — only when this process says so, after the last
batch. Anything else (an error on either side, this process ending) rolls the whole load back: all
or nothing, as in one process.

This process writes nothing to the database meanwhile (its own connection would wait for the lock):
the import uses a writer only for a first load — an empty registry, where nothing is updated — and
sends its summary audit event through the writer too. It reads the database as committed before
the load. An in-memory database (the test suite's) cannot be shared, and a caller already inside a
transaction must keep its writes in it: `usable()` says no to both.
"""

import contextlib
import subprocess

from django.db import DatabaseError, IntegrityError, OperationalError, connection
from django.utils.translation import gettext as _

from minxin.core import frames
from minxin.registry.io import bulk

_ERRORS = {"IntegrityError": IntegrityError, "OperationalError": OperationalError}


def usable() -> bool:
    """Whether this connection's load can be written by a writer process."""
    return (connection.vendor == "sqlite" and not connection.in_atomic_block
            and not connection.is_in_memory_db())


class WriterProcess(bulk.Pipeline):
    """Use as a context manager in place of transaction.atomic() + bulk.built_after_load(models) +
    bulk.Pipeline() (see the module's docstring); `prepare()` is Pipeline's."""

    def __init__(self, models, cache_mib: int = bulk.LARGE_CACHE_MIB):
        super().__init__()
        self.models, self.cache_mib = models, cache_mib
        self.process: subprocess.Popen | None = None
        self.swaps: list[tuple[str, str]] = []  # (DROP INDEX, CREATE INDEX)

    def __enter__(self):
        settings = connection.settings_dict
        self.process = frames.start("minxin.registry.io.writer_child", str(settings["NAME"]),
                                    str(self.cache_mib * 1024), settings["OPTIONS"].get("init_command", ""),
                                    stdin=subprocess.PIPE)
        try:
            self._answer("ready")
            with connection.cursor() as cursor:
                self.swaps = bulk.index_swaps(cursor, [model._meta.db_table for model in self.models])
            self._frames([("execute", drop) for drop, _create in self.swaps])
        except BaseException:  # no __exit__ follows: end the child (and its transaction) here
            self.process.kill()
            self._stop()
            raise
        return self

    def send(self, writes: list[bulk.Prepared]) -> None:
        """Hand the batches to the child on the writing thread (the pipe takes a megabyte at a time),
        while this one plans the next."""
        self.wait()
        frames_ = [("many", write.sql.replace("%s", "?"), batch)  # the sqlite3 module's placeholder
                   for write in writes for batch in write.data]
        self._submit(self._frames, frames_)

    def wait(self) -> None:
        """Until the batches sent are in the child's pipe; an error of the child is raised here."""
        super().wait()
        if self.process.poll() is not None:  # it ended before its commit: why
            self._answer("ok")

    def __exit__(self, exc_type, *_exc) -> None:
        try:
            if exc_type is None:
                self.wait()
                self._frames([*(("execute", create) for _drop, create in self.swaps), ("commit",)])
                self._answer("ok")
        finally:
            if exc_type is not None:  # at once (its transaction dies with it), not after the batches sent
                self.process.kill()
                with contextlib.suppress(Exception):  # the writing thread ends on the closed pipe
                    super().wait()
            self._stop()
            if self._pool is not None:
                self._pool.shutdown()

    def _frames(self, frames_) -> None:
        try:
            for frame in frames_:
                frames.send(self.process.stdin, frame)
            self.process.stdin.flush()
        except OSError:  # the child has ended (its pipe is closed): its error
            self._answer("ok")
            raise

    def _answer(self, expected: str) -> None:
        """Read the child's answer; raise its error (as Django's own error classes) if it sent one."""
        with contextlib.suppress(OSError):
            self.process.stdin.flush()
        answer = frames.receive(self.process.stdout)
        if answer is not None and answer[0] == expected:
            return
        self._stop()
        if answer is None:
            raise OperationalError(_("写入进程意外结束（代码 %(code)s），未写入任何数据。") % {"code": self.process.returncode})
        raise _ERRORS.get(answer[1], DatabaseError)(answer[2])

    def _stop(self) -> None:
        """End the child; without a commit, its transaction is rolled back."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
