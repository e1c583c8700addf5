"""The records that score the learn and plan hearts, and the sheet a workbook asks about, in a real
browser on a desktop and a 390 px phone."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import PHONE
from tests.world import PASSWORD


@pytest.fixture
def browser_world(transactional_db, settings, tmp_path):
    from tests.world import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def test_a_village_plan_is_kept_from_the_village_file(browser_world, live_server, page, login, shot):
    w = browser_world
    village = w.village("tdw")
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/registry/villages/{village.code}/")
    page.get_by_test_id("village-plans").get_by_role("link", name="坳发展规划").click()
    page.get_by_test_id("plan-item-new").click()
    page.fill("input[name=title]", "硬化通组路")
    page.select_option("select[name=category]", "infrastructure")
    due = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    page.fill("input[name=due_on]", due)
    page.select_option("select[name=status]", "done")
    page.get_by_test_id("submit").click()
    assert "已完成的事项请填写完成日期" in page.content()  # refused, with the field's reason
    page.fill("input[name=done_on]", due)
    page.fill("input[name=progress_note]", "已通车")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    table = page.get_by_test_id("plan-items")
    assert "硬化通组路" in table.inner_text() and "已完成" in table.inner_text()
    bar = page.get_by_test_id("plan-bar").locator(".progress-bar")
    assert bar.get_attribute("style") == "width: 50%"  # 1 of 2 items done
    shot(page, "plan-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "plan-phone")


def test_a_cadre_records_its_study_on_a_phone(browser_world, live_server, page, login, shot):
    page.set_viewport_size(PHONE)
    login(page, "tdw_cadre", PASSWORD)
    page.goto(f"{live_server.url}/cadres/study/")
    page.get_by_test_id("study-new").click()
    page.fill("input[name=title]", "向老支书请教茶叶管护")
    page.select_option("select[name=kind]", "consult")
    page.fill("input[name=held_on]", timezone.localdate().isoformat())
    page.fill("input[name=hours]", "1.5")
    page.fill("input[name=organiser]", "老支书")
    shot(page, "study-form-phone")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("study-title").inner_text() == "向老支书请教茶叶管护"
    assert "坳干部甲" in page.get_by_test_id("study-attendees").inner_text()
    page.goto(f"{live_server.url}/cadres/study/")
    assert "向老支书请教茶叶管护" in page.get_by_test_id("study-table").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "study-list-phone")


def test_a_workbook_with_two_data_sheets_asks_which(browser_world, live_server, page, login, shot, tmp_path,
                                                     settings):
    from django.core.management import call_command

    from tests.registry.test_layouts import county_rows, write_xlsx

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    path = write_xlsx(tmp_path / "两个年度.xlsx", {"2025年": county_rows("plain"), "2026年": county_rows("title")})
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/registry/import/")
    page.set_input_files("input[name=file]", path)
    page.get_by_test_id("upload").click()
    page.get_by_test_id("import-progress").wait_for()
    call_command("db_worker", batch=True, interval=0.1, startup_delay=False)
    page.wait_for_selector("[data-testid=import-progress][data-state=sheet]", timeout=20_000)
    assert "2025年、2026年" in page.get_by_test_id("import-result").inner_text()
    shot(page, "import-choose-sheet")
    page.get_by_label("2026年").check()
    page.get_by_test_id("choose-sheet").click()
    page.wait_for_load_state()
    call_command("db_worker", batch=True, interval=0.1, startup_delay=False)
    page.wait_for_selector("[data-testid=import-progress][data-state=done]", timeout=20_000)
    layout = page.get_by_test_id("import-layout").inner_text()
    assert "数据取自指定的工作表“2026年”" in layout and "第 1 行是标题" in layout
    shot(page, "import-layout-notes")


def test_the_inbox_on_the_landing_page_in_the_menu_and_on_a_phone(browser_world, live_server, page, login, shot):
    w = browser_world
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/")
    panel = page.get_by_test_id("todo-panel")
    assert w.fieldwork["tdw"]["request"].text in panel.inner_text() and "逾期" in panel.inner_text()
    badge = page.get_by_test_id("todo-count")
    badge.wait_for()  # fetched by the menu after the page loaded
    count = int(badge.inner_text())
    shot(page, "todo-landing")
    page.get_by_role("link", name="全部").click()
    page.wait_for_load_state()
    assert int(page.get_by_test_id("todo-total").inner_text()) == count
    items = page.get_by_test_id("todo-items").locator("a")
    assert items.count() == count
    assert items.first.get_attribute("data-kind") == "fieldwork.request"  # the overdue one first
    shot(page, "todo-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    assert int(page.get_by_test_id("todo-count-phone").inner_text()) == count  # beside the collapsed menu
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "todo-phone")


def test_a_clerk_files_a_nil_screening_on_a_phone_and_the_county_sees_who_missed(browser_world, live_server, page,
                                                                                   login, shot):
    page.set_viewport_size(PHONE)
    login(page, "tdw_clerk", PASSWORD)
    page.goto(f"{live_server.url}/accounts/me/todo/")
    page.locator("[data-kind='disputes.screening']").click()
    page.wait_for_load_state()
    assert page.input_value("input[name=found]") == "0"  # a nil report unless something was found
    shot(page, "screening-form-phone")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "零报告" in page.get_by_test_id("screening-table").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "screening-list-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.context.clear_cookies()
    login(page, "county_admin", PASSWORD)
    page.goto(f"{live_server.url}/disputes/screenings/missed/")
    assert page.get_by_test_id("missed-township").count() == 2
    shot(page, "screening-missed-desktop")
