"""The disputes module through its pages and API: a case filed from a visit, its steps, its Word
documents, the overdue list per township, reveals, exports, and the to-do items each owes."""

import datetime
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minxin.core import todo
from minxin.core.audit import AuditEvent
from minxin.disputes import services_case, services_petition
from minxin.disputes.models import Dispute, Petition
from minxin.disputes.services_case import Party
from tests.sealed import plain

pytestmark = pytest.mark.django_db


def _ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        return docx.read("word/document.xml").decode()


def test_a_cadre_files_a_case_from_a_visit_takes_its_steps_and_prints_the_agreement(world, client):
    cadre = world.users["tdw_cadre"]
    visit = world.fieldwork["tdw"]["visit"]
    household, registered = visit.household, world.registry["tdw"]["household"]
    client.force_login(cadre)
    form = client.get(reverse("disputes:dispute-new") + f"?visit={visit.pk}").content.decode()
    assert f'value="{household.number}"' in form and visit.notes in form
    response = client.post(reverse("disputes:dispute-new") + f"?visit={visit.pk}", {
        "village": visit.village_id, "title": "院坝排水纠纷", "category": "neighbour", "risk": "yellow",
        "intake": "active", "arose_on": _ago(2), "reported_on": _ago(1), "summary": "排水沟堵塞淹了邻居菜地",
        "first_name": registered.head_name, "first_household": registered.number,
        "second_name": "邻居赵六", "second_phone": "13900001111"})
    dispute = Dispute.objects.get(title="院坝排水纠纷")
    assert response.status_code == 302 and dispute.source_visit == visit
    assert dispute.parties.get(side="first").member.household == registered
    page = client.get(reverse("disputes:dispute-detail", args=[dispute.pk])).content.decode()
    assert "139****1111" in page and "13900001111" not in page and 'data-testid="source-link"' in page
    for step, data in (("assign", {"mediator": "村调委会 王"}), ("prevent", {"note": "劝双方先疏通"}),
                       ("investigate", {"note": "查明堵塞原因"}),
                       ("resolve", {"result": "success", "note": "调解成功", "agreement": "written",
                                    "agreement_terms": "甲方疏通排水沟并赔偿菜苗", "amount": "200"})):
        fields = {f"{step}-{key}": value for key, value in {"done_on": timezone.localdate(), **data}.items()}
        assert client.post(reverse("disputes:dispute-detail", args=[dispute.pk]), {"step": step, **fields}
                           ).status_code == 302
    dispute.refresh_from_db()
    assert dispute.state == "resolved" and str(dispute.amount) == "200.00"
    agreement = client.get(reverse("disputes:dispute-document", args=[dispute.pk, "agreement"]))
    text = _docx_text(agreement.content)
    assert agreement["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "人民调解协议书" in text and "甲方疏通排水沟并赔偿菜苗" in text and "200.00" in text
    head = dispute.parties.get(side="first").member
    assert plain(head) not in text and plain(head)[-4:] in text and "139****1111" in text
    case_file = _docx_text(client.get(reverse("disputes:dispute-document", args=[dispute.pk, "file"])).content)
    assert "矛盾纠纷调解案卷" in case_file and "早部署" in case_file and "村调委会 王" in case_file
    assert client.get(reverse("disputes:dispute-document", args=[dispute.pk, "other"])).status_code == 404


def test_a_step_refused_shows_its_rule_on_the_form_and_changes_nothing(world, client):
    dispute = world.disputes["tdw"]["dispute"]
    client.force_login(world.users["tdw_clerk"])
    response = client.post(reverse("disputes:dispute-detail", args=[dispute.pk]), {
        "step": "assign", "assign-done_on": _ago(30), "assign-mediator": "王"})
    assert response.status_code == 400 and "不能早于上一环节的日期" in response.content.decode()
    posted = client.post(reverse("disputes:dispute-detail", args=[dispute.pk]), {
        "step": "resolve", "resolve-done_on": timezone.localdate(), "resolve-result": "success"}, follow=True)
    assert "现在不能办理" in posted.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).state == "reported"
    client.force_login(world.users["county_auditor"])  # reads, never acts
    assert client.post(reverse("disputes:dispute-detail", args=[dispute.pk]), {"step": "assign"}).status_code == 403
    assert 'data-testid="step-assign"' not in client.get(reverse("disputes:dispute-detail", args=[dispute.pk])
                                                         ).content.decode()


def test_the_township_sees_its_overdue_cases_and_escalates_one(world, client):
    late = services_case.dispute_open(
        actor=None, village=world.village("tdw"), title="山林权属纠纷", summary="争议林地", intake="application",
        category="forest", risk="red", arose_on=_ago(45), reported_on=_ago(40),
        parties=[Party(side="first", name="甲"), Party(side="second", name="乙")])
    services_case.dispute_open(
        actor=None, village=world.village("gz"), title="舟外超期纠纷", summary="x", intake="active", category="other",
        risk="blue", arose_on=_ago(45), reported_on=_ago(40), parties=[Party(side="first", name="丙")])
    client.force_login(world.users["tdw_admin"])
    page = client.get(reverse("disputes:overdue")).content.decode()
    assert "山林权属纠纷" in page and "舟外超期纠纷" not in page and "已超期" in page
    assert "山林权属纠纷" in client.get(reverse("disputes:dispute-list") + "?overdue=1").content.decode()
    client.post(reverse("disputes:dispute-detail", args=[late.pk]), {
        "step": "escalate", "escalate-done_on": timezone.localdate(), "escalate-note": "涉及两个组，村里调不下来"})
    late.refresh_from_db()
    assert late.level == "township"
    assert [i.url for i in todo.inbox(world.users["tdw_admin"]) if i.kind == "disputes.case"] == [
        reverse("disputes:dispute-detail", args=[late.pk])]
    assert not [i for i in todo.inbox(world.users["tdw_clerk"]) if i.kind == "disputes.case"]


def test_a_due_petition_waits_in_the_inbox_until_answered(world, client):
    petition = world.disputes["tdw"]["petition"]
    Petition.objects.filter(pk=petition.pk).update(due_on=_ago(-3), handling_due=_ago(-3))
    township = world.users["tdw_admin"]
    (item,) = [i for i in todo.inbox(township) if i.kind == "disputes.petition"]
    assert item.due == _ago(-3) and "办理并答复" in item.title
    assert not [i for i in todo.inbox(world.users["gz_admin"]) if i.kind == "disputes.petition"]
    assert not [i for i in todo.inbox(world.users["tdw_clerk"]) if i.kind == "disputes.petition"]
    services_petition.petition_step(actor=township, petition=petition, step="reply", done_on=timezone.localdate(),
                                    result="supported", note="已列入明年计划")
    assert not [i for i in todo.inbox(township) if i.kind == "disputes.petition"]


def test_the_inbox_costs_the_same_queries_for_one_item_or_many(world):
    township = world.users["tdw_admin"]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            todo.inbox(township)
            todo.total(township)
        return len(captured)

    one = queries()
    for n in range(6):
        case = services_case.dispute_open(
            actor=None, village=world.village("tdw"), title=f"纠纷{n}", summary="x", intake="active",
            category="other", risk="blue", arose_on=_ago(40), reported_on=_ago(40),
            parties=[Party(side="first", name="甲")])
        services_case.dispute_step(actor=None, dispute=case, step="escalate", done_on=_ago(39), note="上报")
        services_petition.petition_register(actor=None, region=world.village("tdw"), petitioner="乙", channel="visit",
                                            nature="demand", title=f"信访{n}", content="x", received_on=_ago(20))
    assert len([i for i in todo.inbox(township) if i.kind in ("disputes.case", "disputes.petition")]) == 12
    assert queries() == one


def test_reveals_are_logged_and_the_exports_mask_phones(world, client):
    dispute, party = world.disputes["tdw"]["dispute"], world.disputes["tdw"]["party"]
    client.force_login(world.users["tdw_clerk"])
    assert client.post(reverse("disputes:party-reveal", args=[dispute.pk, party.pk])).status_code == 403
    client.force_login(world.users["tdw_admin"])
    revealed = client.post(reverse("disputes:party-reveal", args=[dispute.pk, party.pk])).content.decode()
    assert "13912345678" in revealed
    event = AuditEvent.objects.get(action="reveal.phone", object_id=str(party.pk))
    assert "12345678" not in str(event.after)
    sheet = client.get(reverse("disputes:petition-list") + "?format=xlsx")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)), read_only=True)
    strings = str([list(row) for row in book.active.iter_rows(values_only=True)])
    assert world.disputes["tdw"]["petition"].title in strings and world.disputes["gz"]["petition"].title not in strings
    assert "13712345678" not in strings


def test_the_api_files_a_case_refuses_a_step_out_of_order_and_lists_in_scope(world, client):
    client.force_login(world.users["tdw_clerk"])
    member = world.registry["tdw"]["member"]
    created = client.post("/api/v1/disputes", {
        "village": world.village("tdw").code, "title": "API纠纷", "summary": "x", "intake": "active",
        "category": "family", "risk": "blue", "arose_on": str(_ago(1)), "reported_on": str(_ago(1)),
        "parties": [{"side": "first", "member_id": member.pk}, {"side": "second", "name": "外人", "phone": "13900002222"}]},
        content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["parties"][1]["phone"] == "139****2222" and body["steps"][0]["step"] == "report"
    refused = client.post(f"/api/v1/disputes/{body['id']}/steps", {"step": "resolve", "done_on": str(_ago(0))},
                          content_type="application/json")
    assert refused.status_code == 400 and "依次办理" in refused.json()["error"]["message"]
    listed = client.get("/api/v1/disputes").json()
    assert {row["title"] for row in listed["items"]} == {"API纠纷", world.disputes["tdw"]["dispute"].title}
    outside = client.post("/api/v1/disputes", {**{"village": world.village("gz").code}, "title": "x", "summary": "x",
                                               "intake": "active", "category": "family", "risk": "blue",
                                               "arose_on": str(_ago(1)), "reported_on": str(_ago(1)),
                                               "parties": [{"side": "first", "name": "甲"}]},
                          content_type="application/json")
    assert outside.status_code == 404
    bad_choice = client.post("/api/v1/disputes", {
        "village": world.village("tdw").code, "title": "x", "summary": "x", "intake": "active", "category": "家务事",
        "risk": "blue", "arose_on": str(_ago(1)), "reported_on": str(_ago(1)), "parties": [{"side": "first", "name": "甲"}]},
        content_type="application/json")
    assert bad_choice.status_code == 400
    assert bad_choice.json()["error"]["details"] == [{"field": "category", "message": bad_choice.json()["error"]["message"]}]
    petition = client.post("/api/v1/petitions", {
        "region": world.village("tdw").code, "petitioner": "王", "channel": "online", "nature": "suggestion",
        "title": "API信访", "content": "建议", "received_on": str(_ago(0))}, content_type="application/json")
    assert petition.status_code == 201 and petition.json()["due_on"] == str(_ago(-15))
    client.force_login(world.users["tdw_admin"])
    early_reply = client.post(f"/api/v1/petitions/{petition.json()['id']}/steps",
                              {"step": "reply", "done_on": str(_ago(0)), "result": "supported", "note": "好"},
                              content_type="application/json")
    assert early_reply.status_code == 400 and "须先受理" in early_reply.json()["error"]["message"]


def test_hostile_input_is_a_clear_4xx_and_changes_nothing(world, client):
    client.force_login(world.users["tdw_clerk"])
    dispute = world.disputes["tdw"]["dispute"]
    before = (Dispute.objects.count(), Petition.objects.count(), dispute.steps.count())
    base = {"village": world.village("tdw").code, "title": "x", "summary": "x", "intake": "active",
            "category": "family", "risk": "blue", "arose_on": str(_ago(1)), "reported_on": str(_ago(1)),
            "parties": [{"side": "first", "name": "甲"}]}
    for bad in ({"title": "纠纷\x00"}, {"arose_on": "2026-02-30"}, {"risk": "purple"}, {"reported_on": "9999-12-31"},
                {"parties": [{"side": "third", "name": "甲"}]}, {"parties": [{"side": "first", "name": "甲" * 65}]},
                {"village": "52062710620"}, {"summary": "长" * 5001}):
        response = client.post("/api/v1/disputes", {**base, **bad}, content_type="application/json")
        assert 400 <= response.status_code < 500 and "error" in response.json(), (bad, response.status_code)
    for bad in ({"amount": "1e20"}, {"amount": "-5"}, {"step": "report"}, {"step": "x" * 40},
                {"done_on": "2026-13-01"}):
        body = {"step": "assign", "done_on": str(_ago(0)), "mediator": "王", **bad}
        response = client.post(f"/api/v1/disputes/{dispute.pk}/steps", body, content_type="application/json")
        assert 400 <= response.status_code < 500 and "error" in response.json(), (bad, response.status_code)
    page = client.post(reverse("disputes:dispute-new"), {
        "village": world.village("tdw").code, "title": "纠纷", "category": "family", "risk": "blue",
        "intake": "active", "arose_on": "2026-02-30", "reported_on": _ago(1), "summary": "x", "first_name": "甲"})
    assert page.status_code == 200 and "is-invalid" in page.content.decode()
    page = client.post(reverse("disputes:dispute-new"), {
        "village": world.village("tdw").code, "title": "纠纷\x00", "category": "family", "risk": "blue",
        "intake": "active", "arose_on": str(_ago(1)), "reported_on": _ago(1), "summary": "x", "first_name": "甲"})
    assert page.status_code == 400 and "NUL" in page.content.decode()
    for guess in ("99999999999999999999999", "1e3", "-1"):
        assert client.get(reverse("disputes:dispute-new") + f"?visit={guess}").status_code == 404
    assert client.post(reverse("disputes:dispute-detail", args=[dispute.pk]), {"step": "\x00"}).status_code == 400
    assert client.post(reverse("disputes:dispute-detail", args=[dispute.pk]), {"step": "x" * 40},
                       follow=True).status_code == 200
    assert (Dispute.objects.count(), Petition.objects.count(), dispute.steps.count()) == before


def test_a_party_drawn_in_later_is_added_while_the_case_is_open(world, client):
    dispute = world.disputes["tdw"]["dispute"]
    url = reverse("disputes:party-add", args=[dispute.pk])
    client.force_login(world.users["county_auditor"])
    assert client.post(url, {"side": "second", "name": "王五"}).status_code == 403
    client.force_login(world.users["tdw_clerk"])
    page = client.post(url, {"side": "second", "name": "邻居王五", "phone": "13800005555"}, follow=True)
    assert "当事人已添加" in page.content.decode() and "138****5555" in page.content.decode()
    assert plain(dispute.parties.get(name="邻居王五"), "phone") == "13800005555"
    event = AuditEvent.objects.get(action="dispute.party_add", object_id=str(dispute.pk))
    assert event.after["parties"][0]["phone"] == "138****5555"
    refused = client.post(url, {"side": "second", "name": "外人", "household": "NOPE"}, follow=True)
    assert "户编号 NOPE 中没有名为“外人”的成员" in refused.content.decode()
    Dispute.objects.filter(pk=dispute.pk).update(state="resolved")
    closed = client.post(url, {"side": "second", "name": "迟来的人"}, follow=True)
    assert "不再添加当事人" in closed.content.decode() and not dispute.parties.filter(name="迟来的人").exists()


def test_the_household_page_lists_the_cases_its_members_are_parties_to(world, client):
    household = world.registry["tdw"]["household"]
    client.force_login(world.users["tdw_admin"])
    page = client.get(reverse("registry:household-detail", args=[household.pk])).content.decode()
    assert 'data-testid="household-disputes"' in page and world.disputes["tdw"]["dispute"].title in page
    other = world.fieldwork["tdw"]["households"][0]  # no member of it is a party
    assert 'data-testid="household-disputes"' not in client.get(
        reverse("registry:household-detail", args=[other.pk])).content.decode()
