"""A first load into SQLite written by a second process (registry/io/writer.py, writer_child.py)."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from minxin.core import frames
from minxin.env import SQLITE_INIT
from tests.registry.conftest import family, write_csv

ROOT = Path(__file__).resolve().parents[2]


def _child(path):
    process = frames.start("minxin.registry.io.writer_child", str(path), "2048", SQLITE_INIT, stdin=subprocess.PIPE)
    assert frames.receive(process.stdout) == ("ready",)
    return process


def _send(process, *frames_):
    for frame in frames_:
        frames.send(process.stdin, frame)
    process.stdin.flush()


def _values(path):
    with sqlite3.connect(path) as database:
        return [row[0] for row in database.execute("SELECT v FROM t ORDER BY v")]


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "load.sqlite3"
    with sqlite3.connect(path) as database:
        database.execute("PRAGMA journal_mode = WAL")
        database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    return path


def test_the_child_writes_nothing_until_told_to_commit(database):
    insert = ("many", "INSERT INTO t (v) VALUES (?)", [("一",), ("二",)])
    process = _child(database)
    _send(process, insert)
    # it holds the write lock from the start
    with sqlite3.connect(database, timeout=0) as other, pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("INSERT INTO t (v) VALUES ('三')")
    _send(process, ("commit",))
    assert frames.receive(process.stdout) == ("ok",)
    assert process.wait(timeout=10) == 0
    assert _values(database) == ["一", "二"]

    process = _child(database)  # its stdin ends without a commit (the importer failed): rolled back
    _send(process, ("many", "INSERT INTO t (v) VALUES (?)", [("四",)]))
    process.stdin.close()
    assert process.wait(timeout=10) == 0
    assert frames.receive(process.stdout) is None
    assert _values(database) == ["一", "二"]


def test_the_child_answers_an_error_and_rolls_back(database):
    process = _child(database)
    _send(process, ("many", "INSERT INTO t (v) VALUES (?)", [("五",)]),
          ("many", "INSERT INTO t (v) VALUES (?)", [("一",), ("一",)]))
    kind, name, message = frames.receive(process.stdout)
    assert (kind, name) == ("error", "IntegrityError") and "UNIQUE" in message
    assert process.wait(timeout=10) == 1
    assert _values(database) == []


def test_a_first_load_on_sqlite_is_written_by_a_second_process_all_or_nothing(tmp_path):
    """Run in a process of its own on a SQLite file (tests/registry/first_load.py): a row that
    breaks a key is refused at the commit as Django's IntegrityError; a load that fails after its
    rows were sent leaves nothing (and the indexes it dropped as they were); a load that succeeds
    writes every household, member and event, and builds the indexes again."""
    sheet = write_csv(tmp_path / "sheet.csv", family("H0001", seq=11) + family("H0002", seq=21, head="李四海"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'minxin.sqlite3'}", "MINXIN_VAR_DIR": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tests.registry.first_load", str(sheet)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    before = seen["before"]
    assert before["households"] == before["members"] == 0
    assert "member_one_head" in before["indexes"]["registry_member"]
    assert "household_village" in before["indexes"]["registry_household"]

    assert seen["dangling"].startswith("IntegrityError") and "FOREIGN KEY" in seen["dangling"]
    assert seen["after_dangling"] == before
    assert seen["failing"] == "the summary failed"
    assert seen["after_failing"] == before

    assert seen["import"]["exit"] == 0, seen["import"]["problems"]
    assert seen["import"]["counts"]["households_created"] == 2 and seen["import"]["counts"]["members_created"] == 6
    after = seen["after_import"]
    assert (after["households"], after["members"], after["created_events"]) == (2, 6, 2)
    assert [summary["members_created"] for summary in after["summaries"]] == [6]
    assert after["indexes"] == before["indexes"]
    assert seen["writers"] == ["WriterProcess"] * 3


def test_the_child_refuses_to_start_while_another_writer_holds_the_database(database):
    """Another writer's transaction (a web request, another import): the child waits its busy
    timeout (5 s, as minxin.env's), then answers the error instead of "ready" and writes nothing."""
    with sqlite3.connect(database, isolation_level=None) as other:
        other.execute("BEGIN IMMEDIATE")
        process = frames.start("minxin.registry.io.writer_child", str(database), "2048", SQLITE_INIT,
                               stdin=subprocess.PIPE)
        kind, name, message = frames.receive(process.stdout)
        other.execute("ROLLBACK")
    assert (kind, name) == ("error", "OperationalError") and "locked" in message
    assert process.wait(timeout=10) == 1
    assert _values(database) == []
