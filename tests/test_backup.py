"""Backups hold everyone's identifiers: owner-only files; restore never asks a question nobody can answer."""

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _database_url(tmp_path) -> str:
    """A database the backup command can read from another process: a small SQLite file, or the
    PostgreSQL test database itself (pg_dump reads it beside the test's open transaction)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "small.sqlite3"
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE t (id_number TEXT)")
            db.execute("INSERT INTO t VALUES ('520627198501011234')")
        return f"sqlite:///{path}"
    settings = connection.settings_dict
    return f"postgresql://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.mark.django_db
def test_a_backup_is_readable_by_its_owner_only_even_over_an_open_file(tmp_path):
    env = {**os.environ, "DATABASE_URL": _database_url(tmp_path), "MINXIN_VAR_DIR": str(tmp_path)}
    fresh, existing = tmp_path / "fresh.bak", tmp_path / "existing.bak"
    existing.write_bytes(b"old")
    existing.chmod(0o644)  # an earlier file left world-readable
    previous = os.umask(0o022)  # what the command inherits: a usual, permissive umask
    try:
        for path in (fresh, existing):
            result = subprocess.run([sys.executable, "-m", "minxin.cli", "backup", str(path)], cwd=ROOT, env=env,
                                    capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, result.stderr
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
            assert path.stat().st_size > 100
    finally:
        os.umask(previous)


def test_restore_without_a_terminal_and_without_yes_says_what_to_do(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/none.sqlite3", "MINXIN_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "minxin.cli", "restore", str(tmp_path / "x.bak")], cwd=ROOT,
                            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "--yes" in result.stderr and "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(("settings_dict", "args"), [
    ({"NAME": "minxin", "HOST": "", "PORT": "", "USER": "minxin"}, ["--username", "minxin"]),  # the local socket
    ({"NAME": "minxin", "HOST": "", "PORT": "", "USER": ""}, []),  # libpq's defaults: PGHOST, PGUSER, the OS user
    ({"NAME": "minxin", "HOST": "db.example", "PORT": 5433, "USER": "app", "PASSWORD": "s3cret"},
     ["--host", "db.example", "--port", "5433", "--username", "app"]),
])
def test_the_postgresql_tools_connect_as_the_application_does(settings_dict, args):
    """pg_dump and pg_restore are given only what DATABASE_URL says: without a host, libpq's own
    default (the local socket, peer authentication) as for the application, never 127.0.0.1."""
    from minxin.core.backup import _pg_env

    given, env = _pg_env(settings_dict)
    assert given == args
    assert env.get("PGPASSWORD") == settings_dict.get("PASSWORD", os.environ.get("PGPASSWORD"))


def test_a_backup_that_fails_says_why_and_leaves_no_file(tmp_path):
    """A server that does not answer: the tool's own message (or that it is missing), exit 1, no
    traceback, and no empty file that could pass for a backup."""
    target = tmp_path / "minxin.bak"
    env = {**os.environ, "DATABASE_URL": "postgresql://minxin@127.0.0.1:1/minxin", "MINXIN_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "minxin.cli", "backup", str(target)], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert "pg_dump" in result.stderr
    assert not target.exists()
