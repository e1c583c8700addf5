"""Disputes and petitions in a real browser (issue 16): a cadre files a case from a visit, takes it
through the five early steps and prints the agreement; the township sees the overdue list and
escalates; the inbox shows a due petition and clears it once handled — on a desktop and a phone."""

import datetime
import zipfile

from django.utils import timezone

from tests.browser.conftest import PHONE
from tests.world import PASSWORD


def _ago(days):
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def _take(page, step, **fields):
    if page.locator(f"#step-{step}").get_attribute("open") is None:  # a later step's card is folded
        page.locator(f"#step-{step} > summary").click()
    form = page.get_by_test_id(f"step-{step}")
    for name, value in fields.items():
        target = form.locator(f"[name={step}-{name}]")
        if target.evaluate("el => el.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.get_by_role("button").click()
    page.wait_for_load_state()


def test_a_cadre_files_a_case_from_a_visit_resolves_it_and_prints_the_agreement(
        browser_world, live_server, page, login, shot):
    w = browser_world
    visit, registered = w.fieldwork["tdw"]["visit"], w.registry["tdw"]["household"]
    login(page, "tdw_cadre", PASSWORD)
    page.goto(f"{live_server.url}/fieldwork/visits/{visit.pk}/")
    page.get_by_test_id("dispute-from-source").click()
    assert page.input_value("input[name=first_household]") == visit.household.number  # from the visit
    page.fill("input[name=title]", "院坝排水纠纷")
    page.select_option("select[name=category]", "neighbour")
    page.select_option("select[name=risk]", "orange")
    page.fill("input[name=arose_on]", _ago(3))
    page.fill("input[name=reported_on]", _ago(2))
    page.fill("input[name=first_name]", registered.head_name)
    page.fill("input[name=first_household]", registered.number)
    page.fill("input[name=second_name]", "邻居赵六")
    page.fill("input[name=second_phone]", "13900001111")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "院坝排水纠纷" in page.inner_text("h1") and "139****1111" in page.content()
    _take(page, "assign", mediator="村调委会 王主任", done_on=_ago(2))
    assert page.get_by_test_id("step-resolve").count() == 0  # not offered before its turn
    _take(page, "prevent", done_on=_ago(1), note="劝双方先疏通排水沟")
    _take(page, "investigate", done_on=_ago(1), note="查明堵塞原因")
    _take(page, "resolve", done_on=_ago(0), result="success", note="现场调解成功", agreement="written",
          agreement_terms="甲方疏通排水沟并赔偿菜苗损失", amount="300")
    assert "调解成功" in page.get_by_test_id("result").inner_text()
    assert page.locator(".mx-steps li.done").count() == 5
    shot(page, "dispute-desktop")
    with page.expect_download() as info:
        page.get_by_test_id("agreement-docx").click()
    with zipfile.ZipFile(info.value.path()) as docx:
        text = docx.read("word/document.xml").decode()
    assert "人民调解协议书" in text and "甲方疏通排水沟并赔偿菜苗损失" in text
    page.goto(f"{live_server.url}/fieldwork/visits/{visit.pk}/")
    assert "院坝排水纠纷" in page.get_by_test_id("source-disputes").inner_text()  # the visit links back
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/disputes/cases/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "dispute-list-phone")
    page.get_by_role("link", name="院坝排水纠纷").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "dispute-phone")


def test_the_township_sees_the_overdue_list_and_escalates(browser_world, live_server, page, login, shot):
    from minxin.disputes import services_case
    from minxin.disputes.services_case import Party

    w = browser_world
    today = timezone.localdate()
    services_case.dispute_open(
        actor=None, village=w.village("tdw"), title="山林权属纠纷", summary="两个组争议林地", intake="application",
        category="forest", risk="red", arose_on=today - datetime.timedelta(days=41),
        reported_on=today - datetime.timedelta(days=40), parties=[Party(side="first", name="一组"),
                                                                  Party(side="second", name="二组")])
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/disputes/overdue/")
    township = page.get_by_test_id("overdue-township")
    assert "山林权属纠纷" in township.inner_text() and "已超期" in township.inner_text()
    shot(page, "disputes-overdue")
    township.get_by_role("link", name="山林权属纠纷").click()
    _take(page, "escalate", note="涉及两个村民小组，村级调解不成")
    assert "上报乡镇" in page.content() and page.get_by_test_id("step-escalate").count() == 0
    _take(page, "assign", mediator="乡司法所 李所长")  # the township takes the case from here
    assert "乡司法所 李所长" in page.content()
    page.set_viewport_size(PHONE)
    page.reload()  # an open case on a phone: its edit link and the folded party form fit
    assert page.get_by_test_id("dispute-edit").count() == 1 and page.get_by_test_id("party-add").count() == 1
    page.locator("[data-testid=party-add] > summary").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "dispute-open-phone")
    page.goto(f"{live_server.url}/disputes/overdue/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "disputes-overdue-phone")


def test_the_inbox_shows_a_due_petition_and_clears_it_once_handled(browser_world, live_server, page, login, shot):
    from minxin.disputes import services_petition

    w = browser_world
    services_petition.petition_register(
        actor=None, region=w.village("tdw"), petitioner="李四", phone="13712345678", channel="letter",
        nature="demand", title="要求解决饮水困难", content="组里自来水停了", received_on=timezone.localdate()
        - datetime.timedelta(days=10))
    login(page, "tdw_admin", PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/me/todo/")
    assert "要求解决饮水困难：决定是否受理" in page.content()
    shot(page, "todo-petition-phone")
    page.get_by_role("link", name="要求解决饮水困难：决定是否受理").click()
    assert "137****5678" in page.content()
    _take(page, "accept", handler="乡水务站", note="属本级职责")
    assert "已受理，办理中" in page.content()
    shot(page, "petition-phone")
    page.goto(f"{live_server.url}/accounts/me/todo/")
    assert "要求解决饮水困难" not in page.content()
