"""minxin/env.py and minxin/settings.py: bad configuration stops the process, naming the variable."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from minxin.env import database_config, env_bool, env_int, env_list, env_str, secret_key_file

ROOT = Path(__file__).resolve().parent.parent


# --- env_bool ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on", "On"])
def test_env_bool_true_spellings(monkeypatch, raw):
    monkeypatch.setenv("MX_FLAG", raw)
    assert env_bool("MX_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_false_spellings(monkeypatch, raw):
    monkeypatch.setenv("MX_FLAG", raw)
    assert env_bool("MX_FLAG", True) is False


def test_env_bool_unset_gives_default(monkeypatch):
    monkeypatch.delenv("MX_FLAG", raising=False)
    assert env_bool("MX_FLAG", True) is True
    assert env_bool("MX_FLAG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "yess", "t"])
def test_env_bool_rejects_anything_else(monkeypatch, raw):
    monkeypatch.setenv("MX_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="MX_FLAG"):
        env_bool("MX_FLAG", False)


# --- env_int -----------------------------------------------------------------------------------

def test_env_int_reads_and_defaults(monkeypatch):
    monkeypatch.delenv("MX_N", raising=False)
    assert env_int("MX_N", 7) == 7
    monkeypatch.setenv("MX_N", " 42 ")
    assert env_int("MX_N", 7) == 42


@pytest.mark.parametrize("raw", ["ten", "4.5", "", "0x10"])
def test_env_int_rejects_non_integers(monkeypatch, raw):
    monkeypatch.setenv("MX_N", raw)
    with pytest.raises(ImproperlyConfigured, match="MX_N"):
        env_int("MX_N", 7)


def test_env_int_minimum(monkeypatch):
    monkeypatch.setenv("MX_N", "0")
    with pytest.raises(ImproperlyConfigured, match="MX_N"):
        env_int("MX_N", 7, minimum=1)
    monkeypatch.setenv("MX_N", "1")
    assert env_int("MX_N", 7, minimum=1) == 1


# --- env_list / env_str ------------------------------------------------------------------------

def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("MX_HOSTS", " a.example , b.example,,")
    assert env_list("MX_HOSTS", ["x"]) == ["a.example", "b.example"]
    monkeypatch.delenv("MX_HOSTS")
    assert env_list("MX_HOSTS", ["x"]) == ["x"]


@pytest.mark.parametrize("raw", ["", " , ,"])
def test_env_list_set_but_empty_is_an_error(monkeypatch, raw):
    monkeypatch.setenv("MX_HOSTS", raw)
    with pytest.raises(ImproperlyConfigured, match="MX_HOSTS"):
        env_list("MX_HOSTS", ["x"])


def test_env_str_required_and_default(monkeypatch):
    monkeypatch.delenv("MX_S", raising=False)
    with pytest.raises(ImproperlyConfigured, match="MX_S"):
        env_str("MX_S")
    assert env_str("MX_S", "fallback") == "fallback"
    monkeypatch.setenv("MX_S", "value")
    assert env_str("MX_S") == "value"


# --- database_config ---------------------------------------------------------------------------

def test_database_config_sqlite_gets_wal_and_immediate_transactions(tmp_path):
    config = database_config(f"sqlite:///{tmp_path}/x.sqlite3", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == f"{tmp_path}/x.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["CONN_MAX_AGE"] == 0  # persistent connections do not help SQLite


def test_database_config_postgresql():
    config = database_config("postgresql://minxin:pw@db.example:5433/minxin", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == ("db.example", 5433, "minxin", "minxin")
    assert config["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize("url", ["mysql://u@h/db", "oracle://u@h/db"])
def test_database_config_unsupported_engine(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL") as info:
        database_config(url, conn_max_age=0)
    assert "sqlite" in str(info.value) and "postgresql" in str(info.value)


@pytest.mark.parametrize("url", ["garbage", "", "http://example.com/db"])
def test_database_config_garbage(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_config(url, conn_max_age=0)


def test_database_config_error_does_not_print_the_password():
    with pytest.raises(ImproperlyConfigured) as info:
        database_config("mysql://minxin:s3cret-pw@db.example/minxin", conn_max_age=0)
    assert "DATABASE_URL" in str(info.value)
    assert "s3cret-pw" not in str(info.value)


# --- secret_key_file ---------------------------------------------------------------------------

def test_secret_key_file_created_once_private_and_stable(tmp_path):
    path = tmp_path / "sub" / "secret_key"
    first = secret_key_file(path)
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key_file(path) == first
    assert secret_key_file(tmp_path / "other") != first


def test_secret_key_file_that_is_too_short_names_the_file(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("short\n")
    with pytest.raises(ImproperlyConfigured, match="secret_key"):
        secret_key_file(path)


# --- importing the settings module -------------------------------------------------------------

GOOD_KEY = "k" * 40


def _import_settings(tmp_path, **overrides):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "AXES_FAILURE_LIMIT")}
    env.update(MINXIN_VAR_DIR=str(tmp_path), SECRET_KEY=GOOD_KEY, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import minxin.settings as s; print('DEBUG', s.DEBUG)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_settings_import_with_good_values(tmp_path):
    result = _import_settings(tmp_path, DEBUG="yes")
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


@pytest.mark.parametrize(("variable", "value"), [
    ("DEBUG", "maybe"),
    ("SECRET_KEY", "short"),
    ("DATABASE_URL", "mysql://minxin@db.example/minxin"),
    ("AXES_FAILURE_LIMIT", "zero"),
    ("ALLOWED_HOSTS", " , "),
])
def test_settings_import_fails_loudly_naming_the_variable(tmp_path, variable, value):
    result = _import_settings(tmp_path, **{variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured")
    assert variable in last_line


def test_env_choice_reads_one_of_its_choices(monkeypatch):
    from minxin.env import env_choice

    monkeypatch.delenv("MX_C", raising=False)
    assert env_choice("MX_C", "wgs84", ["wgs84", "gcj02"]) == "wgs84"
    monkeypatch.setenv("MX_C", " GCJ02 ")
    assert env_choice("MX_C", "wgs84", ["wgs84", "gcj02"]) == "gcj02"
    monkeypatch.setenv("MX_C", "bd09")
    with pytest.raises(ImproperlyConfigured, match="MX_C='bd09' is not one of wgs84, gcj02"):
        env_choice("MX_C", "wgs84", ["wgs84", "gcj02"])
