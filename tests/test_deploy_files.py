"""The server's files in deploy/ are the ones docs/operations.md shows, and they work as it says."""

import os
import subprocess
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent


def test_the_crontab_file_is_the_guides_and_names_real_commands():
    guide = (ROOT / "docs" / "operations.md").read_text()
    shown = guide.split("`deploy/crontab`, the service user's crontab", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    installed = (ROOT / "deploy" / "crontab").read_text()
    assert [line for line in installed.splitlines() if not line.startswith("#")] == shown.splitlines()
    jobs = [line for line in shown.splitlines() if "deploy/run" in line]
    named = [line.split(".venv/bin/minxin ", 1)[1].split()[0] for line in jobs]
    assert set(named) <= set(get_commands()), set(named) - set(get_commands())
    assert {"purge-files", "refresh-households", "reconcile", "party-warnings", "count-figures", "backup"} <= set(named)
    # cron reads no environment file: each job goes through deploy/run, which does; `%` is escaped for cron
    assert all(line.split()[5] == "/srv/minxin/deploy/run" for line in jobs)
    assert all("%" not in line.replace("\\%", "") for line in shown.splitlines())


def test_run_reads_the_environment_file_afresh_and_runs_in_the_installation(tmp_path):
    env_file = tmp_path / "minxin.env"
    env_file.write_text("MINXIN_IDENTIFIER_KEYS=k2:new,k1:old\nLOG_FORMAT=json\n")
    clean = {"PATH": os.environ["PATH"], "MINXIN_ENV_FILE": str(env_file), "MINXIN_IDENTIFIER_KEYS": "k1:old"}
    result = subprocess.run([str(ROOT / "deploy" / "run"), "sh", "-c", 'echo "$PWD|$MINXIN_IDENTIFIER_KEYS|$LOG_FORMAT"'],
                            env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{ROOT}|k2:new,k1:old|json"
    missing = subprocess.run([str(ROOT / "deploy" / "run"), "true"], env={**clean, "MINXIN_ENV_FILE": str(tmp_path / "no")},
                             capture_output=True, text=True, timeout=30)
    assert missing.returncode != 0  # no environment file: nothing runs with a default configuration


def test_the_web_unit_runs_gunicorn_with_the_json_log_settings():
    unit = (ROOT / "deploy" / "minxin-web.service").read_text()
    assert "gunicorn -c deploy/gunicorn.conf.py minxin.wsgi" in unit
    settings_file = {"__file__": "gunicorn.conf.py"}
    os.environ["LOG_FORMAT"] = "json"
    try:
        exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), settings_file)
    finally:
        del os.environ["LOG_FORMAT"]
    loggers = settings_file["logconfig_dict"]["loggers"]
    # gunicorn's access line holds the query string (an ID number searched for): none is written
    assert {name: logger["handlers"] for name, logger in loggers.items()} == {
        "gunicorn.error": ["console"], "gunicorn.access": []}
