"""Pages and API lists: they render, forms write through services, and lists have no N+1."""

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minxin.fieldwork.models import Meeting, Need, VillagerRequest, Visit
from tests.fieldwork.world import TINY_PNG, make_households
from tests.sealed import plain

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _more_records(world, n=12):
    """Add n visits, meetings, requests and needs in the tdw village (bulk, no services)."""
    households = make_households(world, "tdw", n, village_index=0) if not hasattr(world, "_more") else []
    world._more = True
    user, cadre, village = world.users["tdw_cadre"], world.cadres["tdw"][0], world.village("tdw")
    now = timezone.now() - datetime.timedelta(hours=1)
    for index, household in enumerate(households):
        visit = Visit.objects.create(village=village, recorded_by=user, cadre=cadre, household=household,
                                     occurred_at=now, kind="home", uuid=uuid.uuid4())
        Meeting.objects.create(village=village, recorded_by=user, cadre=cadre, category="meeting", kind="villagers",
                               occurred_at=now, place="院坝", topic=f"议事{index}", attendance=10)
        VillagerRequest.objects.create(village=village, household=household, source="visit", visit=visit,
                                       text=f"诉求{index}", submitted_at=now, assignee=user)
        Need.objects.create(village=village, household=household, visit=visit, category="road", text=f"修路{index}",
                            recorded_by=user, raised_at=now, owner=user)


LISTS = ["fieldwork:visit-list", "fieldwork:meeting-list", "fieldwork:call-list", "fieldwork:diary-list",
         "fieldwork:need-list", "fieldwork:request-list", "fieldwork:presence"]


@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_does_not_grow_with_rows(world, client, name):
    client.force_login(world.users["tdw_admin"])
    url = reverse(name) + "?status=all"
    before = _queries(client, url)
    _more_records(world)
    after = _queries(client, url)
    assert after == before, f"{name}: {before} queries with few rows, {after} with more"
    assert after <= 14


@pytest.mark.parametrize("path", ["/api/v1/visits", "/api/v1/requests", "/api/v1/field/bootstrap"])
def test_api_list_query_count_does_not_grow(world, client, path):
    client.force_login(world.users["tdw_cadre"])
    before = _queries(client, path)
    _more_records(world)
    assert _queries(client, path) == before


def test_detail_pages_render(world, client):
    client.force_login(world.users["tdw_admin"])
    fw = world.fieldwork["tdw"]
    for url in [reverse("fieldwork:visit-detail", args=[fw["visit"].pk]),
                reverse("fieldwork:meeting-detail", args=[fw["meeting"].pk]),
                reverse("fieldwork:need-detail", args=[fw["need"].pk]),
                reverse("fieldwork:request-detail", args=[fw["request"].pk]),
                reverse("fieldwork:card-list", args=[world.village("tdw").code]),
                reverse("regions:detail", args=[world.village("tdw").code]),
                reverse("regions:detail", args=[world.village("tdw").parent_id]),
                reverse("cadres:detail", args=[world.cadres["tdw"][0].pk])]:
        response = client.get(url)
        assert response.status_code == 200, url
    village_page = client.get(reverse("regions:detail", args=[world.village("tdw").code])).content.decode()
    assert 'data-testid="coverage-figures"' in village_page and 'data-testid="never-visited-count"' in village_page
    cadre_page = client.get(reverse("cadres:detail", args=[world.cadres["tdw"][0].pk])).content.decode()
    assert 'data-testid="cadre-presence"' in cadre_page


def test_visit_form_records_a_visit_with_a_need_and_a_photo(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users["tdw_cadre"])
    household = world.fieldwork["tdw"]["households"][3]
    when = timezone.localtime() - datetime.timedelta(hours=2)
    response = client.post(reverse("fieldwork:visit-new"), {
        "household": household.pk, "kind": "pairing", "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "notes": "聊了产业", "help_given": "送了种苗", "need_category": "industry", "need_text": "想养蜂",
        "photo": SimpleUploadedFile("a.png", TINY_PNG, content_type="image/png"),
    })
    assert response.status_code == 302
    visit = Visit.objects.get(notes="聊了产业")
    assert visit.kind == "pairing" and visit.photos.count() == 1 and visit.needs.get().text == "想养蜂"
    photo = client.get(reverse("fieldwork:photo-file", args=[visit.photos.get().pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"


@pytest.mark.parametrize(("photo", "reason"), [
    (b"<html>not a photo</html>", "不是照片"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "照片过大"),  # with the cap lowered below its size
])
def test_a_refused_photo_leaves_no_visit_so_resubmitting_makes_one(world, client, settings, photo, reason):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MINXIN_PHOTO_MAX_BYTES = 50
    client.force_login(world.users["tdw_cadre"])
    household = world.fieldwork["tdw"]["households"][3]
    when = (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    form = {"household": household.pk, "kind": "home", "occurred_at": when, "notes": "带照片的走访"}
    response = client.post(reverse("fieldwork:visit-new"), {**form, "photo": SimpleUploadedFile("a.png", photo)})
    assert response.status_code == 200 and reason in response.content.decode()
    assert not Visit.objects.filter(notes="带照片的走访").exists()
    assert client.post(reverse("fieldwork:visit-new"), form).status_code == 302  # without the photo
    assert Visit.objects.filter(notes="带照片的走访").count() == 1


def test_visit_form_future_date_is_a_form_error(world, client):
    client.force_login(world.users["tdw_cadre"])
    household = world.fieldwork["tdw"]["households"][3]
    when = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(reverse("fieldwork:visit-new"), {
        "household": household.pk, "kind": "home", "occurred_at": when.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200 and "还没有到" in response.content.decode()
    assert not Visit.objects.filter(household=household).exists()


def test_visit_photo_not_an_image_is_refused(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users["tdw_cadre"])
    visit = world.fieldwork["tdw"]["visit"]
    before = visit.photos.count()
    response = client.post(reverse("fieldwork:visit-photo", args=[visit.pk]),
                           {"photo": SimpleUploadedFile("x.png", b"<html>not a photo</html>")}, follow=True)
    assert "不是照片" in response.content.decode()
    assert visit.photos.count() == before


def test_photo_api_upload_scope_and_checks(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users["tdw_cadre"])
    own, other = world.fieldwork["tdw"]["visit"], world.fieldwork["gz"]["visit"]
    ok = client.post(f"/api/v1/visits/{own.uuid}/photos", {"photo": SimpleUploadedFile("a.png", TINY_PNG)})
    assert ok.status_code == 200 and ok.json()["content_type"] == "image/png"
    bad = client.post(f"/api/v1/visits/{own.uuid}/photos", {"photo": SimpleUploadedFile("a.png", b"GIF89a....")})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "not_an_image"
    hidden = client.post(f"/api/v1/visits/{other.uuid}/photos", {"photo": SimpleUploadedFile("a.png", TINY_PNG)})
    missing = client.post(f"/api/v1/visits/{uuid.uuid4()}/photos", {"photo": SimpleUploadedFile("a.png", TINY_PNG)})
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()


def test_meeting_form_and_request_actions(world, client):
    client.force_login(world.users["tdw_cadre"])
    when = (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("fieldwork:meeting-new") + "?category=training", {
        "village": world.village("tdw").code, "kind": "taobao", "occurred_at": when, "place": "电商服务站",
        "topic": "开网店", "attendance": 15, "participants": "张三\n李四\n"})
    assert response.status_code == 302
    training = Meeting.objects.get(topic="开网店")
    assert training.category == "training" and training.participants.count() == 2
    item = world.fieldwork["tdw"]["request"]
    client.post(reverse("fieldwork:request-answer", args=[item.pk]), {"answer": "已安排"})
    client.post(reverse("fieldwork:request-close", args=[item.pk]), {"satisfaction": "basic"})
    item.refresh_from_db()
    assert item.status == "closed" and item.satisfaction == "basic" and item.answered_at is not None


def test_card_print_has_qr_svg_team_and_token_url(world, client):
    client.force_login(world.users["tdw_admin"])
    village = world.village("tdw")
    client.post(reverse("fieldwork:card-issue", args=[village.code]))
    response = client.get(reverse("fieldwork:card-print", args=[village.code]))
    body = response.content.decode()
    assert response.status_code == 200 and body.count('data-testid="liaison-card"') >= 4
    assert "<svg" in body and world.cadres["tdw"][0].name in body and plain(world.cadres["tdw"][0], "phone") in body
    from minxin.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="card.print", object_id=village.code).exists()


def test_bootstrap_is_scoped_and_has_no_identifiers(world, client):
    client.force_login(world.users["tdw_cadre"])
    data = client.get("/api/v1/field/bootstrap").json()
    assert [v["code"] for v in data["villages"]] == [world.village("tdw").code]
    assert {h["village"] for h in data["households"]} == {world.village("tdw").code}
    assert data["cadre"]["id"] == world.cadres["tdw"][0].pk and data["can_visit"] is True
    assert "phone" not in json.dumps(data["households"]) and data["labels"]["lecture"]["law"] == "法治讲座"
    paired = [h for h in data["households"] if h["paired"]]
    assert [h["id"] for h in paired] == [world.fieldwork["tdw"]["households"][0].pk]


def test_bootstrap_keeps_the_last_visits_of_each_household_for_offline_reading(world, client):
    """Three visits per household at most, newest first, from the past year, only in scope."""
    user, cadre, village = world.users["tdw_cadre"], world.cadres["tdw"][0], world.village("tdw")
    household = world.fieldwork["tdw"]["households"][1]
    now = timezone.now()
    made = [Visit.objects.create(village=village, recorded_by=user, cadre=cadre, household=household, kind="home",
                                 occurred_at=now - datetime.timedelta(days=days), notes=f"第{days}天前" + "记" * 300)
            for days in (400, 40, 30, 20, 10)]
    client.force_login(user)
    data = client.get("/api/v1/field/bootstrap").json()
    mine = [v for v in data["visits"] if v["household_id"] == household.pk]
    assert [v["uuid"] for v in mine] == [str(v.uuid) for v in made[:0:-1]][:3]
    assert mine[0]["cadre"] == cadre.name and mine[0]["notes"].startswith("第10天前") and len(mine[0]["notes"]) == 200
    assert {v["household_id"] for v in data["visits"]} <= {h["id"] for h in data["households"]}
    client.force_login(world.users["gz_cadre"])
    assert household.pk not in {v["household_id"] for v in client.get("/api/v1/field/bootstrap").json()["visits"]}


def test_coverage_api(world, client):
    client.force_login(world.users["tdw_admin"])
    village = client.get(f"/api/v1/coverage/{world.village('tdw').code}").json()
    assert village["visited"]["year"] >= 1 and village["never_visited"]["count"] >= 1
    township = client.get(f"/api/v1/coverage/{world.village('tdw').parent.prefix}").json()
    assert world.village("tdw").code in [v["code"] for v in township["villages"]]
    assert client.get(f"/api/v1/coverage/{world.village('gz').code}").status_code == 404


def test_field_app_shell_sw_and_manifest(world, client):
    assert client.get("/field/").status_code == 302  # login first
    client.force_login(world.users["tdw_cadre"])
    shell = client.get("/field/")
    assert shell.status_code == 200 and "<script>" not in shell.content.decode()
    assert "csrftoken" in shell.cookies
    sw = client.get("/field/sw.js")
    assert sw["Content-Type"].startswith("application/javascript") and sw["Service-Worker-Allowed"] == "/field/"
    assert "/static/fieldapp/app.js" in sw.content.decode()
    manifest = client.get("/field/manifest.webmanifest").json()
    assert manifest["scope"] == "/field/" and manifest["start_url"] == "/field/" and len(manifest["icons"]) == 2


def test_no_checkin_ui_unless_enabled(world, client, settings):
    client.force_login(world.users["tdw_cadre"])
    assert 'data-action="checkin"' not in client.get("/field/").content.decode()
    settings.MINXIN_GPS_CHECKIN = True
    assert 'data-action="checkin"' in client.get("/field/").content.decode()


def test_call_and_diary_forms(world, client):
    from minxin.fieldwork.models import DiaryEntry, FamilyCall

    client.force_login(world.users["tdw_cadre"])
    when = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    village = world.village("tdw").code
    response = client.post(reverse("fieldwork:call-new"), {
        "village": village, "left_behind_name": "田奶奶", "left_behind_kind": "elderly", "relative_name": "田军",
        "relative_place": "广东佛山", "occurred_at": when, "minutes": 30})
    assert response.status_code == 302 and FamilyCall.objects.get(left_behind_name="田奶奶").minutes == 30
    response = client.post(reverse("fieldwork:diary-new"), {"village": village, "occurred_at": when, "text": "走访三户"})
    assert response.status_code == 302 and DiaryEntry.objects.filter(text="走访三户").count() == 1
    other = client.post(reverse("fieldwork:diary-new"), {"village": world.village("gz").code, "occurred_at": when,
                                                         "text": "越界"})
    assert other.status_code == 200 and not DiaryEntry.objects.filter(text="越界").exists()
    client.force_login(world.users["tdw_supervisor"])
    assert client.get(reverse("fieldwork:diary-new")).status_code == 403


def test_the_household_page_shows_its_visits_card_and_requests(world, client):
    """What a first secretary looks for on a household's 一户一表: who visited, the card, the requests."""
    from django.urls import reverse

    from minxin.fieldwork import services as fw

    household = world.fieldwork["tdw"]["households"][2]
    cadre_user = world.users["tdw_cadre"]
    visit = fw.visit_record(actor=cadre_user, household=household, kind="home", notes="了解务工收入情况",
                            occurred_at=timezone.now() - datetime.timedelta(hours=3))
    fw.card_issue(actor=world.users["tdw_admin"], household=household)
    fw.request_record(actor=cadre_user, text="村口路灯坏了", source="visit", household=household,
                      contact_phone="13912345678")
    client.force_login(world.users["tdw_clerk"])
    body = client.get(reverse("registry:household-detail", args=[household.pk])).content.decode()
    section = body[body.index('data-testid="household-fieldwork"'):]
    assert reverse("fieldwork:visit-detail", args=[visit.pk]) in section and "了解务工收入情况" in section
    assert "已发卡" in section and "村口路灯坏了" in section
    assert "13912345678" not in body  # the caller's phone stays on the request's own page, masked
    other = world.fieldwork["tdw"]["households"][1]
    body = client.get(reverse("registry:household-detail", args=[other.pk])).content.decode()
    assert 'data-testid="household-fieldwork"' in body and "了解务工收入情况" not in body


def test_the_card_list_searches_and_shows_one_households_qr_logged(world, client):
    from django.urls import reverse

    from minxin.core.models import AuditEvent

    households = world.fieldwork["tdw"]["households"]
    card = world.fieldwork["tdw"]["card"]  # issued to households[1]
    village = world.village("tdw")
    client.force_login(world.users["tdw_admin"])
    page = client.get(reverse("fieldwork:card-list", args=[village.code]), {"q": households[1].head_name})
    rows = list(page.context["page"])
    assert [h.pk for h in rows] == [households[1].pk] and page.context["total"] > 1
    assert [h.pk for h in client.get(reverse("fieldwork:card-list", args=[village.code]),
                                     {"q": households[2].number}).context["page"]] == [households[2].pk]
    response = client.get(reverse("fieldwork:card-qr", args=[households[1].pk]))
    assert response.status_code == 200 and "<svg" in response.content.decode()
    assert card.token not in response.content.decode().split("<svg")[0]  # the code is in the picture only
    assert AuditEvent.objects.filter(action="card.show", object_id=str(households[1].pk)).count() == 1
    assert client.get(reverse("fieldwork:card-qr", args=[households[2].pk])).status_code == 404  # no card yet
    client.force_login(world.users["county_auditor"])  # reads field work, does not issue cards
    assert client.get(reverse("fieldwork:card-qr", args=[households[1].pk])).status_code == 403


def test_a_request_is_found_by_its_reference_only_in_scope(world, as_user):
    """A villager calls with the number from the QR page: the cadre types it (any case, with the
    dash) and finds that request whatever its status; the other township finds nothing."""
    request = VillagerRequest.objects.create(village=world.village("tdw"), source="visit", text="猪圈漏雨",
                                             submitted_at=timezone.now(), status="closed")
    typed = f"{request.reference[:4]}-{request.reference[4:]}".lower()
    page = as_user(world.users["tdw_cadre"]).get("/fieldwork/requests/", {"ref": typed})
    assert [r.pk for r in page.context["page"]] == [request.pk]
    assert request.reference_display in page.content.decode()
    for other, ref in ((world.users["gz_cadre"], typed), (world.users["tdw_cadre"], "0000-0000")):
        assert list(as_user(other).get("/fieldwork/requests/", {"ref": ref}).context["page"]) == []
