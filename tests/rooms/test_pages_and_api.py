"""Liaison room pages and API (issue 15.3, 15.4, 15.6): every page renders for those who may open
it, money forms post once however often they are sent, bad input is a message on the form with
nothing written, the exports hold the rows the page shows, and the API speaks the same rules."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minxin.ledger.models import Transaction
from minxin.rooms.models import Payer, Receipt, Spending

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _room(world, side="tdw"):
    return world.rooms[side]["room"]


@pytest.mark.parametrize("persona", ["county_admin", "tdw_admin", "tdw_cadre", "tdw_clerk", "tdw_liaison",
                                     "county_auditor", "tdw_supervisor"])
def test_every_page_renders_for_those_who_read_rooms(world, as_user, persona):
    client = as_user(world.users[persona])
    room = _room(world)
    for url in (reverse("rooms:room-list"), reverse("rooms:room-detail", args=[room.pk]), reverse("rooms:arrears"),
                reverse("rooms:construction")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "五七村" in response.content.decode()
    book = client.get(reverse("ledger:lines", args=["rooms"]))
    if persona == "tdw_liaison":  # every payer's money: the liaison sees its own unit's share only
        assert book.status_code == 403
    else:
        assert book.status_code == 200 and "五七村" in book.content.decode()
    page = client.get(reverse("rooms:room-detail", args=[room.pk])).content.decode()
    assert ("登记到账" in page) == (persona in ("county_admin", "tdw_liaison"))
    assert ("半年评估" in page and 'data-testid="evaluation-new"' in page) == (persona in ("county_admin", "tdw_admin"))


def test_a_liaison_sees_no_receipt_of_the_city_or_county_on_a_room(world, as_user):
    room = _room(world)
    receipts = as_user(world.users["tdw_liaison"]).get(reverse("rooms:room-detail", args=[room.pk])).content.decode()
    receipts = receipts.split('data-testid="receipts"')[1].split("</ul>")[0]
    assert "坳县财政拨款" not in receipts and "3,000.00" not in receipts
    county = as_user(world.users["county_admin"]).get(reverse("rooms:room-detail", args=[room.pk])).content.decode()
    assert "坳县财政拨款" in county.split('data-testid="receipts"')[1].split("</ul>")[0]


def test_the_expert_sees_no_room(world, as_user):
    client = as_user(world.users["expert"])
    assert client.get(reverse("rooms:room-list")).status_code == 403
    assert client.get(f"/api/v1/rooms/{_room(world).pk}").status_code == 403
    assert "rooms:room-list" not in client.get(reverse("accounts:todo")).content.decode()


def _receipt_form(client, room, due, amount, key):
    return client.post(reverse("rooms:receipt-new", args=[room.pk]), {
        "due": due.pk, "amount": amount, "received_on": _today().isoformat(), "reference": "拨款单 7",
        "idempotency_key": key})


def test_a_money_form_sent_twice_posts_once_and_bad_input_writes_nothing(world, as_user):
    client = as_user(world.users["county_admin"])
    room = _room(world)
    city = room.dues.get(year=_today().year, payer=Payer.CITY)
    page = client.get(reverse("rooms:receipt-new", args=[room.pk])).content.decode()
    assert 'name="idempotency_key"' in page and "尚欠 2000.00 元" in page
    before = Transaction.objects.count()
    first = _receipt_form(client, room, city, "800", "form-key-1")
    again = _receipt_form(client, room, city, "800", "form-key-1")
    assert first.status_code == again.status_code == 302
    assert Receipt.objects.filter(due=city).count() == 1 and Transaction.objects.count() == before + 1
    assert _receipt_form(client, room, city, "900", "form-key-1").status_code == 409
    for amount, message in (("1200.01", "尚欠的 1200.00 元"), ("0", "大于零"), ("12.345", "小数不超过 2 位")):
        response = _receipt_form(client, room, city, amount, f"k-{amount}")
        assert response.status_code == 200 and message in response.content.decode(), amount
    response = client.post(reverse("rooms:spending-new", args=[room.pk]), {
        "kind": "working", "amount": "10", "spent_on": "2026-02-30", "purpose": "茶水", "idempotency_key": "s1"})
    assert response.status_code == 200 and "有效的日期" in response.content.decode()
    response = client.post(reverse("rooms:spending-new", args=[room.pk]), {
        "kind": "working", "amount": "10", "spent_on": _today().isoformat(), "purpose": "茶\x00水",
        "idempotency_key": "s1"})
    assert response.status_code == 400 and "NUL" in response.content.decode()
    assert Spending.objects.filter(room=room).count() == 2
    assert Transaction.objects.count() == before + 1


def test_a_cadre_may_spend_the_working_fund_but_not_construction_money(world, as_user):
    client = as_user(world.users["tdw_cadre"])
    room = _room(world)
    page = client.get(reverse("rooms:spending-new", args=[room.pk])).content.decode()
    assert 'value="working"' in page and 'value="construction"' not in page
    response = client.post(reverse("rooms:spending-new", args=[room.pk]), {
        "kind": "construction", "amount": "10", "spent_on": _today().isoformat(), "purpose": "装修",
        "idempotency_key": "c1"})
    assert response.status_code == 200 and not Spending.objects.filter(purpose="装修").exists()
    assert client.get(reverse("rooms:receipt-new", args=[room.pk])).status_code == 403
    assert client.post(reverse("rooms:reverse", args=["spending", world.rooms["tdw"]["spending"].pk]),
                       {"reason": "x"}).status_code == 403


def test_the_evaluation_form_grades_and_refuses_a_second_one(world, as_user):
    client = as_user(world.users["tdw_admin"])
    room = _room(world)
    data = {"year": _today().year, "half": 2, "evaluated_on": _today().isoformat(), "score_premises": 20,
            "score_rules": 15, "score_duty": 15, "score_disclosure": 14, "score_service": 19, "score_records": 10,
            "note": "规范"}
    assert client.post(reverse("rooms:evaluation-new", args=[room.pk]), data).status_code == 302
    assert room.evaluations.get(half=2).grade == "good"
    response = client.post(reverse("rooms:evaluation-new", args=[room.pk]), data)
    assert response.status_code == 200 and "已经评估过" in response.content.decode()
    response = client.post(reverse("rooms:evaluation-new", args=[room.pk]), {**data, "half": 1, "score_rules": 16})
    assert response.status_code == 200 and room.evaluations.count() == 2


def test_the_county_allots_the_construction_budget_and_reverses_a_wrong_entry(world, as_user):
    client = as_user(world.users["county_admin"])
    response = client.post(reverse("rooms:construction"), {"amount": "200000", "allotted_on": _today().isoformat(),
                                                           "memo": "追加预算", "idempotency_key": "b1"})
    assert response.status_code == 302
    page = client.get(reverse("rooms:construction")).content.decode()
    assert "1,500,000.00" in page and "1,400,000.00" in page
    spending = world.rooms["tdw"]["spending"]
    assert client.post(reverse("rooms:reverse", args=["spending", spending.pk]), {"reason": "重复"}).status_code == 302
    assert "已冲销" in client.get(reverse("rooms:room-detail", args=[_room(world).pk])).content.decode()
    assert as_user(world.users["tdw_admin"]).post(reverse("rooms:construction"), {"amount": "1"}).status_code == 403


def test_arrears_by_payer_for_the_county_and_for_a_units_liaison(world, as_user):
    def totals(persona):
        page = as_user(world.users[persona]).get(reverse("rooms:arrears")).content.decode()
        return page.split('data-testid="payer-totals"')[1].split("</table>")[0]

    county = totals("county_admin")
    assert "坳派出单位" in county and "舟派出单位" in county and "省级补助" in county and "40,000.00" in county
    liaison = totals("tdw_liaison")
    assert "坳派出单位" in liaison and "省级补助" not in liaison and "市级" not in liaison and "5,000.00" in liaison


def _sheet(response):
    assert response.status_code == 200
    return [list(row) for row in load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)]


def test_the_exports_hold_the_rows_of_the_page(world, as_user):
    client = as_user(world.users["tdw_admin"])
    rooms = _sheet(client.get(reverse("rooms:room-list") + "?format=xlsx"))
    assert len(rooms) == 2 and rooms[1][0].endswith("五七村") and rooms[1][-1] == "较好"
    dues = _sheet(client.get(reverse("rooms:arrears") + "?format=xlsx&payer=unit"))
    assert [row[2] for row in dues[1:]] == ["派出单位"] and dues[1][-1] == 5000
    ledger = _sheet(client.get(reverse("ledger:lines", args=["rooms"]) + "?format=xlsx"))
    debits = sum(row[6] or 0 for row in ledger[1:])
    credits = sum(row[7] or 0 for row in ledger[1:])
    assert debits == credits > 0 and not any("龙门村" in str(cell) for row in ledger for cell in row)


def test_the_api_lists_rooms_with_their_grade_and_records_a_tranche_once(world, as_user):
    client = as_user(world.users["county_admin"])
    rooms = client.get("/api/v1/rooms").json()
    assert rooms["count"] == 2 and {item["grade"] for item in rooms["items"]} == {"fair"}
    assert rooms["items"][0]["balance"] == "2879.50"
    room = _room(world)
    city = room.dues.get(year=_today().year, payer=Payer.CITY)
    body = {"due_id": city.pk, "amount": "500.00", "received_on": _today().isoformat()}
    url = f"/api/v1/rooms/{room.pk}/receipts"
    first = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "api-1"})
    again = client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "api-1"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Receipt.objects.filter(due=city).count() == 1
    conflict = client.post(url, {**body, "amount": "501.00"}, content_type="application/json",
                           headers={"Idempotency-Key": "api-1"})
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "idempotency_conflict"
    refused = client.post(url, {**body, "amount": "5000.00"}, content_type="application/json")
    assert refused.status_code == 400 and "尚欠的 1500.00 元" in refused.json()["error"]["message"]
    other = world.rooms["gz"]["unit_due"]
    assert client.post(url, {**body, "due_id": other.pk}, content_type="application/json").status_code == 404
    detail = client.get(f"/api/v1/rooms/{room.pk}").json()
    assert {d["payer"]: d["remaining"] for d in detail["dues"]}["city"] == "1500.00"
    assert as_user(world.users["gz_admin"]).get(f"/api/v1/rooms/{room.pk}").status_code == 404
