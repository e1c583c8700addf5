"""The party branch in a real browser (issue 17): a branch is refused moving an activist whose year
is not up to development target — the rule quoted on the form — and then moves one whose year is up,
on a phone; the county sees which branches are weak, why, and how each rectification is going."""

import datetime

from django.utils import timezone

from minxin.party import services_case
from minxin.party.models import Case, Step
from tests.browser.conftest import PHONE
from tests.world import PASSWORD


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_branch_cannot_make_a_target_before_the_year_is_up(browser_world, live_server, page, login, shot):
    w = browser_world
    party = w.party["tdw"]
    today = timezone.localdate()
    young = party["people"]["青年"]
    early = services_case.case_open(actor=None, branch=party["branch"], person=young,
                                    applied_on=today - datetime.timedelta(days=200))
    for kind, days in ((Step.Kind.TALK, 190), (Step.Kind.ACTIVIST, 180), (Step.Kind.REVIEW, 5)):
        services_case.step_record(actor=None, case=early, kind=kind, on=today - datetime.timedelta(days=days))
    page.set_viewport_size(PHONE)
    login(page, "tdw_cadre", PASSWORD)
    page.goto(f"{live_server.url}/party/cases/{early.pk}/")
    page.get_by_test_id("step-target").click()
    page.get_by_label(party["members"][0].name, exact=False).first.check()
    page.get_by_label(party["members"][1].name, exact=False).first.check()
    page.get_by_test_id("submit").click()
    feedback = page.locator(".invalid-feedback, .alert-danger").first
    feedback.wait_for()
    text = page.inner_text(".card-body form")
    assert "12 个月以上培养教育和考察方可列为发展对象" in text and "依据" in text
    _fits(page)
    shot(page, "party-target-refused-phone")
    assert Case.objects.get(pk=early.pk).stage == Case.Stage.ACTIVIST

    case = party["case"]  # an activist for more than a year, with two reviews
    page.goto(f"{live_server.url}/party/cases/{case.pk}/")
    page.get_by_test_id("step-target").click()
    for member in party["members"][:2]:
        page.get_by_label(member.name, exact=False).first.check()
    page.get_by_test_id("submit").click()
    page.get_by_test_id("stage").wait_for()
    assert "发展对象" in page.get_by_test_id("stage").inner_text()
    assert "确定为发展对象" in page.get_by_test_id("steps").inner_text()
    _fits(page)
    shot(page, "party-case-phone")
    assert Case.objects.get(pk=case.pk).stage == Case.Stage.TARGET


def test_the_county_sees_which_branches_are_weak_why_and_how_rectification_goes(browser_world, live_server, page,
                                                                                  login, shot):
    w = browser_world
    login(page, "county_admin", PASSWORD)
    page.goto(f"{live_server.url}/party/warnings/?level=2")
    listing = page.get_by_test_id("warning-list").inner_text()
    assert "坳村党支部" in listing and "舟村党支部" in listing and "长期未发展党员" in listing and "坳信访苗头" in listing
    shot(page, "party-warnings-desktop")
    page.get_by_role("link", name="土地坳镇 坳村党支部").click()
    facts = page.get_by_test_id("warning-facts")
    facts.wait_for()
    assert "2 级预警" in facts.inner_text() and "近 2 年未确定发展对象" in facts.inner_text()
    assert page.locator("[data-testid=calendar] [data-state]").count() >= 12 + 12 + 12 + 4 + 4 + 1 + 1
    shot(page, "party-branch-desktop")
    page.goto(f"{live_server.url}/party/rectifications/")
    assert "销号 0/1" in page.get_by_test_id("rect-table").inner_text()
    page.goto(f"{live_server.url}/party/rectifications/{w.party['tdw']['rect'].pk}/")
    assert "坳本月进展" in page.get_by_test_id("progress").inner_text()
    page.get_by_test_id("sign-off").click()
    page.get_by_test_id("items").wait_for()
    assert "已销号" in page.get_by_test_id("items").inner_text()
    page.get_by_test_id("accept").click()
    page.fill("input[name=score]", "65")
    page.fill("input[name=respondents]", "40")
    page.fill("input[name=dissatisfied]", "4")
    page.get_by_test_id("submit").click()
    page.locator(".invalid-feedback").first.wait_for()
    assert "低于 70 分" in page.inner_text(".card-body form")
    page.fill("input[name=score]", "82")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("acceptance").wait_for()
    assert "验收通过：82.0 分" in page.get_by_test_id("acceptance").inner_text()
    page.set_viewport_size(PHONE)
    for path in ("/party/", "/party/warnings/", "/party/rectifications/", "/party/cases/", "/party/reserves/",
                 "/party/sites/", f"/party/{w.party['tdw']['branch'].pk}/",
                 f"/party/rectifications/{w.party['tdw']['rect'].pk}/"):
        page.goto(f"{live_server.url}{path}")
        _fits(page)
    shot(page, "party-rect-phone")
    page.goto(f"{live_server.url}/party/{w.party['tdw']['branch'].pk}/")
    shot(page, "party-branch-phone")
