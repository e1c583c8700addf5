"""The public request page behind a liaison card's QR code: no login, nothing revealed, limited."""

import pytest

from minxin.fieldwork.models import VillagerRequest
from tests.sealed import plain

pytestmark = pytest.mark.django_db


def _url(card):
    return f"/r/{card.token}/"


def test_page_shows_only_village_name_and_household_number(world, client):
    card = world.fieldwork["tdw"]["card"]
    response = client.get(_url(card))
    assert response.status_code == 200
    body = response.content.decode()
    assert card.village.name in body and card.household.number in body
    # Nothing else about this household (head's name, id) and nothing about any other household,
    # the cadres, other villages or the other side.
    hidden = [card.household.head_name] + world.markers["gz"]
    hidden += [m for m in world.markers["tdw"] if m != card.village.name]
    hidden += [h.number for h in world.fieldwork["tdw"]["households"] if h.pk != card.household_id]
    assert not [text for text in hidden if text in body]
    assert "noindex" in body


def test_token_is_not_the_household_id(world):
    card = world.fieldwork["tdw"]["card"]
    assert len(card.token) >= 20 and card.token != str(card.household_id)
    other = world.fieldwork["tdw"]["households"][0]
    assert client_get_status(f"/r/{card.household_id}/") == 404 and other.pk != card.token


def client_get_status(url):
    from django.test import Client

    return Client().get(url).status_code


def test_unknown_and_revoked_tokens_are_the_same_404(world, client, cadre_user=None):
    from minxin.fieldwork import services

    card = world.fieldwork["tdw"]["card"]
    services.card_issue(actor=world.users["tdw_cadre"], household=card.household, reissue=True)
    revoked = client.get(_url(card))
    unknown = client.get("/r/AAAAAAAAAAAAAAAAAAAAAA/")
    assert revoked.status_code == unknown.status_code == 404
    assert revoked.content == unknown.content


def test_submission_creates_a_request_from_the_card(world, client):
    card = world.fieldwork["tdw"]["card"]
    page = client.get(_url(card))
    assert page.status_code == 200
    response = client.post(_url(card), {"text": "组里的路灯不亮了", "contact_name": "老王", "contact_phone": "13912345678"})
    saved = VillagerRequest.objects.get(text="组里的路灯不亮了")
    assert response.status_code == 302 and response["Location"] == f"{_url(card)}?ref={saved.reference}&sent=1"
    assert saved.source == "card" and saved.card == card and saved.household_id == card.household_id
    assert saved.village_id == card.village_id and saved.status == "new" and plain(saved, "contact_phone") == "13912345678"
    thanks = client.get(response["Location"]).content.decode()
    # The villager is given the reference number, shown grouped as it is read out: ABCD-EFGH.
    assert "已收到" in thanks and f"{saved.reference[:4]}-{saved.reference[4:]}" in thanks
    assert "13912345678" not in thanks and "老王" not in thanks


def _answer(world, request, text):
    from minxin.fieldwork import services

    services.request_answer(actor=world.users["tdw_cadre"], request=request, answer=text)


def test_a_villager_checks_status_and_answer_with_the_reference(world, client):
    card = world.fieldwork["tdw"]["card"]
    client.post(_url(card), {"text": "自来水管冻裂了"})
    filed = VillagerRequest.objects.get(text="自来水管冻裂了")
    ref = filed.reference
    waiting = client.get(_url(card), {"ref": ref}).content.decode()
    assert "待分派" in waiting and "还没有答复" in waiting and "自来水管冻裂了" in waiting
    _answer(world, filed, "已联系水管站，明天上门维修。")
    # Typed as a villager would: lower case, with the dash or a space.
    for typed in (ref, ref.lower(), f"{ref[:4]}-{ref[4:]}", f" {ref[:4]} {ref[4:]} "):
        page = client.get(_url(card), {"ref": typed}).content.decode()
        assert "已答复" in page and "已联系水管站，明天上门维修。" in page, typed


def test_a_reference_shows_nothing_on_another_card_or_when_wrong(world, client):
    from minxin.fieldwork import services

    card = world.fieldwork["tdw"]["card"]
    client.post(_url(card), {"text": "邻居家的狗咬人"})
    ref = VillagerRequest.objects.get(text="邻居家的狗咬人").reference
    other_household = next(h for h in world.fieldwork["tdw"]["households"] if h.pk != card.household_id)
    other = services.card_issue(actor=world.users["tdw_cadre"], household=other_household)
    on_other = client.get(_url(other), {"ref": ref})
    assert on_other.status_code == 200 and "邻居家的狗咬人" not in on_other.content.decode()
    assert "没有找到" in on_other.content.decode()
    wrong = ref[:-1] + ("2" if ref[-1] != "2" else "3")
    for typed in (wrong, "", "x" * 5000, "ABCD0OI1", "' OR 1=1 --"):
        response = client.get(_url(card), {"ref": typed})
        assert response.status_code == 200 and "邻居家的狗咬人" not in response.content.decode(), typed
    nul = client.get(_url(card), {"ref": ref[:4] + "\x00" + ref[4:]})  # refused for every page: a clear 400
    assert nul.status_code == 400 and "邻居家的狗咬人" not in nul.content.decode()


def test_every_request_gets_its_own_reference(world):
    from minxin.fieldwork import services
    from minxin.fieldwork.models.followup import REFERENCE_ALPHABET

    household = world.fieldwork["tdw"]["households"][0]
    made = [services.request_record(actor=world.users["tdw_cadre"], text=f"诉求{i}", source="visit",
                                    household=household) for i in range(20)]
    references = [r.reference for r in made]
    assert len(set(references)) == 20
    assert all(len(r) == 8 and set(r) <= set(REFERENCE_ALPHABET) for r in references)


def test_a_taken_reference_is_drawn_again(world, monkeypatch):
    from minxin.fieldwork import services
    from minxin.fieldwork.services import followup

    household = world.fieldwork["tdw"]["households"][0]
    first = services.request_record(actor=world.users["tdw_cadre"], text="第一条", source="visit", household=household)
    monkeypatch.setattr(followup, "new_reference", lambda: "ZZZZ2345")
    request = VillagerRequest(village_id=household.village_id, household=household, source="visit", text="第二条",
                              submitted_at=first.submitted_at, reference=first.reference)
    followup._save_new(request)
    assert request.pk and request.reference == "ZZZZ2345"


def test_bad_submissions_write_nothing(world, client):
    card = world.fieldwork["tdw"]["card"]
    before = VillagerRequest.objects.count()
    assert client.post(_url(card), {"text": ""}).status_code == 200
    assert client.post(_url(card), {"text": "x" * 1001}).status_code == 200
    assert client.post(_url(card), {"text": "ok", "contact_phone": "12"}).status_code == 200
    assert VillagerRequest.objects.count() == before


def test_oversized_body_is_413(world, client, settings):
    settings.MINXIN_PUBLIC_MAX_BODY_BYTES = 2048
    card = world.fieldwork["tdw"]["card"]
    response = client.post(_url(card), {"text": "长" * 3000})
    assert response.status_code == 413
    assert "太长" in response.content.decode()
    assert not VillagerRequest.objects.filter(text__startswith="长长").exists()


def test_flood_from_one_address_gets_429(world, client, settings):
    settings.MINXIN_PUBLIC_RATE_LIMIT = 5
    card = world.fieldwork["tdw"]["card"]
    statuses = [client.post(_url(card), {"text": f"第{i}条"}).status_code for i in range(8)]
    assert statuses[:5] == [302] * 5 and statuses[5:] == [429] * 3
    limited = client.get(_url(card))
    assert limited.status_code == 429 and "Retry-After" in limited
    assert "请稍后再试" in limited.content.decode() or "太频繁" in limited.content.decode()
    assert VillagerRequest.objects.filter(source="card", text__startswith="第").count() == 5
    # Another address is not affected.
    other = client.get(_url(card), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_behind_the_proxy_each_villager_has_its_own_limit_and_a_forged_header_changes_nothing(
        world, client, settings):
    """Through nginx every request comes from 127.0.0.1: keyed on that, one person could block the QR
    page for the whole county. The address nginx appends to X-Forwarded-For is the key instead."""
    settings.MINXIN_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.MINXIN_PUBLIC_RATE_LIMIT = 3
    card = world.fieldwork["tdw"]["card"]

    def hit(forwarded):
        return client.get(_url(card), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).status_code

    # The flooder forges a different leftmost address each time; nginx appends the real one.
    assert [hit(f"1.2.3.{i}, 203.0.113.7") for i in range(5)] == [200] * 3 + [429] * 2
    assert hit("198.51.100.20") == 200  # another villager behind the same proxy
    card.refresh_from_db()
    client.post(_url(card), {"text": "路灯坏了"}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    from minxin.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="request.submit_public").latest("id").ip_address == "198.51.100.20"


def test_a_request_without_a_usable_address_is_saved_with_no_ip(world, client):
    """A server bound to a Unix socket gives no REMOTE_ADDR: the request is accepted and its audit
    event holds no IP (PostgreSQL's inet column refuses a made-up one)."""
    from minxin.core.models import AuditEvent

    card = world.fieldwork["tdw"]["card"]
    response = client.post(_url(card), {"text": "没有地址的请求"}, REMOTE_ADDR="")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="request.submit_public").latest("id").ip_address is None
