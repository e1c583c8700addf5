"""The registry in a real browser: pinyin search, the 一户一表, a logged reveal, uploads with a report
and with a background job whose progress bar runs to the end, and a large export run the same way."""

import csv

import pytest

from tests.sealed import plain
from tests.world import PASSWORD, make_id_number


@pytest.fixture
def browser_world(transactional_db, settings, tmp_path):
    from tests.world import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def _csv(path, rows):
    from tests.registry.conftest import HEADER

    with open(path, "w", encoding="gbk", newline="") as handle:  # as Chinese Excel saves it
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return str(path)


def test_search_by_initials_open_household_and_reveal(browser_world, live_server, page, login, shot):
    w = browser_world
    household = w.registry["tdw"]["household"]
    child = w.registry["tdw"]["member"]
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/registry/households/")
    page.get_by_test_id("search").fill("ahzj")
    page.get_by_test_id("search-submit").click()
    table = page.get_by_test_id("household-table")
    table.get_by_text("坳户主甲").wait_for()
    assert "舟户主甲" not in table.inner_text()
    shot(page, "registry-search")

    page.click("text=坳户主甲")
    page.get_by_test_id("household-title").wait_for()
    members = page.get_by_test_id("members").inner_text()
    assert child.name in members and plain(child) not in members and plain(child)[-4:] in members
    shot(page, "registry-household")

    page.locator(f"#id-{child.pk} + button").click()
    page.get_by_test_id("revealed").wait_for()
    assert page.get_by_test_id("revealed").inner_text() == plain(child)
    from minxin.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="reveal.id_number", object_type="registry.member",
                                     object_id=str(child.pk), actor=w.users["tdw_admin"]).count() == 1
    page.reload()
    page.get_by_test_id("history-tab").click()
    assert "查看完整身份证号" in page.get_by_test_id("history").inner_text()  # the action in words
    shot(page, "registry-history")
    page.emulate_media(media="print")
    shot(page, "registry-household-print")
    assert household.number in page.content()


def test_live_validation_of_the_id_number(browser_world, live_server, page, login, shot):
    login(page, "tdw_clerk", PASSWORD)
    page.goto(f"{live_server.url}/registry/households/new/")
    page.fill("input[name=head_id_number]", "520627199001011230")
    page.get_by_test_id("live-error").wait_for()
    assert "校验码错误" in page.get_by_test_id("live-error").inner_text()
    page.fill("input[name=head_id_number]", make_id_number("19800101", 901))
    page.get_by_test_id("live-ok").wait_for()
    assert "1980-01-01" in page.get_by_test_id("live-ok").inner_text()
    shot(page, "registry-new-household")


def test_upload_with_errors_gives_a_report(browser_world, live_server, page, login, shot, tmp_path, settings):
    from tests.registry.conftest import family, person_row

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    rows = family() + [person_row("H0002", "错误", "5.20627199001e+17")]
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/registry/import/")
    page.set_input_files("input[name=file]", _csv(tmp_path / "bad.csv", rows))
    page.get_by_test_id("upload").click()
    page.get_by_test_id("import-result").wait_for()
    assert "发现 1 处错误" in page.get_by_test_id("import-result").inner_text()
    shot(page, "registry-import-errors")
    with page.expect_download() as download:
        page.get_by_test_id("report").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    from python_calamine import CalamineWorkbook

    report = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert report[1][:2] == ["5", "证件号码"] and "科学计数法" in report[1][3]
    from minxin.registry.models import Household

    assert not Household.objects.filter(number="H0001").exists()


def test_a_workbook_with_a_stray_far_cell_is_refused_on_the_page(browser_world, live_server, page, login, shot,
                                                                  tmp_path, settings):
    """The reading child stops at the first row past the caps; the page names the far cell, on a phone."""
    from tests.browser.conftest import PHONE
    from tests.registry.test_hostile_files import crafted

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    page.set_viewport_size(PHONE)
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/registry/import/")
    page.set_input_files("input[name=file]", crafted(tmp_path / "far.xlsx", ["KZ2"], header=True))
    page.get_by_test_id("upload").click()
    page.get_by_test_id("import-result").wait_for()
    result = page.get_by_test_id("import-result").inner_text()
    assert "超出导入上限" in result and "KZ2" in result, result
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "registry-import-refused-phone")


def test_upload_runs_in_the_background_and_the_progress_bar_finishes(browser_world, live_server, page, login, shot,
                                                                    tmp_path, settings):
    from django.core.management import call_command

    from tests.registry.conftest import family

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    rows = family() + family("H0002", seq=41) + family("H0003", seq=61)
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/registry/import/")
    page.set_input_files("input[name=file]", _csv(tmp_path / "good.csv", rows))
    page.get_by_test_id("upload").click()
    progress = page.get_by_test_id("import-progress")
    progress.wait_for()
    assert progress.get_attribute("data-state") == "queued"
    shot(page, "registry-import-queued")
    # The worker runs here, in the test's thread: the in-memory test database is shared with the live
    # server's thread only. The page keeps polling meanwhile and must reach 100 % on its own.
    call_command("db_worker", batch=True, interval=0.1, startup_delay=False)
    page.wait_for_selector("[data-testid=import-progress][data-state=done]", timeout=20_000)
    assert page.get_by_test_id("progress-value").inner_text() == "100%"
    assert "导入完成" in page.get_by_test_id("import-result").inner_text()
    shot(page, "registry-import-done")
    from minxin.registry.models import Household

    assert Household.objects.filter(number__in=["H0001", "H0002", "H0003"]).count() == 3


def test_large_export_runs_in_the_background_and_downloads(browser_world, live_server, page, login, shot,
                                                          tmp_path, settings):
    from django.core.management import call_command
    from python_calamine import CalamineWorkbook

    settings.MINXIN_EXPORT_INLINE_MAX_HOUSEHOLDS = 0  # every export goes to the worker
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/registry/households/")
    page.get_by_test_id("export").click()
    page.get_by_test_id("export-start").wait_for()
    assert "当前筛选共" in page.content()
    shot(page, "registry-export-confirm")
    page.get_by_test_id("export-start").get_by_role("button").click()
    progress = page.get_by_test_id("export-progress")
    progress.wait_for()
    assert progress.get_attribute("data-state") == "queued"
    call_command("db_worker", batch=True, interval=0.1, startup_delay=False)  # see the upload test above
    page.wait_for_selector("[data-testid=export-progress][data-state=done]", timeout=20_000)
    shot(page, "registry-export-done")
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    names = [row[4] for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]]
    assert "坳户主甲" in names and not any(name.startswith("舟") for name in names)


def test_village_file_prints(browser_world, live_server, page, login, shot):
    w = browser_world
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/regions/{w.village('tdw').code}/")
    page.get_by_test_id("village-file-link").click()
    page.get_by_test_id("village-figures").wait_for()
    shot(page, "registry-village-file")
    page.emulate_media(media="print")
    shot(page, "registry-village-file-print")


def test_a_form_saved_untouched_keeps_its_date(browser_world, live_server, page, login, shot):
    """A date picker shows only an ISO value: anything else comes back empty and would erase the date."""
    import datetime

    from django.urls import reverse

    from minxin.registry.models import Checklist

    household = browser_world.registry["tdw"]["household"]
    Checklist.objects.update_or_create(household=household, defaults={
        "checked_on": datetime.date(2026, 3, 17), "food": "met", "note": "入户核查"})
    login(page, "tdw_admin", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("registry:checklist-edit", args=[household.pk]))
    assert page.locator("#id_checked_on").input_value() == "2026-03-17"
    shot(page, "registry-checklist-form-phone")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("household-title").wait_for()
    assert Checklist.objects.get(household=household).checked_on == datetime.date(2026, 3, 17)
    assert "核查日期 2026-03-17" in page.get_by_test_id("checklist").inner_text()


def test_a_unit_adds_a_helper_who_is_then_chosen_for_a_household(browser_world, live_server, page, login, shot):
    """The liaison lists its unit's helping staff; the township ticks one as a household's helper;
    the unit's page counts the pairing."""
    w = browser_world
    household = w.registry["tdw"]["household"]
    login(page, "tdw_liaison", PASSWORD)
    page.goto(f"{live_server.url}/cadres/units/{w.units['tdw'].pk}/")
    form = page.get_by_test_id("unit-staff-form")
    form.locator("input[name=name]").fill("坳单位王科长")
    form.locator("input[name=position]").fill("科长")
    form.locator("button").click()
    page.wait_for_load_state()
    assert "坳单位王科长" in page.get_by_test_id("unit-staff").inner_text()
    page.context.clear_cookies()
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/registry/households/{household.pk}/helpers/")
    page.get_by_label("坳单位王科长（坳派出单位 科长）").check()
    shot(page, "registry-helpers-form")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**/registry/households/{household.pk}/")
    page.goto(f"{live_server.url}/cadres/units/{w.units['tdw'].pk}/")
    pairing = page.get_by_test_id("unit-pairing").inner_text()
    assert "坳单位王科长" in pairing and "单位帮扶干部" in pairing
    shot(page, "cadres-unit-pairing")
