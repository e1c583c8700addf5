"""The fund's pages, documents, public notice, inbox, indicators and API (issue 15.2, 15.5, 15.6):
the whole path through the pages, what each role may do, money forms posting once, the public page
without identifiers, the .docx and .xlsx, and the industry heart against hand counts."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minxin.assessment import engine
from minxin.assessment import services as assessment
from minxin.assessment.window import Window
from minxin.cadres.models import Assignment
from minxin.core import todo
from minxin.fund import services, services_grant
from minxin.fund.models import Application, Contribution, Tranche
from minxin.fund.rules import CHECKLIST_CODES
from minxin.ledger.models import Transaction
from tests.fund.world import apply
from tests.sealed import plain

pytestmark = pytest.mark.django_db
TOP = {"feasibility": 5, "effect": 4, "sustainability": 4, "budget": 3}


def _today():
    return timezone.localdate()


def _step(client, application, step, **data):
    return client.post(reverse("fund:application-detail", args=[application.pk]),
                       {"step": step, **{f"{step}-{key}": value for key, value in data.items()}})


def test_the_path_through_the_pages_from_application_to_tranche(world, as_user):
    clerk = as_user(world.users["tdw_clerk"])
    response = clerk.post(reverse("fund:application-new"), {
        "village": world.village("tdw").code, "title": "五七村食用菌大棚", "beneficiary": "village", "household": "",
        "kind": "productive", "beneficiaries": "25", "plan": "建大棚 10 个", "mechanism": "贫困户务工和分红",
        "targets": "户均增收 2000 元", "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
        "lines-0-category": "facilities", "lines-0-item": "钢架大棚 10 个", "lines-0-amount": "60000",
        "lines-1-category": "vehicles", "lines-1-item": "三轮车", "lines-1-amount": "8000"})
    assert response.status_code == 200 and "第 2 条预算“三轮车”属于负面清单" in response.content.decode()
    assert not Application.objects.filter(title="五七村食用菌大棚").exists()
    response = clerk.post(reverse("fund:application-new"), {
        "village": world.village("tdw").code, "title": "五七村食用菌大棚", "beneficiary": "village", "household": "",
        "kind": "productive", "beneficiaries": "25", "plan": "建大棚 10 个", "mechanism": "贫困户务工和分红",
        "targets": "户均增收 2000 元", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-0-category": "facilities", "lines-0-item": "钢架大棚 10 个", "lines-0-amount": "60000"})
    application = Application.objects.get(title="五七村食用菌大棚")
    assert response.status_code == 302 and application.requested_fen == 60000_00
    assert _step(clerk, application, "submit", on=_today().isoformat()).status_code == 302
    township = as_user(world.users["tdw_admin"])
    checks = {f"pass_{code}": "on" for code in CHECKLIST_CODES}
    assert _step(township, application, "check", on=_today().isoformat(), **checks).status_code == 302
    county = as_user(world.users["county_admin"])
    assert _step(county, application, "notice", on=_today().isoformat()).status_code == 302
    public = county.get(reverse("fund-public:notice", args=[world.village("tdw").code])).content.decode()
    assert "五七村食用菌大棚" in public and "60,000.00" in public
    assert _step(county, application, "draw").status_code == 302
    application.refresh_from_db()
    assert application.state == "notice" and application.seats.count() == 5
    response = _step(county, application, "decide", on=_today().isoformat(), approve="yes", amount="60000",
                     direction="同意", idempotency_key="d1")
    assert response.status_code == 400 and "公示期满后才能作出决定" in response.content.decode()
    for seat in application.seats.select_related("expert__user"):
        if seat.expert.user is None:
            seat.expert.user = world.users["expert"].__class__.objects.create(
                username=f"x{seat.pk}", role="expert", scope_id="520627000000")
            seat.expert.save()
        services_grant.score_submit(actor=seat.expert.user, application=application, levels=TOP)
    Application.objects.filter(pk=application.pk).update(notice_until=_today() - datetime.timedelta(days=1))
    assert _step(county, application, "decide", on=_today().isoformat(), approve="yes", amount="50000",
                 direction="同意，按方案实施", idempotency_key="d1").status_code == 302
    assert _step(county, application, "decide", on=_today().isoformat(), approve="yes", amount="50000",
                 direction="同意，按方案实施", idempotency_key="d1").status_code == 302  # a resend: once
    application.refresh_from_db()
    assert application.state == "approved" and application.approved_fen == 50000_00
    docx = county.get(reverse("fund:decision-document", args=[application.pk]))
    text = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert "同意支持该项目" in text and "50,000.00" in text
    Application.objects.filter(pk=application.pk).update(decision_notice_until=_today() - datetime.timedelta(days=1))
    page = county.get(reverse("fund:application-detail", args=[application.pk])).content.decode()
    assert 'value="25000.00"' in page or 'value="25000.0"' in page  # the advance's planned half
    for _ in range(2):
        response = _step(county, application, "tranche", stage="advance", amount="25000", paid_on=_today().isoformat(),
                         voucher="拨-1", idempotency_key="t1")
        assert response.status_code == 302
    assert Tranche.objects.filter(application=application).count() == 1
    response = _step(county, application, "tranche", stage="completion", amount="25000.01",
                     paid_on=_today().isoformat(), idempotency_key="t2")
    assert response.status_code == 400 and "累计拨付不能超过 45000.00 元" in response.content.decode()  # 10 % held back
    statement = county.get(reverse("fund:overview")).content.decode()
    assert "150,000.00" in statement  # 200,000 − 50,000 available


def test_what_each_role_may_do_on_an_application(world, as_user):
    application = world.fund["tdw"]["application"]
    clerk = as_user(world.users["tdw_clerk"])
    assert _step(clerk, application, "decide", on=_today().isoformat(), approve="yes", amount="1",
                 direction="x").status_code == 403
    page = clerk.get(reverse("fund:application-detail", args=[application.pk])).content.decode()
    assert "评审专家甲" not in page and "专家 1" in page  # experts' names are the county's
    expert = as_user(world.users["expert"])
    assert expert.get(reverse("fund:application-detail", args=[application.pk])).status_code == 302
    assert expert.get(reverse("fund:score", args=[application.pk])).status_code == 200
    assert expert.get(reverse("fund:contribution-list")).status_code == 403
    assert expert.get(reverse("registry:household-list")).status_code == 403
    other = apply(world, "tdw", title="不在专家评审范围")
    assert expert.get(reverse("fund:score", args=[other.pk])).status_code == 403
    response = expert.post(reverse("fund:score", args=[application.pk]),
                           {"level_feasibility": "5", "level_effect": "9", "level_sustainability": "4",
                            "level_budget": "3"})
    assert response.status_code == 200 and application.seats.filter(scored_at__isnull=False).count() == 0
    response = expert.post(reverse("fund:score", args=[application.pk]),
                           {"level_feasibility": "5", "level_effect": "4", "level_sustainability": "4",
                            "level_budget": "3", "comment": "可行"})
    assert response.status_code == 302
    assert expert.post(reverse("fund:score", args=[application.pk]), {"level_feasibility": "1"}).status_code == 403
    assert as_user(world.users["tdw_liaison"]).get(reverse("fund:overview")).status_code == 403


def test_the_public_notice_shows_no_identifier(world, client):
    household = world.registry["tdw"]["household"]
    application = apply(world, "tdw", title="贫困户养羊", household=household)
    services.notice_start(actor=None, application=application, on=_today())
    page = client.get(reverse("fund-public:notice", args=[world.village("tdw").code])).content.decode()
    assert "贫困户养羊" in page and f"{household.head_name[0]}某户" in page
    assert household.head_name not in page and household.number not in page
    for member in household.members.all():
        assert plain(member) not in page and member.name not in page
    assert client.get(reverse("fund-public:notice", args=["520627106299"])).status_code == 404
    assert client.get(reverse("fund-public:notice", args=["abc"])).status_code == 404
    assert client.get(reverse("fund-public:notice", args=["abc\x00"])).status_code == 400  # a NUL: refused first
    assert client.post(reverse("fund-public:notice", args=[world.village("tdw").code])).status_code == 405


def test_contributions_form_export_and_statement(world, as_user):
    county = as_user(world.users["county_admin"])
    data = {"source": "government", "donor": "县财政局", "amount": "50000", "received_on": _today().isoformat(),
            "receipt_no": "CZ-1", "memo": "", "idempotency_key": "k1"}
    assert county.post(reverse("fund:contribution-list"), data).status_code == 302
    assert county.post(reverse("fund:contribution-list"), data).status_code == 302
    assert Contribution.objects.filter(receipt_no="CZ-1").count() == 1
    response = county.post(reverse("fund:contribution-list"), {**data, "receipt_no": "CZ-2", "amount": "-3",
                                                               "idempotency_key": "k2"})
    assert response.status_code == 200 and not Contribution.objects.filter(receipt_no="CZ-2").exists()
    sheet = load_workbook(io.BytesIO(b"".join(county.get(reverse("fund:contribution-list") + "?format=xlsx")
                                              .streaming_content))).active
    assert sorted(row[3] for row in list(sheet.iter_rows(values_only=True))[1:]) == [50000, 200000]
    docx = county.get(reverse("fund:overview") + "?format=docx")
    text = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert "精准扶贫基金收支情况表" in text and "250,000.00" in text
    assert as_user(world.users["tdw_admin"]).post(reverse("fund:contribution-list"), data).status_code == 403


def test_the_inbox_holds_each_roles_fund_work(world):
    application = apply(world, "tdw", title="待审核")
    application = Application.objects.get(pk=application.pk)
    Application.objects.filter(pk=application.pk).update(state="submitted")
    kinds = {i.kind for i in todo.inbox(world.users["tdw_admin"])}
    assert "fund.check" in kinds and "fund.check" not in {i.kind for i in todo.inbox(world.users["gz_admin"])}
    county = {i.kind: i for i in todo.inbox(world.users["county_admin"])}
    assert county["fund.decide"].due == world.fund["tdw"]["application"].notice_until + datetime.timedelta(days=1)
    assert not {"fund.check", "fund.score"} & {i.kind for i in todo.inbox(world.users["tdw_cadre"])}


def test_the_industry_heart_counts_the_villages_projects(world):
    year = _today().year - 1
    a, gz = world.cadres["tdw"][0], world.cadres["gz"][0]
    Assignment.objects.filter(cadre__in=[a, gz]).update(start_date=datetime.date(year - 1, 1, 1))
    village = world.village("tdw")

    def made(submitted, decided=None, closed=None, approved=None):
        return Application.objects.create(
            village=village, number=f"T{Application.objects.count()}", title="t", beneficiary="village",
            kind="productive", plan="p", mechanism="m", targets="t", submitted_on=submitted, decided_on=decided,
            approved_fen=approved, closed_on=closed, state="approved" if approved else "submitted")

    made(datetime.date(year, 4, 2))  # applied in Q2
    made(datetime.date(year, 3, 20), datetime.date(year, 4, 20), approved=100)  # approved in Q2, running
    made(datetime.date(year - 1, 5, 1), datetime.date(year - 1, 6, 1), datetime.date(year, 5, 1), approved=100)  # closed
    made(datetime.date(year, 5, 2), datetime.date(year, 6, 2))  # rejected in Q2
    raw = {r.cadre_id: {s.indicator: s.raw for s in r.scores}
           for r in engine.compute(Window(year, 2), assessment.scheme_ensure(actor=None))}
    assert (raw[a.pk]["industry.applied"], raw[a.pk]["industry.approved"], raw[a.pk]["industry.running"]) == (2, 1, 1)
    assert (raw[gz.pk]["industry.applied"], raw[gz.pk]["industry.running"]) == (0, 0)


def test_the_api_reads_and_pays_with_the_same_rules(world, as_user):
    county = as_user(world.users["county_admin"])
    assert county.get("/api/v1/fund/balance").json() == {"county": "520627000000", "available": "200000.00",
                                                         "committed": "0.00"}
    body = {"source": "society", "donor": "爱心企业", "amount": "1000.00", "received_on": _today().isoformat(),
            "receipt_no": "API-1"}
    first = county.post("/api/v1/fund/contributions", body, content_type="application/json",
                        headers={"Idempotency-Key": "a1"})
    again = county.post("/api/v1/fund/contributions", body, content_type="application/json",
                        headers={"Idempotency-Key": "a1"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    conflict = county.post("/api/v1/fund/contributions", {**body, "amount": "999.00"},
                           content_type="application/json", headers={"Idempotency-Key": "a1"})
    assert conflict.status_code == 409
    listed = as_user(world.users["expert"]).get("/api/v1/fund/applications").json()
    assert {item["id"] for item in listed["items"]} == {world.fund[s]["application"].pk for s in ("tdw", "gz")}
    refused = as_user(world.users["county_admin"]).post(f"/api/v1/fund/applications/{world.fund['tdw']['application'].pk}/tranches",
                          {"stage": "advance", "amount": "1.00", "paid_on": _today().isoformat()},
                          content_type="application/json")
    assert refused.status_code == 400 and "已批准" in refused.json()["error"]["message"]
    assert as_user(world.users["tdw_admin"]).get("/api/v1/fund/balance").status_code == 403  # the county's fund


@pytest.mark.parametrize("field, value", [
    ("donor", "爱心\x00企业"), ("received_on", "2026-02-30"), ("amount", "1e20"), ("amount", "-5.00"),
    ("amount", "0.001"), ("receipt_no", "x" * 65), ("source", "lottery"),
])
def test_hostile_contributions_are_refused_with_nothing_written(world, as_user, field, value):
    county = as_user(world.users["county_admin"])
    body = {"source": "society", "donor": "爱心企业", "amount": "10.00", "received_on": _today().isoformat(),
            "receipt_no": "H-1", field: value}
    before = (Contribution.objects.count(), Transaction.objects.count())
    response = county.post("/api/v1/fund/contributions", body, content_type="application/json")
    assert response.status_code in (400, 422) and "error" in response.json()
    assert (Contribution.objects.count(), Transaction.objects.count()) == before


def test_hostile_application_forms_are_refused(world, as_user):
    clerk = as_user(world.users["tdw_clerk"])
    base = {"village": world.village("tdw").code, "title": "t", "beneficiary": "household", "household": "99999",
            "kind": "productive", "beneficiaries": "3", "plan": "p", "mechanism": "m", "targets": "t",
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-category": "seedlings",
            "lines-0-item": "苗", "lines-0-amount": "100"}
    before = Application.objects.count()
    response = clerk.post(reverse("fund:application-new"), base)  # an unknown household
    assert response.status_code == 200 and "建档户" in response.content.decode()
    response = clerk.post(reverse("fund:application-new"), {**base, "lines-TOTAL_FORMS": "1000000"})
    assert response.status_code == 200  # a formset declaring a million rows is capped, not built
    response = clerk.post(reverse("fund:application-new"), {**base, "village": world.village("gz").code,
                                                            "beneficiary": "village", "household": ""})
    assert response.status_code == 200 and "有效" in response.content.decode()  # not a village of hers
    assert Application.objects.count() == before


def test_the_expert_pool_and_its_export_are_the_countys(world, as_user):
    county = as_user(world.users["county_admin"])
    sheet = load_workbook(io.BytesIO(b"".join(county.get(reverse("fund:expert-list") + "?format=xlsx")
                                              .streaming_content))).active
    rows = {row[0]: row for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert len(rows) == 7 and rows["回避专家"][5] == "五七村" and rows["评审专家甲"][3] == "expert"
    assert rows["评审专家甲"][7] == 2  # it sits on both sides' panels
    assert as_user(world.users["tdw_admin"]).get(reverse("fund:expert-list") + "?format=xlsx").status_code == 403


def test_an_oversized_api_body_is_a_json_413_and_writes_nothing(world, as_user):
    county = as_user(world.users["county_admin"])
    body = '{"source": "society", "donor": "' + "x" * (3 * 1024 * 1024) + '"}'
    before = Contribution.objects.count()
    response = county.post("/api/v1/fund/contributions", body, content_type="application/json")
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert Contribution.objects.count() == before
