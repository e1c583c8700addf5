"""The quarterly assessment in a real browser: the county admin changes a weight, runs a quarter,
follows a cadre's score to the records behind it, publishes and downloads the bulletin; the cadre
files an appeal."""

import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.assessment.world import current_quarter
from tests.world import PASSWORD


@pytest.fixture
def browser_world(transactional_db):
    from minxin.assessment import services
    from tests.world import build_world

    world = build_world()
    inspection = services.inspection_record(actor=world.users["tdw_supervisor"], kind="quarterly",
                                            village=world.village("tdw"), date=timezone.localdate(),
                                            summary="季度督查：查阅村发展规划")
    services.manual_score_record(actor=world.users["tdw_supervisor"], inspection=inspection,
                                 cadre=world.cadres["tdw"][0], indicator="plan.plan", score="72",
                                 note="规划未经村民代表大会讨论")
    return world


def test_admin_runs_publishes_and_cadre_appeals(browser, browser_world, live_server, page, login, shot, context):
    w = browser_world
    cadre = w.cadres["tdw"][0]
    login(page, "county_admin", PASSWORD)

    # 1. Change a weight: the running sum shows 100 only when the weights balance.
    page.goto(f"{live_server.url}/assessment/scheme/")
    page.fill("input[name='plan.plan-weight']", "1")  # its default is 2
    assert page.get_by_test_id("weight-sum").inner_text() == "99"
    page.fill("input[name='organize.life-weight']", "4")  # its default is 3
    assert page.get_by_test_id("weight-sum").inner_text() == "100"
    shot(page, "assessment-1-scheme")
    page.get_by_test_id("save-scheme").click()
    page.wait_for_load_state()
    assert "已保存考核方案第 1 版" in page.content()

    # 2. Run the quarter.
    page.goto(f"{live_server.url}/assessment/run/")
    page.fill("input[name=quarter]", current_quarter())
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "考核已完成" in page.content()
    ranking = page.get_by_test_id("ranking").inner_text()
    assert cadre.name in ranking and w.cadres["gz"][0].name in ranking
    # One column per heart on a desktop, and a township filter that narrows the ranking.
    expect(page.locator("[data-testid=ranking] th[data-heart]")).to_have_count(10)
    shot(page, "assessment-2-ranking")
    page.get_by_test_id("township-filter").select_option(w.village("tdw").parent_id)
    page.wait_for_url("**region=*")
    ranking = page.get_by_test_id("ranking").inner_text()
    assert cadre.name in ranking and w.cadres["gz"][0].name not in ranking

    # 3. A cadre's scores, then the records behind one of them.
    page.get_by_role("link", name=cadre.name, exact=True).first.click()
    page.wait_for_load_state()
    scores = page.get_by_test_id("scores").inner_text()
    assert "村发展规划编制质量" in scores and "72" in scores and "组织生活按期开展率" in scores
    # The ten-hearts radar is drawn (ten axis names in the SVG), with its figures in a table beside it.
    page.wait_for_selector("[data-testid=heart-radar] svg")
    radar = page.get_by_test_id("heart-radar").inner_text()
    assert all(name in radar for name in ("安心", "倾心", "尽心"))
    assert "本乡镇平均" in page.get_by_test_id("heart-rates").inner_text()
    shot(page, "assessment-3-result")
    page.get_by_test_id("score-plan.plan").click()
    page.wait_for_load_state()
    evidence = page.get_by_test_id("evidence").inner_text()
    assert "72" in evidence
    shot(page, "assessment-4-evidence")
    page.get_by_test_id("evidence-link").first.click()
    page.wait_for_load_state()
    assert "规划未经村民代表大会讨论" in page.content() and "季度督查" in page.content()
    shot(page, "assessment-5-record")
    # Field records behind days present (the shared world logs visits, meetings, calls, diary).
    page.go_back()
    page.go_back()
    page.get_by_test_id("score-settle.presence").click()
    page.wait_for_load_state()
    shot(page, "assessment-6-presence-evidence")

    # 4. Publish, then download the bulletin.
    page.goto(f"{live_server.url}/assessment/periods/520627/{current_quarter()}/")
    page.get_by_test_id("publish").click()
    page.get_by_test_id("confirm-publish").click()
    page.wait_for_load_state()
    assert "已发布" in page.get_by_test_id("period-status").inner_text()
    assert page.get_by_test_id("publish").count() == 0
    shot(page, "assessment-7-published")
    with page.expect_download() as info:
        page.get_by_test_id("bulletin-docx").click()
    download = info.value
    from tests.browser.conftest import ARTIFACTS

    target = ARTIFACTS / "assessment-bulletin.docx"
    download.save_as(str(target))
    from docx import Document

    doc = Document(io.BytesIO(target.read_bytes()))
    assert doc.paragraphs[0].text == "中共沿河土家族自治县委组织部"
    assert len(doc.tables[-1].rows) == 1 + 6

    # 5. The cadre appeals its supervision score.
    cadre_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    cadre_page = cadre_context.new_page()
    login(cadre_page, "tdw_cadre", PASSWORD)
    cadre_page.goto(f"{live_server.url}/assessment/")
    cadre_page.get_by_test_id("my-result").first.click()
    cadre_page.wait_for_load_state()
    cadre_page.get_by_test_id("score-plan.plan").click()
    cadre_page.get_by_test_id("appeal").click()
    cadre_page.fill("textarea[name=reason]", "规划已于本季度经村民代表大会讨论通过，请复核。")
    cadre_page.get_by_test_id("submit").click()
    cadre_page.wait_for_load_state()
    status = cadre_page.get_by_test_id("appeal-status").inner_text()
    assert "待处理" in status and "请复核" in status
    shot(cadre_page, "assessment-8-appeal")
    cadre_context.close()

    from minxin.assessment.models import Appeal

    assert Appeal.objects.get().filed_by == w.users["tdw_cadre"]


def test_use_of_results_and_pledge_audiences_on_desktop_and_phone(browser, browser_world, live_server, login, shot):
    """The county list of the use of results and a pledge's four audiences, read and recorded."""
    from tests.assessment.world import assessment_world
    from tests.browser.conftest import PHONE

    a = assessment_world(browser_world)
    pledge = a.pledges["tdw"]
    for name, viewport in (("desktop", {"width": 1366, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        login(page, "tdw_admin", PASSWORD)
        page.goto(f"{live_server.url}/assessment/consequences/")
        rows = page.get_by_test_id("consequences").inner_text()
        assert browser_world.cadres["tdw"][0].name in rows and browser_world.cadres["gz"][0].name not in rows
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot(page, f"assessment-consequences-{name}")
        page.goto(f"{live_server.url}/assessment/pledges/{pledge.pk}/")
        if name == "desktop":
            form = page.get_by_test_id("deliver-form")
            form.locator("select[name=audience]").select_option("township")
            form.locator("button").click()
            page.wait_for_load_state()
        audiences = page.get_by_test_id("pledge-audiences").inner_text()
        assert "乡镇党委" in audiences and "已报送" in audiences and "已公示" in audiences
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot(page, f"assessment-pledge-audiences-{name}")
        context.close()


def test_the_prefecture_reads_each_countys_quarter_on_a_phone_and_a_desktop(browser, small_prefecture, live_server,
                                                                             login, shot):
    """In a prefecture's database, Sinan's county administrator runs its own quarter beside Yanhe's;
    the city's supervisor lists both, with their counties, and opens Sinan's."""
    from minxin.accounts.models import User
    from minxin.accounts.roles import Role
    from minxin.assessment import services
    from minxin.demo.accounts import DEMO_PASSWORD
    from minxin.demo.assessment import last_complete_quarter

    window = last_complete_quarter(timezone.localdate())
    sinan_admin = User.objects.create(username="sinan_admin", role=Role.COUNTY_ADMIN, scope_id="520624000000")
    services.period_publish(actor=sinan_admin, period=services.period_assess(actor=sinan_admin, quarter=window.code))
    for name, viewport in (("desktop", {"width": 1366, "height": 900}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, "city", DEMO_PASSWORD)
        page.goto(f"{live_server.url}/assessment/")
        periods = page.get_by_test_id("periods").inner_text()
        assert "思南县" in periods and "沿河土家族自治县" in periods
        shot(page, f"assessment-prefecture-{name}")
        page.locator(f"a[href='/assessment/periods/520624/{window.code}/']").click()
        page.wait_for_load_state()
        assert f"思组通〔{window.year}〕1号" in page.get_by_test_id("period-status").inner_text()
        assert page.get_by_test_id("ranking").inner_text().strip()
        # Not wider than the screen: the ranking scrolls inside its own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot(page, f"assessment-prefecture-period-{name}")
        context.close()
