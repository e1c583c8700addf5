"""The process that writes a first load into a SQLite database: started by writer.py, never imported
by the server.

`python -m minxin.registry.io.writer_child PATH CACHE_KIB INIT_COMMAND` opens the database file at
PATH, runs INIT_COMMAND (the connection's pragmas, from minxin.env), turns foreign keys on (as
Django's SQLite backend does) and sets a page cache of CACHE_KIB; then it takes the write lock
(BEGIN IMMEDIATE) and answers ("ready",). It then reads frames from stdin (minxin.core.frames):
("execute", sql) and ("many", sql, rows) run on that transaction, ("commit",) commits it and
answers ("ok",). An error answers ("error", class name, message) and ends the process; so does the
end of stdin without a commit (the parent failed or gave up): either way the transaction is rolled
back and the database is as it was. It reads nothing but its frames and writes nothing but its
answers and the rows it is given.
"""

import sqlite3
import sys

from minxin.core.frames import receive, send


def _run(path: str, cache_kib: int, init_command: str, stdin, out) -> None:
    database = sqlite3.connect(path, isolation_level=None)  # transactions as the frames say
    database.executescript(init_command)
    database.execute("PRAGMA foreign_keys = ON")
    database.execute(f"PRAGMA cache_size = -{cache_kib}")
    database.execute("BEGIN IMMEDIATE")
    send(out, ("ready",))
    out.flush()
    while (frame := receive(stdin)) is not None:
        if frame[0] == "many":
            database.executemany(frame[1], frame[2])
        elif frame[0] == "execute":
            database.execute(frame[1])
        elif frame[0] == "commit":
            database.execute("COMMIT")
            send(out, ("ok",))
            out.flush()
            return
    database.close()  # no commit: rolled back


def main(path: str, cache_kib: int, init_command: str) -> int:
    out = sys.stdout.buffer
    try:
        _run(path, cache_kib, init_command, sys.stdin.buffer, out)
    except sqlite3.Error as exc:
        send(out, ("error", type(exc).__name__, str(exc)))
        out.flush()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
