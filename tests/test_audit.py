"""The audit log: every service writes an event; events can never be changed or removed."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from minxin.accounts import services as account_services
from minxin.accounts.roles import Role
from minxin.cadres import services as cadre_services
from minxin.cadres.models import Assignment
from minxin.core.audit import audit_record
from minxin.core.models import AuditEvent
from minxin.core.privacy import reveal_identifier
from minxin.regions import services as region_services
from minxin.regions.models import Region
from tests.sealed import plain

pytestmark = pytest.mark.django_db

STRONG = "Qingshan-Lvshui-2026"


def _new_events(since_id):
    return list(AuditEvent.objects.filter(id__gt=since_id).order_by("id"))


def _last_id():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _one_event(since, action, actor, region_prefix):
    events = [e for e in _new_events(since) if e.action == action]
    assert len(events) == 1, f"{action}: {[e.action for e in _new_events(since)]}"
    event = events[0]
    assert event.actor_id == (actor.pk if actor else None)
    assert event.actor_name == (actor.username if actor else "system")
    assert event.region_code.startswith(region_prefix), event.region_code
    return event


def test_every_service_writes_an_audit_event(world, today):
    county, tdw = world.users["county_admin"], world.users["tdw_admin"]
    tdw_village = world.village("tdw")

    since = _last_id()
    user = account_services.user_create(actor=tdw, username="tdw_clerk_c", role=Role.VILLAGE_CLERK,
                                        scope=world.village("tdw", 1), password=STRONG)
    event = _one_event(since, "user.create", tdw, "520627106")
    assert event.object_id == str(user.pk) and event.after["username"] == "tdw_clerk_c"
    assert "password" not in event.after

    since = _last_id()
    account_services.user_update(actor=tdw, user=user, role=Role.VILLAGE_CLERK, scope=world.village("tdw", 1),
                                 full_name="茶园文书", phone="")
    assert _one_event(since, "user.update", tdw, "520627106").after == {"full_name": "茶园文书"}

    since = _last_id()
    account_services.user_set_password(actor=tdw, user=user, password="Another-Strong-2026")
    event = _one_event(since, "user.set_password", tdw, "520627106")
    assert "Another-Strong-2026" not in str(event.before) + str(event.after)

    since = _last_id()
    token, raw = account_services.token_issue(actor=user, user=user, name="test")
    event = _one_event(since, "token.issue", user, "520627106")
    assert raw not in str(event.after) + event.object_repr

    since = _last_id()
    account_services.token_revoke(actor=user, token=token)
    _one_event(since, "token.revoke", user, "520627106")

    since = _last_id()
    village = region_services.village_create(actor=tdw, code="520627106203", name="青杠村")
    _one_event(since, "region.create", tdw, "520627106203")

    since = _last_id()
    region_services.village_update(actor=tdw, village=village, name="青杠坪村", is_poor=True)
    event = _one_event(since, "region.update", tdw, "520627106203")
    assert event.before == {"name": "青杠村", "is_poor": False}
    assert event.after == {"name": "青杠坪村", "is_poor": True}

    since = _last_id()
    unit = cadre_services.sending_unit_save(actor=county, name="县水务局", level="county", kind="party_gov")
    _one_event(since, "sending_unit.create", county, "520627")
    since = _last_id()
    cadre_services.sending_unit_save(actor=county, unit=unit, name="县水务局", level="county", kind="institution")
    assert _one_event(since, "sending_unit.update", county, "520627").after == {"kind": "institution"}

    since = _last_id()
    cadre = cadre_services.cadre_save(actor=tdw, name="新干部", id_number="522228195001010010",
                                      phone="13912345678", sending_unit=unit)
    event = _one_event(since, "cadre.create", tdw, "520627106")
    # personal identifiers are kept masked in the log, an ID number by its area code only (its last
    # four beside the stored birth date would give it back to whoever holds the database)
    assert event.after["id_number"] == "522228************"
    assert event.after["phone"] == "139****5678"
    assert "13912345678" not in str(event.after)

    since = _last_id()
    cadre_services.cadre_save(actor=tdw, cadre=cadre, name="新干部", id_number="522228195001010010",
                              phone="13912345679", sending_unit=unit)
    event = _one_event(since, "cadre.update", tdw, "520627106")
    assert event.after == {"phone": "139****5679"} and event.before == {"phone": "139****5678"}

    since = _last_id()
    assignment = cadre_services.assignment_create(actor=tdw, cadre=cadre, village=tdw_village,
                                                  role=Assignment.Role.TEAM_MEMBER, start_date=today)
    _one_event(since, "assignment.create", tdw, tdw_village.code)
    cadre.refresh_from_db()  # as the next request would read it: now managed by its village
    assert cadre.region_code == tdw_village.code

    since = _last_id()
    cadre_services.insurance_record(actor=county, cadre=cadre, policy_number="A1", insurer="人保",
                                    start_date=today, end_date=today + datetime.timedelta(days=365))
    _one_event(since, "insurance.create", county, tdw_village.code)

    since = _last_id()
    leave = cadre_services.leave_request(actor=tdw, cadre=cadre, start_date=today + datetime.timedelta(days=3),
                                         end_date=today + datetime.timedelta(days=4), reason="体检")
    _one_event(since, "leave.request", tdw, tdw_village.code)
    since = _last_id()
    cadre_services.leave_decide(actor=tdw, leave=leave, approve=True)
    assert _one_event(since, "leave.approve", tdw, tdw_village.code).after["status"] == "approved"

    leave2 = cadre_services.leave_request(actor=tdw, cadre=cadre, start_date=today + datetime.timedelta(days=10),
                                          end_date=today + datetime.timedelta(days=10), reason="家事")
    since = _last_id()
    cadre_services.leave_decide(actor=tdw, leave=leave2, approve=False, note="村里有检查")
    assert _one_event(since, "leave.reject", tdw, tdw_village.code).after["note"] == "村里有检查"

    since = _last_id()
    assert reveal_identifier(actor=tdw, obj=cadre, field="id_number", region_code=cadre.region_code) \
        == "522228195001010010"
    _one_event(since, "reveal.id_number", tdw, tdw_village.code)

    since = _last_id()
    cadre_user = account_services.user_create(actor=tdw, username="xin_ganbu", role=Role.CADRE,
                                              scope=Region.objects.get(code="520627106000"), password=STRONG)
    cadre_services.cadre_link_user(actor=tdw, cadre=cadre, user=cadre_user)
    _one_event(since, "cadre.link_user", tdw, tdw_village.code)

    since = _last_id()
    cadre_services.assignment_end(actor=tdw, assignment=assignment, end_date=today, reason="工作需要", recall=True)
    _one_event(since, "assignment.recall", tdw, tdw_village.code)


def test_a_refused_service_writes_nothing(world):
    since = _last_id()
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        account_services.user_create(actor=world.users["tdw_admin"], username="x", role=Role.VILLAGE_CLERK,
                                     scope=world.village("gz"), password=STRONG)
    assert _new_events(since) == []


def test_seeding_the_county_is_logged_once(db):
    since = _last_id()
    region_services.region_seed_county()
    events = _new_events(since)
    assert [e.action for e in events] == ["region.seed"]
    assert events[0].after["created"] == 26  # province, prefecture, county and 23 townships
    region_services.region_seed_county()  # nothing new: nothing logged
    assert len(_new_events(since)) == 1


def test_unchanged_update_writes_no_event(world):
    clerk = world.users["tdw_clerk"]
    since = _last_id()
    account_services.user_update(actor=world.users["tdw_admin"], user=clerk, role=clerk.role, scope=clerk.scope,
                                 full_name=clerk.full_name, phone=plain(clerk, "phone"))
    assert _new_events(since) == []


# --- append-only -------------------------------------------------------------------------------

@pytest.fixture
def event(db):
    return audit_record(actor=None, action="test.event", object_type="test", region_code="520627000000",
                        after={"a": 1})


def test_saving_an_existing_event_is_refused(event):
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_bulk_update_and_update_or_create_are_refused(event):
    event.action = "tampered"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "tampered"})
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_scoped_event_list_is_also_append_only(world, event):
    events = AuditEvent.objects.visible_to(world.users["county_admin"])
    assert events.filter(pk=event.pk).exists()
    with pytest.raises(PermissionError):
        events.delete()
    with pytest.raises(PermissionError):
        events.update(action="x")


def test_every_action_the_code_writes_has_a_name_an_auditor_can_read():
    """The audit log shows actions in words: each code written anywhere has its label."""
    import re
    from pathlib import Path

    from minxin.core.audit import action_label

    source = "\n".join(path.read_text() for path in Path("minxin").rglob("*.py") if "migrations" not in path.parts)
    codes = set(re.findall(r'action="([a-z_]+(?:\.[a-z_]+)+)"', source))
    codes |= set(re.findall(r'else "([a-z_]+(?:\.[a-z_]+)+)"', source))
    codes |= set(re.findall(r'_event\(actor, "([a-z_]+(?:\.[a-z_]+)+)"', source))
    # The families written with a variable part, each member spelled out.
    codes |= {f"reveal.{f}" for f in ("id_number", "phone", "contact_phone")}
    codes |= {f"{c}.create" for c in ("meeting", "lecture", "training")}
    codes |= {f"household.import.{a}" for a in ("create", "update")}
    codes |= {f"consequence.{k}" for k in ("commendation", "promotion", "accountability", "recall")}
    assert len(codes) > 70
    unnamed = sorted(code for code in codes if action_label(code) == code)
    assert unnamed == []


@pytest.mark.django_db
def test_the_audit_log_filters_by_action_actor_subject_and_date(world, client):
    from minxin.core.privacy import reveal_identifier

    cadre = world.cadres["tdw"][0]
    reveal_identifier(actor=world.users["tdw_admin"], obj=cadre, field="id_number", region_code=cadre.region_code)
    client.force_login(world.users["county_auditor"])
    page = client.get("/audit/", {"action": "reveal.id_number"}).content.decode()
    assert '<td title="reveal.id_number">查看完整身份证号</td>' in page and cadre.name in page
    assert page.count("<td title=") == page.count('<td title="reveal.id_number">')  # that action only
    assert cadre.name not in client.get("/audit/", {"action": "reveal.id_number", "actor": "gz_admin"}).content.decode()
    assert cadre.name in client.get("/audit/", {"actor": "tdw_admin", "subject": cadre.name[:2]}).content.decode()
    today = timezone.localdate()
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert cadre.name not in client.get("/audit/", {"action": "reveal.id_number", "until": yesterday}).content.decode()
    assert cadre.name in client.get("/audit/", {"action": "reveal.id_number", "since": today.isoformat(),
                                                "until": today.isoformat()}).content.decode()
    # Bad filters are answered on the page, never a 500: an impossible date, a reversed range, an unknown action.
    for bad in ({"since": "2026-02-30"}, {"since": today.isoformat(), "until": yesterday}, {"action": "drop.table"},
                {"until": "9999-12-31"}, {"since": "0001-01-01"}):  # the day after / 8 h before would overflow
        response = client.get("/audit/", bad)
        assert response.status_code == 200 and "text-danger" in response.content.decode(), bad
