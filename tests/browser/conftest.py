"""Playwright in Debian's chromium against pytest-django's live server.

These tests never skip: if chromium is missing, they fail (CI installs it, see .ci/run).
"""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the browser tests' database is a file, not Django's shared in-memory one.

    With an in-memory database the live server hands every request thread the test thread's one
    connection; two requests a page makes at once (the to-do count and a list) then wait on each
    other inside SQLite and the run hangs. A file gives each thread its own connection (WAL, a busy
    timeout and IMMEDIATE transactions, as in production: minxin.env.database_config)."""
    from django.db import connections

    database = connections["default"].settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("browser-db") / "test.sqlite3")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def shot():
    """Save a screenshot under test-artifacts/ (look at them: a page that renders badly is a bug)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def login(live_server):
    """Log in through the real form (the lockout backend needs the request)."""

    def do(page, username: str, password: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return do


@pytest.fixture
def browser_world(transactional_db, settings, tmp_path):
    """The shared test world (tests/world.py), committed so the live server's threads see it; uploads
    go to a temporary media folder. A module that needs more builds on it under the same name."""
    from tests.world import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()
