"""POST /api/v1/sync: the offline batch contract (DESIGN §4) and every bad input of issue #4."""

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from minxin.fieldwork.models import FamilyCall, Meeting, Need, SyncReceipt, VillagerRequest, Visit

pytestmark = pytest.mark.django_db


def _post(client, records, **extra):
    return client.post("/api/v1/sync", data=json.dumps({"records": records}), content_type="application/json",
                       **extra)


def _visit(household, **data):
    when = (timezone.localtime() - datetime.timedelta(hours=1)).isoformat()
    return {"type": "visit", "uuid": str(uuid.uuid4()),
            "data": {"household_id": household.pk, "occurred_at": when, "kind": "home", "notes": "了解收入",
                     "lat": 28.56, "lon": 108.5, "accuracy_m": 15, **data}}


@pytest.fixture
def cadre_client(world, client):
    client.force_login(world.users["tdw_cadre"])
    return client


def _household(world, side="tdw", index=2):
    return world.fieldwork[side]["households"][index]


def test_visit_created_then_duplicate_and_nothing_written_twice(world, cadre_client):
    record = _visit(_household(world))
    first = _post(cadre_client, [record]).json()["results"]
    assert first[0]["status"] == "created"
    visit = Visit.objects.get(uuid=record["uuid"])
    assert visit.cadre == world.cadres["tdw"][0] and visit.village_id == world.village("tdw").code
    assert float(visit.lat) == 28.56 and visit.accuracy_m == 15 and not visit.late
    again = _post(cadre_client, [record, record]).json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert Visit.objects.filter(uuid=record["uuid"]).count() == 1
    assert SyncReceipt.objects.filter(uuid=record["uuid"]).count() == 1


def test_results_in_order_with_mixed_statuses(world, cadre_client):
    good = _visit(_household(world))
    bad = _visit(_household(world), kind="party")
    results = _post(cadre_client, [good, bad, good]).json()["results"]
    assert [r["status"] for r in results] == ["created", "invalid", "duplicate"]
    assert results[1]["errors"][0]["field"] == "kind" and results[1]["uuid"] == bad["uuid"]


def test_reused_uuid_with_different_content_is_a_conflict_and_the_first_stays(world, cadre_client):
    record = _visit(_household(world))
    _post(cadre_client, [record])
    changed = {**record, "data": {**record["data"], "notes": "改过的内容"}}
    result = _post(cadre_client, [changed]).json()["results"][0]
    assert result["status"] == "conflict" and result["reason"] == "uuid_reused"
    assert result["server"]["notes"] == "了解收入"
    assert Visit.objects.get(uuid=record["uuid"]).notes == "了解收入"


@pytest.mark.parametrize(("data", "field", "code"), [
    ({"kind": "dance"}, "kind", "unknown_kind"),
    ({"lat": 91}, "lat", "invalid_location"),
    ({"lon": -181}, "lon", "invalid_location"),
    ({"lat": 28.5, "lon": None}, "lon", "incomplete_location"),
    ({"occurred_at": "2099-01-01T09:00:00+08:00"}, "occurred_at", "future_date"),
    ({"occurred_at": "yesterday"}, "occurred_at", "invalid_datetime"),
    ({"household_id": "12"}, "household_id", "invalid_household"),
    ({"needs": [{"category": "moon", "text": "x"}]}, "needs.0.category", "unknown_category"),
])
def test_bad_visit_is_invalid_and_writes_nothing(world, cadre_client, data, field, code):
    record = _visit(_household(world), **data)
    result = _post(cadre_client, [record]).json()["results"][0]
    assert result["status"] == "invalid"
    assert result["errors"][0]["field"] == field and result["errors"][0]["code"] == code
    assert not Visit.objects.filter(uuid=record["uuid"]).exists()
    assert not SyncReceipt.objects.filter(uuid=record["uuid"]).exists()


def test_household_outside_scope_reads_like_a_missing_one(world, cadre_client):
    other = _post(cadre_client, [_visit(_household(world, "gz"))]).json()["results"][0]
    missing = _post(cadre_client, [_visit(_household(world), household_id=999_999)]).json()["results"][0]
    assert other["status"] == missing["status"] == "invalid"
    assert other["errors"] == missing["errors"]
    assert other["errors"][0]["code"] == "household_outside_scope"


def test_household_in_the_township_but_not_the_cadres_village_is_outside(world, cadre_client):
    from tests.fieldwork.world import make_households

    second_village = make_households(world, "tdw", 1, village_index=1)[0]
    result = _post(cadre_client, [_visit(second_village)]).json()["results"][0]
    assert result["status"] == "invalid"


def test_malformed_json_is_400_with_a_code(cadre_client):
    response = cadre_client.post("/api/v1/sync", data="{records: [", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    response = cadre_client.post("/api/v1/sync", data=json.dumps({"items": []}), content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_batch"


def test_bad_envelopes(world, cadre_client):
    results = _post(cadre_client, [
        {"type": "visit", "uuid": "not-a-uuid", "data": {}},
        {"type": "party", "uuid": str(uuid.uuid4()), "data": {}},
        {"type": "visit", "uuid": str(uuid.uuid4()), "data": "x"},
        "just a string",
    ]).json()["results"]
    assert [r["status"] for r in results] == ["invalid"] * 4
    assert [r["errors"][0]["code"] for r in results] == ["invalid_uuid", "unknown_type", "invalid_data",
                                                         "invalid_record"]


def test_batch_size_limit(world, cadre_client, settings):
    settings.MINXIN_SYNC_MAX_RECORDS = 2
    response = _post(cadre_client, [_visit(_household(world)) for _ in range(3)])
    assert response.status_code == 400 and response.json()["error"]["code"] == "batch_too_large"
    assert not Visit.objects.filter(notes="了解收入").exists()


def test_session_needs_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["tdw_cadre"])
    assert _post(client, [_visit(_household(world))]).status_code == 403
    client.get("/field/")
    token = client.cookies["csrftoken"].value
    response = _post(client, [_visit(_household(world))], HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "created"


def test_late_record_is_flagged(world, cadre_client, settings):
    settings.MINXIN_SYNC_LATE_HOURS = 24
    old = (timezone.now() - datetime.timedelta(days=5)).isoformat()
    record = {**_visit(_household(world), occurred_at=old), "device_time": old}
    result = _post(cadre_client, [record]).json()["results"][0]
    assert result["status"] == "created" and result["late"] is True
    visit = Visit.objects.get(uuid=record["uuid"])
    assert visit.late and visit.device_time is not None and visit.received_at > visit.device_time


def test_visit_with_needs_and_a_request_from_it(world, cadre_client):
    visit = _visit(_household(world), needs=[{"category": "housing", "text": "屋顶漏雨"}])
    request = {"type": "request", "uuid": str(uuid.uuid4()),
               "data": {"visit_uuid": visit["uuid"], "household_id": _household(world).pk, "text": "想修路"}}
    results = _post(cadre_client, [visit, request]).json()["results"]
    assert [r["status"] for r in results] == ["created", "created"]
    need = Need.objects.get(text="屋顶漏雨")
    assert need.visit.uuid == uuid.UUID(visit["uuid"]) and need.status == "open"
    saved = VillagerRequest.objects.get(uuid=request["uuid"])
    assert saved.source == "visit" and saved.visit_id == need.visit_id and saved.status == "new"


def test_meeting_lecture_training_call_diary_need(world, cadre_client):
    village = world.village("tdw").code
    when = (timezone.now() - datetime.timedelta(hours=2)).isoformat()
    records = [
        {"type": "meeting", "uuid": str(uuid.uuid4()), "data": {"village": village, "kind": "courtyard",
         "occurred_at": when, "place": "院坝", "topic": "产业路", "attendance": 35}},
        {"type": "lecture", "uuid": str(uuid.uuid4()), "data": {"village": village, "kind": "party_voice",
         "occurred_at": when, "place": "村委会", "topic": "政策宣讲", "attendance": 60}},
        {"type": "training", "uuid": str(uuid.uuid4()), "data": {"village": village, "kind": "ecommerce",
         "occurred_at": when, "place": "电商站", "topic": "网店开张", "attendance": 12,
         "participants": ["张三", {"name": "李四", "household_id": _household(world).pk}]}},
        {"type": "call", "uuid": str(uuid.uuid4()), "data": {"village": village, "left_behind_name": "王奶奶",
         "left_behind_kind": "elderly", "relative_name": "王强", "relative_place": "广东东莞",
         "occurred_at": when, "minutes": 25}},
        {"type": "diary", "uuid": str(uuid.uuid4()), "data": {"village": village, "occurred_at": when,
         "text": "今天走了三户。"}},
        {"type": "need", "uuid": str(uuid.uuid4()), "data": {"household_id": _household(world).pk,
         "category": "medical", "text": "看病远"}},
    ]
    results = _post(cadre_client, records).json()["results"]
    assert [r["status"] for r in results] == ["created"] * 6, results
    training = Meeting.objects.get(uuid=records[2]["uuid"])
    assert training.category == "training" and [p.name for p in training.participants.all()] == ["张三", "李四"]
    assert Meeting.objects.get(uuid=records[1]["uuid"]).get_kind_display() == "党的声音进万家"
    assert FamilyCall.objects.get(uuid=records[3]["uuid"]).minutes == 25


@pytest.mark.parametrize(("kind", "data", "code"), [
    ("lecture", {"kind": "courtyard"}, "unknown_kind"),
    ("meeting", {"attendance": 0}, "invalid_attendance"),
    ("meeting", {"attendance": "many"}, "invalid_number"),
    ("meeting", {"village": "520627105201"}, "outside_scope"),
    ("meeting", {"topic": ""}, "required"),
])
def test_bad_meetings(world, cadre_client, kind, data, code):
    base = {"village": world.village("tdw").code, "kind": "villagers" if kind == "meeting" else "law",
            "occurred_at": timezone.now().isoformat(), "place": "村委会", "topic": "议事", "attendance": 10}
    record = {"type": kind, "uuid": str(uuid.uuid4()), "data": {**base, **data}}
    result = _post(cadre_client, [record]).json()["results"][0]
    assert result["status"] == "invalid" and result["errors"][0]["code"] == code
    assert not Meeting.objects.filter(uuid=record["uuid"]).exists()


def test_household_edit_with_version_and_conflict(world, cadre_client):
    household = _household(world)
    edit = {"type": "household", "uuid": str(uuid.uuid4()), "base_version": household.version,
            "data": {"household_id": household.pk, "address": "五七村3组12号"}}
    result = _post(cadre_client, [edit]).json()["results"][0]
    assert result["status"] == "created" and result["version"] == household.version + 1
    assert _post(cadre_client, [edit]).json()["results"][0]["status"] == "duplicate"
    stale = {**edit, "uuid": str(uuid.uuid4()), "data": {**edit["data"], "address": "别处"}}
    result = _post(cadre_client, [stale]).json()["results"][0]
    assert result["status"] == "conflict" and result["reason"] == "version"
    assert result["server"]["address"] == "五七村3组12号" and result["server"]["version"] == household.version + 1
    household.refresh_from_db()
    assert household.address == "五七村3组12号"


def test_clerk_cannot_record_visits_but_can_record_meetings(world, client):
    client.force_login(world.users["tdw_clerk"])
    result = _post(client, [_visit(_household(world))]).json()["results"][0]
    assert result["status"] == "invalid" and result["errors"][0]["code"] == "not_a_cadre"
    meeting = {"type": "meeting", "uuid": str(uuid.uuid4()), "data": {
        "village": world.village("tdw").code, "kind": "villagers", "occurred_at": timezone.now().isoformat(),
        "place": "村委会", "topic": "议事", "attendance": 10}}
    assert _post(client, [meeting]).json()["results"][0]["status"] == "created"


def test_read_only_roles_get_invalid_forbidden(world, client):
    client.force_login(world.users["tdw_supervisor"])
    result = _post(client, [_visit(_household(world))]).json()["results"][0]
    assert result["status"] == "invalid" and result["errors"][0]["code"] == "forbidden"


def test_checkin_only_when_enabled(world, cadre_client, settings):
    record = {"type": "checkin", "uuid": str(uuid.uuid4()), "data": {
        "village": world.village("tdw").code, "occurred_at": timezone.now().isoformat(), "lat": 28.5, "lon": 108.4}}
    assert _post(cadre_client, [record]).json()["results"][0]["errors"][0]["code"] == "checkin_disabled"
    settings.MINXIN_GPS_CHECKIN = True
    assert _post(cadre_client, [record]).json()["results"][0]["status"] == "created"


def test_unauthenticated_is_401(client):
    response = _post(client, [])
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_bulk_write_falls_back_to_one_by_one_when_a_receipt_clashes(world, cadre_client, monkeypatch):
    from django.db import IntegrityError

    from minxin.fieldwork.models import SyncReceipt as Receipt

    records = [_visit(_household(world)) for _ in range(3)]
    real = Receipt.objects.bulk_create

    def clash(*args, **kwargs):
        raise IntegrityError("simulated concurrent insert")

    monkeypatch.setattr(Receipt.objects, "bulk_create", clash)
    results = _post(cadre_client, records).json()["results"]
    monkeypatch.setattr(Receipt.objects, "bulk_create", real)
    assert [r["status"] for r in results] == ["created"] * 3
    assert Visit.objects.filter(uuid__in=[r["uuid"] for r in records]).count() == 3


def test_same_uuid_twice_in_one_batch(world, cadre_client):
    record = _visit(_household(world))
    changed = {**record, "data": {**record["data"], "notes": "不同"}}
    results = _post(cadre_client, [record, record, changed]).json()["results"]
    assert [r["status"] for r in results] == ["created", "duplicate", "conflict"]
    assert Visit.objects.filter(uuid=record["uuid"]).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers; this race runs in make test's PostgreSQL pass")
def test_concurrent_batches_with_the_same_uuids_write_each_record_once():
    import threading

    from django.db import connection
    from django.test import Client

    from tests.world import build_world

    world = build_world()
    household = _household(world)
    records = [_visit(household) for _ in range(50)]
    answers, barrier = [], threading.Barrier(3)

    def send():
        client = Client()
        client.force_login(world.users["tdw_cadre"])
        barrier.wait()
        try:
            answers.append([r["status"] for r in _post(client, records).json()["results"]])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 3
    for index in range(50):
        statuses = sorted(answer[index] for answer in answers)
        assert statuses == ["created", "duplicate", "duplicate"], statuses
    assert Visit.objects.filter(uuid__in=[r["uuid"] for r in records]).count() == 50


# One bad record of each kind an outside test sent: each comes back `invalid` naming its field, the good
# records around them are written, and the answer is JSON — never a 500 (on SQLite and PostgreSQL alike).
HOSTILE = [
    ("impossible date", {"occurred_at": "2026-02-30T10:00:00+08:00"}, "occurred_at", "invalid_datetime"),
    ("hour 25", {"occurred_at": "2026-03-01T25:00:00+08:00"}, "occurred_at", "invalid_datetime"),
    ("the last minute of 9999 at -14:00 (the year 10000 here)", {"occurred_at": "9999-12-31T23:59:59-14:00"},
     "occurred_at", "future_date"),
    ("NaN latitude", {"lat": "@NaN@"}, "lat", "invalid_location"),
    ("infinite longitude", {"lon": "@Infinity@"}, "lon", "invalid_location"),
    ("accuracy 1e999", {"accuracy_m": "@1e999@"}, "accuracy_m", "invalid_accuracy"),
    ("NaN accuracy", {"accuracy_m": "@NaN@"}, "accuracy_m", "invalid_accuracy"),
    ("household id past 2^63", {"household_id": 2**64}, "household_id", "household_outside_scope"),
    ("5,000-character notes", {"notes": "长" * 5001}, "notes", "too_long"),
    ("NUL in notes", {"notes": "了解\x00收入"}, "notes", "nul_character"),
]


def _raw(records) -> str:
    """The batch as JSON, with "@NaN@"-style markers turned into the bare tokens Python's JSON accepts."""
    body = json.dumps({"records": records}, ensure_ascii=False)
    for token in ("NaN", "Infinity", "1e999"):
        body = body.replace(f'"@{token}@"', token)
    return body


def test_one_bad_record_of_each_kind_among_good_ones(world, cadre_client):
    household = _household(world)
    village = world.village("tdw").code
    when = (timezone.now() - datetime.timedelta(hours=2)).isoformat()
    records, expected = [_visit(household)], ["created"]
    for _label, data, _field, _code in HOSTILE:
        records += [_visit(household, **data), _visit(household)]
        expected += ["invalid", "created"]
    others = [
        ({"type": "household", "base_version": household.version,
          "data": {"household_id": household.pk, "address": "寨" * 5000}}, "address", "too_long"),
        ({"type": "diary", "data": {"village": village, "occurred_at": when, "text": "今天\x00走访"}}, "text",
         "nul_character"),
        ({"type": "meeting", "data": {"village": village, "kind": "courtyard", "occurred_at": when, "place": "院坝",
                                      "topic": "产业路", "attendance": 2**40}}, "attendance", "invalid_number"),
        ({"type": "call", "data": {"village": village, "left_behind_name": "王奶奶", "left_behind_kind": "elderly",
                                   "relative_name": "王强", "relative_place": "东莞" * 100, "occurred_at": when,
                                   "minutes": 25}}, "relative_place", "too_long"),
        ({"type": "need", "data": {"household_id": household.pk, "category": "medical", "text": "看\x00病"}}, "text",
         "nul_character"),
    ]
    for record, _field, _code in others:
        records += [{**record, "uuid": str(uuid.uuid4())}, _visit(household)]
        expected += ["invalid", "created"]
    response = cadre_client.post("/api/v1/sync", data=_raw(records), content_type="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    results = response.json()["results"]
    assert [r["status"] for r in results] == expected, results
    wanted = [(field, code) for _label, _data, field, code in HOSTILE] + [(f, c) for _r, f, c in others]
    invalid = [r for r in results if r["status"] == "invalid"]
    assert [(r["errors"][0]["field"], r["errors"][0]["code"]) for r in invalid] == wanted
    assert all(r["errors"][0]["message"] for r in invalid)
    good = [r["uuid"] for r in results if r["status"] == "created"]
    assert Visit.objects.filter(uuid__in=good).count() == len(good) == len(HOSTILE) + len(others) + 1
    assert not Visit.objects.filter(uuid__in=[r["uuid"] for r in invalid]).exists()
    household.refresh_from_db()
    assert "寨" not in household.address


@pytest.mark.parametrize(("body", "status", "code"), [
    ("[" * 100_000 + "]" * 100_000, 400, "malformed_json"),
    ('{"records": [' + '{"a":' * 50_000 + "1" + "}" * 50_000 + "]}", 400, "malformed_json"),
    ("{\"records\": \"x\x00\"}", 400, None),
])
def test_bodies_that_are_not_a_batch_are_a_json_400(cadre_client, body, status, code):
    response = cadre_client.post("/api/v1/sync", data=body, content_type="application/json")
    assert response.status_code == status and response["Content-Type"].startswith("application/json")
    assert code is None or response.json()["error"]["code"] == code


def test_an_oversized_body_is_a_json_413(cadre_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = cadre_client.post("/api/v1/sync", data=_raw([{"notes": "x" * 20_000}]), content_type="application/json")
    assert response.status_code == 413 and response.json()["error"]["code"] == "body_too_large"


def test_a_synced_visit_is_audited_like_one_recorded_on_its_page(world, cadre_client):
    from minxin.core.models import AuditEvent
    from minxin.fieldwork import services

    household = _household(world)
    records = [_visit(household, needs=[{"category": "water", "text": "水管坏了"}]), _visit(household)]
    assert [r["status"] for r in _post(cadre_client, records).json()["results"]] == ["created", "created"]
    synced = [Visit.objects.get(uuid=r["uuid"]) for r in records]
    web = services.visit_record(actor=world.users["tdw_cadre"], household=household, kind="home", notes="当面走访",
                                occurred_at=timezone.now() - datetime.timedelta(hours=2))
    events = {e.object_id: e for e in AuditEvent.objects.filter(action="visit.create", object_type="fieldwork.visit")}
    assert set(events) == {str(v.pk) for v in [*synced, web]}
    for visit, needs in [(synced[0], 1), (synced[1], 0), (web, 0)]:
        event = events[str(visit.pk)]
        assert event.actor == world.users["tdw_cadre"] and event.region_code == visit.village_id
        assert set(event.after) == {"household", "kind", "occurred_at", "needs", "late"}
        assert event.after["household"] == household.pk and event.after["needs"] == needs


def test_envelopes_of_the_wrong_json_type_are_refused_record_by_record(world, cadre_client):
    """Ids, uuids and types that are not what the contract says (a list, a number) are refused per
    record and the answer still lists every record: the good one is written once, nothing else."""
    good = _visit(_household(world))
    meeting = {"type": "meeting", "uuid": str(uuid.uuid4()),
               "data": {"village": world.village("tdw").code, "kind": "courtyard", "place": "院坝", "topic": "修路",
                        "attendance": 20, "occurred_at": good["data"]["occurred_at"],
                        "participants": [{"name": "张三", "household_id": "abc"}]}}
    sent = [
        good,
        {"type": "visit", "uuid": str(uuid.uuid4()), "data": {"household_id": [1]}},
        {"type": "visit", "uuid": 123, "data": {}},
        {"type": ["visit"], "uuid": str(uuid.uuid4()), "data": {}},
        {"type": "visit", "uuid": uuid.uuid4().int, "data": {}},
        meeting,
    ]
    response = _post(cadre_client, sent)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "invalid", "invalid", "invalid", "invalid", "invalid"]
    assert [r["uuid"] for r in results[2:5]] == [None, sent[3]["uuid"], None] and results[3]["type"] is None
    assert results[1]["errors"][0]["code"] == "invalid_household"
    assert results[5]["errors"][0]["field"] == "participants.0.household_id"
    assert Visit.objects.filter(uuid=good["uuid"]).count() == 1 and not Meeting.objects.filter(uuid=meeting["uuid"])


@pytest.mark.parametrize("device_time", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+01:00",
                                         "1970-01-01T08:00:00+08:00"])
def test_a_device_clock_that_cannot_be_right_is_not_kept(world, cadre_client, device_time):
    """A phone reset to 1970, or a crafted year 9999 (which PostgreSQL would store and then could not
    read back): the visit is kept, its device time is not."""
    record = {**_visit(_household(world)), "device_time": device_time}
    results = _post(cadre_client, [record]).json()["results"]
    assert results[0]["status"] == "created"
    visit = Visit.objects.get(uuid=record["uuid"])
    assert visit.device_time is None and not visit.late
    assert cadre_client.get("/api/v1/visits").status_code == 200


def _answer(client, record) -> dict:
    response = _post(client, [record])
    assert response.status_code == 200
    return response.json()["results"][0]


def _without_uuid(result: dict) -> dict:
    return {key: value for key, value in result.items() if key != "uuid"}


@pytest.mark.parametrize("persona", ["gz_admin", "gz_cadre", "gz_liaison"])
def test_a_replay_of_another_scopes_uuid_reads_like_a_fresh_record_of_that_scope(world, client, persona):
    """Knowing the uuid of a record outside one's scope tells nothing: resending it, with the same or
    different content, gets the answer a new uuid with the same data gets — never `duplicate` with
    the record's id — while its owner still gets `duplicate` with the id."""
    owner = Client()
    owner.force_login(world.users["tdw_cadre"])
    record = _visit(_household(world))
    created = _answer(owner, record)
    assert created["status"] == "created"
    client.force_login(world.users[persona])
    fresh = _answer(client, {**record, "uuid": str(uuid.uuid4())})
    assert fresh["status"] == "invalid" and fresh["errors"][0]["code"] == "household_outside_scope"
    same = _answer(client, record)
    changed = _answer(client, {**record, "data": {**record["data"], "notes": "改过的内容"}})
    assert _without_uuid(same) == _without_uuid(changed) == _without_uuid(fresh)
    assert same["uuid"] == record["uuid"] and same["id"] is None and same["server"] is None
    assert Visit.objects.get(uuid=record["uuid"]).notes == "了解收入"
    assert SyncReceipt.objects.filter(uuid=record["uuid"]).count() == 1
    # The owner's device resending its batch, and an administrator of its township, are answered as before.
    again = _answer(owner, record)
    assert again["status"] == "duplicate" and again["id"] == created["id"] is not None
    client.force_login(world.users["tdw_admin"])
    assert _answer(client, record)["id"] == created["id"]


def test_a_foreign_uuid_on_a_record_valid_in_ones_own_scope_is_refused_without_telling_anything(world, client):
    """The other side's uuid on a visit the cadre could record: the insert would hit the unique uuid, so
    it is refused — one answer whatever the content, with no id and no server copy — and nothing is
    written; the records around it in the batch are."""
    owner = Client()
    owner.force_login(world.users["tdw_cadre"])
    record = _visit(_household(world))
    assert _answer(owner, record)["status"] == "created"
    client.force_login(world.users["gz_cadre"])
    own_household = _household(world, "gz")
    mine = {**_visit(own_household), "uuid": record["uuid"]}
    first, second = _visit(own_household), _visit(own_household)
    results = _post(client, [first, mine, second]).json()["results"]
    assert [r["status"] for r in results] == ["created", "conflict", "created"]
    refused = results[1]
    assert {key: value for key, value in refused.items() if value is not None} == {
        "uuid": record["uuid"], "type": "visit", "status": "conflict", "reason": "uuid_reused",
        "errors": [{"field": "uuid", "code": "uuid_reused", "message": "该记录编号已被使用。"}]}
    assert refused["id"] is None and refused["server"] is None
    # The same answer when the content is the other record's very data but for the household.
    same_notes = {**mine, "data": {**record["data"], "household_id": own_household.pk}}
    assert _answer(client, same_notes) == refused
    assert _answer(client, {**mine, "data": {**mine["data"], "notes": "别的"}}) == refused
    visit = Visit.objects.get(uuid=record["uuid"])
    assert visit.household == _household(world) and visit.notes == "了解收入"
    assert SyncReceipt.objects.get(uuid=record["uuid"]).user == world.users["tdw_cadre"]
    assert Visit.objects.filter(household=own_household).count() == 2  # first and second only
