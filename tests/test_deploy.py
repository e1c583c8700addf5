"""`minxin check --deploy` is clean with exactly the production environment docs/operations.md documents;
what may be cached (Cache-Control) is decided by the response, not by the proxy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def documented_environment() -> dict:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- production-env -->\s*```sh\n(.*?)```\s*<!-- /production-env -->", text, re.S)
    assert block, "docs/operations.md lost its production environment block"
    pairs = dict(line.split("=", 1) for line in block.group(1).splitlines() if line.strip())
    for name in ("SECRET_KEY", "MINXIN_IDENTIFIER_KEYS", "MINXIN_LOOKUP_KEY"):
        assert pairs[name].startswith("<")  # a placeholder, never a real key in the docs
        # replaced by what the placeholder's own command prints, as the guide says
        command = re.fullmatch(r'<[^<>]*python3 -c "(.*)">', pairs[name])
        assert command, pairs[name]
        pairs[name] = subprocess.run([sys.executable, "-c", command.group(1)], capture_output=True, text=True,
                                     check=True, timeout=30).stdout.strip()
    assert pairs["MINXIN_IDENTIFIER_KEYS"].startswith("k1:") and len(pairs["SECRET_KEY"]) >= 50
    return pairs


def _check_deploy(tmp_path, environment: dict) -> subprocess.CompletedProcess:
    # The machine's environment without what the tests set for themselves (the browser tests allow
    # async-unsafe calls) or what the documented block decides.
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SECURE_", "DEBUG", "ALLOWED_HOSTS", "CSRF_", "MINXIN_TRUSTED",
                                  "MINXIN_IDENTIFIER_KEYS", "MINXIN_LOOKUP_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    env.update(environment, MINXIN_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    return subprocess.run([sys.executable, "-m", "minxin.cli", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    result = _check_deploy(tmp_path, documented_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_identifier_keys_sit_in_var(tmp_path):
    environment = {key: value for key, value in documented_environment().items()
                   if key not in ("MINXIN_IDENTIFIER_KEYS", "MINXIN_LOOKUP_KEY")}
    result = _check_deploy(tmp_path, environment)
    assert result.returncode == 1 and "minxin.W001" in result.stderr + result.stdout
    assert (tmp_path / "identifier_keys").stat().st_mode & 0o777 == 0o600


def test_the_documented_environment_turns_https_on():
    environment = documented_environment()
    assert environment["DEBUG"] == "0" and int(environment["SECURE_HSTS_SECONDS"]) >= 31536000
    assert environment["SECURE_SSL_REDIRECT"] == environment["SECURE_COOKIES"] == "1"


@pytest.mark.django_db
def test_the_field_app_shell_keeps_its_own_cache_headers_and_any_file_is_no_store(world, client):
    """The shell holds no personal data and is kept by the service worker; a file (FileResponse) is
    no-store whoever asks for it."""
    import io

    from django.http import FileResponse, HttpResponse
    from django.test import RequestFactory

    from minxin.core.middleware import NoStoreMiddleware

    client.force_login(world.users["tdw_clerk"])
    shell = client.get("/field/")
    assert shell.status_code == 200 and "no-store" not in shell["Cache-Control"]
    assert "private" in shell["Cache-Control"]  # it sets the CSRF cookie: no shared cache keeps it
    assert "no-store" in client.get("/").get("Cache-Control", "")  # any other page of a signed-in user
    anonymous = RequestFactory().get("/some/file")
    assert "no-store" in NoStoreMiddleware(lambda r: FileResponse(io.BytesIO(b"x")))(anonymous)["Cache-Control"]
    assert "Cache-Control" not in NoStoreMiddleware(lambda r: HttpResponse("x"))(anonymous)
