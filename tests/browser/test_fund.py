"""The fund's whole path in a real browser (issue 15): the county records a contribution; a clerk
applies (refused a line on the negative list, then accepted); the township checks; the county posts
the notice (seen on the public page, on a phone) and draws the panel; the expert scores on a phone;
once the notice is over the county decides and pays the advance; the fund statement shows it."""

import datetime
import zipfile

from django.utils import timezone

from minxin.fund.models import Application, PanelSeat
from tests.browser.conftest import PHONE
from tests.world import PASSWORD


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _step(page, key):
    if page.locator(f"#step-{key}").get_attribute("open") is None:
        page.locator(f"#step-{key} > summary").click()
    return page.get_by_test_id(f"step-{key}")


def _as(page, login, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def test_contribution_application_check_notice_scores_decision_tranche_statement(
        browser_world, live_server, page, login, shot):
    w = browser_world
    today = timezone.localdate().isoformat()
    _as(page, login, "county_admin")
    page.goto(f"{live_server.url}/fund/contributions/")
    page.locator("details summary").first.click()
    page.select_option("select[name=source]", "society")
    page.fill("input[name=donor]", "乌江爱心基金会")
    page.fill("input[name=amount]", "50000")
    page.fill("input[name=received_on]", today)
    page.fill("input[name=receipt_no]", "JZ-88")
    page.get_by_test_id("contribution-submit").click()
    page.wait_for_load_state()
    assert "乌江爱心基金会" in page.get_by_test_id("contribution-table").inner_text()

    _as(page, login, "tdw_clerk")
    page.goto(f"{live_server.url}/fund/applications/new/")
    page.select_option("select[name=village]", w.village("tdw").code)
    page.fill("input[name=title]", "五七村辣椒种植基地")
    page.select_option("select[name=kind]", "productive")
    page.fill("input[name=beneficiaries]", "40")
    page.fill("textarea[name=plan]", "流转土地 200 亩种植辣椒")
    page.fill("textarea[name=mechanism]", "贫困户务工、订单收购")
    page.fill("textarea[name=targets]", "户均增收 2500 元")
    page.select_option("select[name=lines-0-category]", "seedlings")
    page.fill("input[name=lines-0-item]", "辣椒种苗")
    page.fill("input[name=lines-0-amount]", "30000")
    page.select_option("select[name=lines-1-category]", "equipment")
    page.fill("input[name=lines-1-item]", "购买办公用车")
    page.fill("input[name=lines-1-amount]", "90000")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "第 2 条预算“购买办公用车”属于负面清单" in page.content()
    shot(page, "fund-negative-list")
    page.fill("input[name=lines-1-item]", "")
    page.fill("input[name=lines-1-amount]", "")
    page.select_option("select[name=lines-1-category]", "")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/fund/applications/*/")
    application = Application.objects.get(title="五七村辣椒种植基地")
    form = _step(page, "submit")
    form.get_by_role("button").click()
    page.wait_for_load_state()

    _as(page, login, "tdw_admin")
    page.goto(f"{live_server.url}/fund/applications/{application.pk}/")
    _step(page, "check").get_by_role("button").click()
    page.wait_for_load_state()
    assert "乡镇审核通过" in page.get_by_test_id("state").inner_text()

    _as(page, login, "county_admin")
    page.goto(f"{live_server.url}/fund/applications/{application.pk}/")
    _step(page, "notice").get_by_role("button").click()
    page.wait_for_load_state()
    _step(page, "draw").get_by_role("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("seats").locator("tbody tr").count() == 5
    public = page.context.new_page()
    public.set_viewport_size(PHONE)
    public.goto(f"{live_server.url}/gs/{w.village('tdw').code}/")
    assert "五七村辣椒种植基地" in public.inner_text("body") and "30,000.00" in public.inner_text("body")
    _fits(public)
    shot(public, "fund-public-notice-phone")
    public.close()

    # Every drawn expert scores; the persona does it in the browser, on a phone (if drawn).
    seats = list(PanelSeat.objects.filter(application=application).select_related("expert__user"))
    persona_seat = next((s for s in seats if s.expert.user_id == w.users["expert"].pk), None)
    if persona_seat is None:  # the draw is random: seat the persona in place of the first expert
        persona_seat = seats[0]
        PanelSeat.objects.filter(pk=persona_seat.pk).update(expert=w.fund["experts"]["persona"])
    from minxin.fund import services_grant

    for seat in PanelSeat.objects.filter(application=application).exclude(pk=persona_seat.pk).select_related("expert"):
        user = seat.expert.user or w.users["expert"].__class__.objects.create(
            username=f"e{seat.pk}", role="expert", scope_id="520627000000")
        seat.expert.user = user
        seat.expert.save()
        services_grant.score_submit(actor=user, application=application,
                                    levels={"feasibility": 4, "effect": 4, "sustainability": 3, "budget": 4})
    _as(page, login, "expert")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/fund/")
    page.get_by_test_id("reviews").get_by_text("五七村辣椒种植基地").click()
    for code, level in (("feasibility", 5), ("effect", 4), ("sustainability", 4), ("budget", 3)):
        page.locator(f"input[name=level_{code}][value='{level}']").check()
    _fits(page)
    shot(page, "fund-score-phone")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/fund/reviews/")
    assert "已评" in page.get_by_test_id("reviews").inner_text()

    # The notice period ends (ten days); the county decides, and after the decision's notice pays.
    past = timezone.localdate() - datetime.timedelta(days=1)
    Application.objects.filter(pk=application.pk).update(notice_until=past)
    page.set_viewport_size({"width": 1366, "height": 900})
    _as(page, login, "county_admin")
    page.goto(f"{live_server.url}/fund/applications/{application.pk}/")
    assert page.get_by_test_id("aggregate").is_visible()
    form = _step(page, "decide")
    form.locator("input[name=decide-amount]").fill("28000")
    form.locator("textarea[name=decide-direction]").fill("同意，压减种苗单价后实施")
    form.get_by_role("button").click()
    page.wait_for_load_state()
    assert "县级批准" in page.get_by_test_id("state").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("decision-docx").click()
    text = zipfile.ZipFile(download.value.path()).read("word/document.xml").decode()
    assert "28,000.00" in text
    application.refresh_from_db()
    Application.objects.filter(pk=application.pk).update(decision_notice_until=past)
    page.reload()
    form = _step(page, "tranche")
    assert form.locator("input[name=tranche-amount]").input_value() in ("14000.00", "14000.0", "14000")
    form.locator("input[name=tranche-voucher]").fill("拨款 2026-31")
    form.get_by_role("button").dblclick()
    page.get_by_test_id("tranches").wait_for()  # the page the (second) submission answered
    assert application.tranches.count() == 1
    assert "14,000.00" in page.get_by_test_id("tranches").inner_text()
    shot(page, "fund-application-desktop")
    page.goto(f"{live_server.url}/fund/")
    statement = page.get_by_test_id("statement").inner_text()
    assert "222,000.00" in statement  # 200,000 + 50,000 − 28,000
    shot(page, "fund-overview-desktop")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/fund/applications/{application.pk}/")
    _fits(page)
    shot(page, "fund-application-phone")
    # Every list of the two modules fits a phone, for the county (which sees the most columns).
    for name, path in (("fund-overview", "/fund/"), ("fund-contributions", "/fund/contributions/"),
                       ("fund-applications", "/fund/applications/"), ("fund-experts", "/fund/experts/"),
                       ("fund-ledger", "/ledger/fund/"), ("room-arrears", "/rooms/arrears/"),
                       ("room-construction", "/rooms/construction/"), ("room-ledger", "/ledger/rooms/")):
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        _fits(page)
        shot(page, f"{name}-phone")
