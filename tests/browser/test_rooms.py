"""Liaison rooms in a real browser (issue 15.3): a sending unit's liaison sees what its unit owes
and records the tranche — a double click posts once; a cadre is refused spending more than the
working fund holds, then spends; the township grades the room on a phone; the county reads the
arrears by payer and the ledger."""

from django.utils import timezone

from minxin.ledger.models import Transaction
from minxin.rooms.models import Receipt
from tests.browser.conftest import PHONE
from tests.world import PASSWORD


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_liaison_records_its_units_share_once_however_often_it_clicks(browser_world, live_server, page, login,
                                                                         shot):
    w = browser_world
    room, due = w.rooms["tdw"]["room"], w.rooms["tdw"]["unit_due"]
    login(page, "tdw_liaison", PASSWORD)
    page.goto(f"{live_server.url}/rooms/arrears/")
    totals = page.get_by_test_id("payer-totals").inner_text()
    assert "坳派出单位" in totals and "5,000.00" in totals and "市级" not in totals
    page.goto(f"{live_server.url}/rooms/{room.pk}/")
    page.get_by_test_id("receipt-new").click()
    page.select_option("select[name=due]", str(due.pk))
    page.fill("input[name=amount]", "5000")
    page.fill("input[name=reference]", "单位转账 2026-18")
    before = Transaction.objects.count()
    page.get_by_test_id("submit").dblclick()
    page.wait_for_url(f"**/rooms/{room.pk}/")
    assert Receipt.objects.filter(due=due).count() == 1 and Transaction.objects.count() == before + 1
    assert "7,879.50" in page.get_by_test_id("balance").inner_text()  # 3,000 − 120.50 + 5,000
    page.set_viewport_size(PHONE)
    page.reload()
    _fits(page)
    shot(page, "room-liaison-phone")


def test_a_cadre_cannot_overspend_the_working_fund(browser_world, live_server, page, login, shot):
    room = browser_world.rooms["tdw"]["room"]
    login(page, "tdw_cadre", PASSWORD)
    page.goto(f"{live_server.url}/rooms/{room.pk}/spendings/new/")
    page.fill("input[name=amount]", "3000")
    page.fill("input[name=purpose]", "购置档案柜")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "余额不足" in page.inner_text(".invalid-feedback") and "2879.50" in page.content()
    shot(page, "room-overspend")
    page.fill("input[name=amount]", "879.50")
    page.get_by_test_id("submit").click()
    page.wait_for_url(f"**/rooms/{room.pk}/")
    assert "2,000.00" in page.get_by_test_id("balance").inner_text()
    assert "购置档案柜" in page.get_by_test_id("spendings").inner_text()


def test_the_township_grades_a_room_on_a_phone_and_the_county_reads_arrears_and_ledger(
        browser_world, live_server, page, login, shot):
    room = browser_world.rooms["tdw"]["room"]
    page.set_viewport_size(PHONE)
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/rooms/{room.pk}/")
    _fits(page)
    page.get_by_test_id("evaluation-new").click()
    page.select_option("select[name=half]", "2")
    for name, value in (("premises", "20"), ("rules", "15"), ("duty", "14"), ("disclosure", "15"), ("service", "19"),
                        ("records", "13")):
        page.fill(f"input[name=score_{name}]", value)
    page.fill("input[name=evaluated_on]", timezone.localdate().isoformat())
    _fits(page)
    shot(page, "room-evaluation-phone")
    page.get_by_test_id("submit").click()
    page.wait_for_url(f"**/rooms/{room.pk}/")
    evaluations = page.get_by_test_id("evaluations").inner_text()
    assert "96" in evaluations and "好" in evaluations
    shot(page, "room-detail-phone")
    page.goto(f"{live_server.url}/rooms/")
    _fits(page)
    assert "好" in page.get_by_test_id("room-table").inner_text()
    shot(page, "room-list-phone")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "county_admin", PASSWORD)
    page.goto(f"{live_server.url}/rooms/arrears/")
    totals = page.get_by_test_id("payer-totals").inner_text()
    assert "省级补助" in totals and "40,000.00" in totals
    shot(page, "room-arrears-desktop")
    page.goto(f"{live_server.url}/ledger/rooms/")
    assert "干群连心室建设经费预算" in page.get_by_test_id("ledger-table").inner_text()
    shot(page, "room-ledger-desktop")
    page.goto(f"{live_server.url}/rooms/{room.pk}/")
    shot(page, "room-detail-desktop")
