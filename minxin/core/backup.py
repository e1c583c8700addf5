"""Whole-database backup and restore for both supported engines.

SQLite: the online backup API gives a consistent copy while the server runs. PostgreSQL: pg_dump's
custom format, restored with pg_restore (the PostgreSQL client tools must be installed).

A backup holds everyone's identifiers: it is created readable by its owner only (0600), never
world-readable even for a moment (the file is made with that mode before anything is written, and
the process's umask hides whatever the tools create beside it).
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.db import connection


class BackupError(RuntimeError):
    pass


def _pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    """pg_dump's and pg_restore's connection: the application's own. What DATABASE_URL leaves out is
    left to libpq as it is for the application (`postgresql://minxin@/minxin`: the local socket,
    peer authentication, or PGHOST and PGPORT when set)."""
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = {**os.environ, "TZ": "UTC"}  # the archive's own time stamp in UTC, not Django's TIME_ZONE
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    """Run a PostgreSQL tool; its own message (not a traceback) when it fails. Never asks for a
    password: a connection that needs one it was not given fails at once."""
    result = subprocess.run([*command[:1], "--no-password", *command[1:]], env=env, stdin=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.returncode}")


def _require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client).")
    return path


@contextlib.contextmanager
def _owner_only(path: Path) -> Iterator[None]:
    """`path` as an empty file readable by its owner only, and a umask that keeps it so meanwhile."""
    previous = os.umask(0o077)
    try:
        if path.exists():
            os.chmod(path, 0o600)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        yield
    finally:
        os.umask(previous)


def backup(path: Path) -> Path:
    """Write the copy to `path`; a failed copy leaves no file behind."""
    settings_dict = connection.settings_dict
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _owner_only(path):
            _write(path, settings_dict)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _write(path: Path, settings_dict: dict) -> None:
    if connection.vendor == "sqlite":
        source = sqlite3.connect(settings_dict["NAME"])
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        args, env = _pg_env(settings_dict)
        _run([_require_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(path),
              settings_dict["NAME"]], env)


def restore(path: Path) -> None:
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        check = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check.execute("SELECT 1 FROM django_migrations LIMIT 1")
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not a Minxin SQLite backup: {exc}") from None
        finally:
            check.close()
        connection.close()
        target = Path(settings_dict["NAME"])
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        source = sqlite3.connect(path)
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        source.close()
        dest.close()
    else:
        args, env = _pg_env(settings_dict)
        connection.close()
        _run([_require_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner",
              "--single-transaction", "--dbname", settings_dict["NAME"], str(path)], env)
