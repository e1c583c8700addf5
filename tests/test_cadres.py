"""Cadres and residency (SPEC §4.1): assignments, recall, insurance flags, leave approval, forms."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from minxin.cadres import services
from minxin.cadres.models import Assignment, Cadre, Insurance, LeaveRequest
from minxin.cadres.selectors import insurance_status
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.core.models import AuditEvent
from minxin.core.sealing import digest
from minxin.regions.models import Region
from tests.sealed import plain
from tests.world import make_id_number

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def new_cadre(world, side="tdw", seq=900, name="新来的"):
    return Cadre.objects.create(name=name, sex="M", birth_date=datetime.date(1988, 8, 8),
                                id_number=make_id_number("19880808", seq), phone="13800000000",
                                sending_unit=world.units[side], region_code=world.village(side).code)


# --- assignments -------------------------------------------------------------------------------

def test_assignment_that_ends_before_it_starts_is_refused(world, today):
    cadre = new_cadre(world)
    with pytest.raises(DomainError) as info:
        services.assignment_create(actor=world.users["tdw_admin"], cadre=cadre, village=world.village("tdw"),
                                   role=Assignment.Role.TEAM_MEMBER, start_date=today, end_date=today - DAY)
    assert info.value.code == "end_before_start" and info.value.field == "end_date"
    assert not cadre.assignments.exists()


def test_overlapping_active_assignment_is_refused_with_a_clear_message(world, today):
    cadre = world.cadres["tdw"][0]  # active in 五七村 since 100 days ago, open-ended
    with pytest.raises(DomainError) as info:
        services.assignment_create(actor=world.users["tdw_admin"], cadre=cadre, village=world.village("tdw", 1),
                                   role=Assignment.Role.TEAM_MEMBER, start_date=today + 30 * DAY)
    assert info.value.code == "overlapping_assignment"
    assert cadre.name in info.value.message and "五七村" in info.value.message and "重叠" in info.value.message
    assert cadre.assignments.count() == 1


def test_overlap_with_a_bounded_assignment(world, today):
    cadre = new_cadre(world)
    admin = world.users["tdw_admin"]
    services.assignment_create(actor=admin, cadre=cadre, village=world.village("tdw"),
                               role=Assignment.Role.TEAM_MEMBER, start_date=today, end_date=today + 60 * DAY)
    # starts on the last day of the first: overlaps by one day
    with pytest.raises(DomainError):
        services.assignment_create(actor=admin, cadre=cadre, village=world.village("tdw", 1),
                                   role=Assignment.Role.TEAM_MEMBER, start_date=today + 60 * DAY)
    # an earlier, open-ended one would run into it too
    with pytest.raises(DomainError):
        services.assignment_create(actor=admin, cadre=cadre, village=world.village("tdw", 1),
                                   role=Assignment.Role.TEAM_MEMBER, start_date=today - 30 * DAY)
    # the day after is fine
    later = services.assignment_create(actor=admin, cadre=cadre, village=world.village("tdw", 1),
                                       role=Assignment.Role.TEAM_LEADER, start_date=today + 61 * DAY)
    assert later.status == Assignment.Status.ACTIVE
    assert cadre.assignments.count() == 2


def test_ended_assignments_do_not_block_a_new_one(world, today):
    cadre = world.cadres["tdw"][0]
    admin = world.users["tdw_admin"]
    services.assignment_end(actor=admin, assignment=world.assignments["tdw"][0], end_date=today, reason="期满")
    assignment = services.assignment_create(actor=admin, cadre=cadre, village=world.village("tdw", 1),
                                            role=Assignment.Role.FIRST_SECRETARY, start_date=today + DAY)
    cadre.refresh_from_db()
    assert cadre.region_code == assignment.village_id == world.village("tdw", 1).code


def test_assignment_outside_scope_or_not_to_a_village_is_refused(world, today):
    cadre = new_cadre(world)
    admin = world.users["tdw_admin"]
    with pytest.raises(DomainError) as info:
        services.assignment_create(actor=admin, cadre=cadre, village=world.village("gz"),
                                   role=Assignment.Role.TEAM_MEMBER, start_date=today)
    assert info.value.code == "scope_outside"
    with pytest.raises(DomainError) as info:
        services.assignment_create(actor=admin, cadre=cadre, village=Region.objects.get(code="520627106000"),
                                   role=Assignment.Role.TEAM_MEMBER, start_date=today)
    assert info.value.code == "not_a_village"
    with pytest.raises(PermissionDenied):
        services.assignment_create(actor=world.users["tdw_clerk"], cadre=cadre, village=world.village("tdw"),
                                   role=Assignment.Role.TEAM_MEMBER, start_date=today)
    assert not cadre.assignments.exists()


def test_recall_requires_a_reason_and_sets_recalled(world, today):
    assignment = world.assignments["tdw"][1]
    admin = world.users["tdw_admin"]
    with pytest.raises(DomainError) as info:
        services.assignment_end(actor=admin, assignment=assignment, end_date=today, reason="  ", recall=True)
    assert info.value.code == "reason_required"
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE and assignment.end_date is None

    services.assignment_end(actor=admin, assignment=assignment, end_date=today, reason="违反驻村纪律", recall=True)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RECALLED
    assert assignment.end_reason == "违反驻村纪律" and assignment.end_date == today
    with pytest.raises(DomainError) as info:
        services.assignment_end(actor=admin, assignment=assignment, end_date=today, reason="again")
    assert info.value.code == "not_active"


def test_ending_at_term_needs_no_reason_and_not_before_the_start(world, today):
    assignment = world.assignments["tdw"][2]
    admin = world.users["tdw_admin"]
    with pytest.raises(DomainError) as info:
        services.assignment_end(actor=admin, assignment=assignment, end_date=assignment.start_date - DAY, reason="")
    assert info.value.code == "end_before_start"
    services.assignment_end(actor=admin, assignment=assignment, end_date=today, reason="")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ENDED


def test_recall_through_the_page(world, as_user, today):
    client = as_user(world.users["tdw_admin"])
    assignment = world.assignments["tdw"][1]
    url = reverse("cadres:assignment-end", args=[assignment.pk])
    client.post(url, {"end_date": today.isoformat(), "recall": "on", "reason": ""})
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE
    response = client.post(url, {"end_date": today.isoformat(), "recall": "on", "reason": "工作调动"}, follow=True)
    assert "任职已召回" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RECALLED


# --- insurance ---------------------------------------------------------------------------------

def test_cadre_without_cover_is_flagged_in_the_list_and_on_its_page(world, as_user, today):
    uninsured = world.cadres["tdw"][1]
    Insurance.objects.filter(cadre=uninsured).delete()
    lapsed = world.cadres["tdw"][2]
    Insurance.objects.filter(cadre=lapsed).update(start_date=today - 400 * DAY, end_date=today - DAY)
    client = as_user(world.users["tdw_admin"])

    response = client.get(reverse("cadres:list") + "?uninsured=1")
    assert {c.pk for c in response.context["page"].object_list} == {uninsured.pk, lapsed.pk}

    body = client.get(reverse("cadres:detail", args=[uninsured.pk])).content.decode()
    assert 'data-testid="insurance-flag"' in body
    body = client.get(reverse("cadres:detail", args=[lapsed.pk])).content.decode()
    assert 'data-testid="insurance-flag"' in body
    body = client.get(reverse("cadres:detail", args=[world.cadres["tdw"][0].pk])).content.decode()
    assert 'data-testid="insurance-flag"' not in body and 'data-testid="insurance-expiring"' not in body


def test_unassigned_cadre_without_cover_is_not_in_the_uninsured_list(world, as_user):
    cadre = new_cadre(world)  # no assignment, no insurance: not resident, nothing to flag
    client = as_user(world.users["tdw_admin"])
    listed = {c.pk for c in client.get(reverse("cadres:list") + "?uninsured=1").context["page"].object_list}
    assert cadre.pk not in listed


def test_expiring_cover_gets_a_warning_unless_renewed(world, as_user, today):
    cadre = world.cadres["tdw"][0]
    warn_days = settings.MINXIN_INSURANCE_WARNING_DAYS
    Insurance.objects.filter(cadre=cadre).update(end_date=today + (warn_days - 1) * DAY)
    status = insurance_status(cadre=cadre)
    assert status["covered"] and status["expiring"]
    client = as_user(world.users["tdw_admin"])
    body = client.get(reverse("cadres:detail", args=[cadre.pk])).content.decode()
    assert 'data-testid="insurance-expiring"' in body
    # a renewal starting the day after removes the warning
    services.insurance_record(actor=world.users["county_admin"], cadre=cadre, policy_number="R1", insurer="人寿",
                              start_date=today + warn_days * DAY, end_date=today + (warn_days + 365) * DAY)
    assert not insurance_status(cadre=cadre)["expiring"]


def test_cover_beyond_the_warning_window_is_not_expiring(world, today):
    cadre = world.cadres["tdw"][0]
    Insurance.objects.filter(cadre=cadre).update(end_date=today + (settings.MINXIN_INSURANCE_WARNING_DAYS + 1) * DAY)
    assert insurance_status(cadre=cadre) == {**insurance_status(cadre=cadre), "covered": True, "expiring": False}


def test_cover_that_starts_later_is_not_valid_today(world, today):
    cadre = world.cadres["tdw"][0]
    Insurance.objects.filter(cadre=cadre).update(start_date=today + DAY, end_date=today + 300 * DAY)
    assert insurance_status(cadre=cadre)["covered"] is False


def test_insurance_rules(world, today):
    cadre = world.cadres["tdw"][0]
    county = world.users["county_admin"]
    with pytest.raises(DomainError) as info:
        services.insurance_record(actor=county, cadre=cadre, policy_number="Z", insurer="人寿",
                                  start_date=today, end_date=today - DAY)
    assert info.value.code == "end_before_start"
    with pytest.raises(DomainError) as info:  # world already holds 人寿 Ptdw0
        services.insurance_record(actor=county, cadre=cadre, policy_number="Ptdw0", insurer="人寿",
                                  start_date=today, end_date=today + DAY)
    assert info.value.code == "duplicate_policy"
    # a liaison insures only its own unit's cadres
    with pytest.raises(PermissionDenied):
        services.insurance_record(actor=world.users["gz_liaison"], cadre=cadre, policy_number="Z", insurer="人寿",
                                  start_date=today, end_date=today + DAY)
    services.insurance_record(actor=world.users["tdw_liaison"], cadre=cadre, policy_number="Z", insurer="人寿",
                              start_date=today, end_date=today + DAY)
    assert cadre.insurances.filter(policy_number="Z").exists()


# --- leave -------------------------------------------------------------------------------------

def _leave(world, days, side="tdw", index=1, offset=5):
    today = timezone.localdate()
    cadre = world.cadres[side][index]
    start = today + offset * DAY
    return services.leave_request(actor=world.users[f"{side}_admin"], cadre=cadre, start_date=start,
                                  end_date=start + (days - 1) * DAY, reason="家中有事")


def test_short_leave_is_decided_by_the_township_not_the_county(world):
    limit = settings.MINXIN_LEAVE_TOWNSHIP_MAX_DAYS
    leave = _leave(world, limit)
    assert leave.days == limit and leave.approval_level == LeaveRequest.Level.TOWNSHIP
    with pytest.raises(PermissionDenied):
        services.leave_decide(actor=world.users["county_admin"], leave=leave, approve=True)
    with pytest.raises(DomainError):  # the other township's admin: outside its scope
        services.leave_decide(actor=world.users["gz_admin"], leave=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING
    services.leave_decide(actor=world.users["tdw_admin"], leave=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED and leave.decided_by == world.users["tdw_admin"]


def test_long_leave_is_decided_by_the_county_not_the_township(world):
    limit = settings.MINXIN_LEAVE_TOWNSHIP_MAX_DAYS
    leave = _leave(world, limit + 1)
    assert leave.days == limit + 1 and leave.approval_level == LeaveRequest.Level.COUNTY
    with pytest.raises(PermissionDenied) as info:
        services.leave_decide(actor=world.users["tdw_admin"], leave=leave, approve=True)
    assert "县级" in info.value.message
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING
    services.leave_decide(actor=world.users["county_admin"], leave=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED


def test_township_admin_cannot_approve_long_leave_through_the_page(world, as_user):
    leave = _leave(world, 7)
    response = as_user(world.users["tdw_admin"]).post(reverse("cadres:leave-decide", args=[leave.pk]),
                                                      {"approve": "1", "note": ""})
    assert response.status_code == 403
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING


def test_cadre_may_request_leave_only_for_itself(world, today):
    cadre_user = world.users["tdw_cadre"]  # linked to world.cadres["tdw"][0]
    with pytest.raises(PermissionDenied):
        services.leave_request(actor=cadre_user, cadre=world.cadres["tdw"][1], start_date=today + DAY,
                               end_date=today + DAY, reason="x")
    leave = services.leave_request(actor=cadre_user, cadre=world.cadres["tdw"][0], start_date=today + 3 * DAY,
                                   end_date=today + 3 * DAY, reason="看病")
    assert leave.requested_by == cadre_user and leave.village_code == world.village("tdw").code


def test_cadre_cannot_decide_its_own_leave(world, today):
    leave = services.leave_request(actor=world.users["tdw_cadre"], cadre=world.cadres["tdw"][0],
                                   start_date=today + 3 * DAY, end_date=today + 3 * DAY, reason="看病")
    with pytest.raises(PermissionDenied):
        services.leave_decide(actor=world.users["tdw_cadre"], leave=leave, approve=True)


def test_rejecting_needs_a_note_and_deciding_twice_is_refused(world):
    leave = _leave(world, 2)
    admin = world.users["tdw_admin"]
    with pytest.raises(DomainError) as info:
        services.leave_decide(actor=admin, leave=leave, approve=False, note="  ")
    assert info.value.code == "note_required"
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING
    services.leave_decide(actor=admin, leave=leave, approve=False, note="近期有检查")
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.REJECTED and leave.decision_note == "近期有检查"
    with pytest.raises(DomainError) as info:
        services.leave_decide(actor=admin, leave=leave, approve=True)
    assert info.value.code == "already_decided"
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.REJECTED


def test_leave_request_rules(world, today):
    admin = world.users["tdw_admin"]
    cadre = world.cadres["tdw"][1]
    with pytest.raises(DomainError) as info:
        services.leave_request(actor=admin, cadre=cadre, start_date=today + 2 * DAY, end_date=today + DAY,
                               reason="x")
    assert info.value.code == "end_before_start"
    with pytest.raises(DomainError) as info:
        services.leave_request(actor=admin, cadre=cadre, start_date=today, end_date=today, reason=" ")
    assert info.value.code == "reason_required"
    _leave(world, 3, offset=5)
    with pytest.raises(DomainError) as info:  # overlaps days 5–7
        _leave(world, 2, offset=7)
    assert info.value.code == "overlapping_leave"
    unassigned = new_cadre(world)
    with pytest.raises(DomainError) as info:
        services.leave_request(actor=admin, cadre=unassigned, start_date=today, end_date=today, reason="x")
    assert info.value.code == "not_assigned"


# --- the cadre form ----------------------------------------------------------------------------

@pytest.mark.parametrize(("id_number", "message"), [
    ("520627198808080013", "校验码"),
    (make_id_number("19990230", 11), "出生日期"),
    ("522228500101013", "18 位"),
    (make_id_number("19880808", 11, area="999999"), "地区码"),
])
def test_bad_id_number_is_a_form_error_and_nothing_is_written(world, as_user, id_number, message):
    client = as_user(world.users["county_admin"])
    cadres, events = Cadre.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("cadres:new"), {
        "name": "王五", "id_number": id_number, "phone": "13912345678",
        "sending_unit": world.units["tdw"].pk, "is_party_member": "on", "post": "科员",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors["id_number"]
    assert any(message in error for error in errors), errors
    assert message in response.content.decode()
    assert Cadre.objects.count() == cadres and AuditEvent.objects.count() == events


def test_valid_cadre_form_derives_sex_and_birth_date(world, as_user):
    client = as_user(world.users["county_admin"])
    id_number = make_id_number("19760229", 124, area="522228")  # a leap day, old county code, even → F
    response = client.post(reverse("cadres:new"), {
        "name": "田秀英", "id_number": id_number.lower(), "phone": "139 1234 5678",
        "sending_unit": world.units["tdw"].pk, "is_party_member": "on", "post": "副科长",
    })
    assert response.status_code == 302, response.context["form"].errors
    cadre = Cadre.objects.get(id_number_hash=digest(id_number))
    assert cadre.sex == "F" and cadre.birth_date == datetime.date(1976, 2, 29)
    assert plain(cadre, "phone") == "13912345678"
    assert cadre.region_code == "520627000000"


def test_duplicate_id_number_is_a_form_error(world, as_user):
    client = as_user(world.users["county_admin"])
    existing = world.cadres["gz"][0]
    response = client.post(reverse("cadres:new"), {
        "name": "重复", "id_number": plain(existing), "phone": "13912345678",
        "sending_unit": world.units["tdw"].pk,
    })
    assert response.status_code == 200 and "id_number" in response.context["form"].errors
    assert Cadre.objects.filter(id_number_hash=digest(plain(existing))).count() == 1


def test_assignment_form_offers_only_villages_in_scope_and_posts(world, as_user, today):
    cadre = new_cadre(world)
    client = as_user(world.users["tdw_admin"])
    url = reverse("cadres:assignment-new", args=[cadre.pk])
    villages = set(client.get(url).context["form"].fields["village"].queryset.values_list("code", flat=True))
    assert villages == {v.code for v in world.villages["tdw"]}
    response = client.post(url, {"village": world.village("tdw", 1).code, "role": "team_member",
                                 "start_date": today.isoformat()})
    assert response.status_code == 302
    assert cadre.assignments.get().village_id == world.village("tdw", 1).code
    response = client.post(url, {"village": world.village("tdw").code, "role": "team_member",
                                 "start_date": today.isoformat()})
    assert response.status_code == 200
    assert "重叠" in response.content.decode()
    assert cadre.assignments.count() == 1


def test_leave_page_for_a_cadre(world, as_user, today):
    client = as_user(world.users["tdw_cadre"])
    own = world.cadres["tdw"][0]
    response = client.post(reverse("cadres:leave-new", args=[own.pk]), {
        "start_date": (today + 2 * DAY).isoformat(), "end_date": (today + 6 * DAY).isoformat(), "reason": "探亲",
    })
    assert response.status_code == 302
    leave = own.leaves.get(reason="探亲")
    assert leave.days == 5 and leave.approval_level == LeaveRequest.Level.COUNTY


# --- identifiers stay masked in search ---------------------------------------------------------

def test_search_by_hidden_id_digits_is_not_an_oracle(world, as_user):
    """A role that may not reveal ID numbers must not learn the masked digits by searching for them."""
    cadre = world.cadres["tdw"][0]
    auditor = as_user(world.users["county_auditor"])
    found = lambda client, q: {c.pk for c in client.get(reverse("cadres:list"), {"q": q}).context["page"].object_list}  # noqa: E731
    assert cadre.pk in found(auditor, plain(cadre)[-4:])  # the visible part of the mask
    assert cadre.pk not in found(auditor, plain(cadre)[-5:])
    assert cadre.pk not in found(auditor, plain(cadre))
    api_rows = auditor.get("/api/v1/cadres", {"q": plain(cadre)[-6:]}).json()
    assert cadre.pk not in {row["id"] for row in api_rows}
    # an administrator who may reveal identifiers finds a cadre by the whole number
    admin = as_user(world.users["county_admin"])
    assert found(admin, plain(cadre)) == {cadre.pk}


# --- which village manages a cadre -------------------------------------------------------------

def test_a_future_posting_does_not_take_the_cadre_from_its_current_village(world, today):
    county, tdw_admin = world.users["county_admin"], world.users["tdw_admin"]
    cadre = new_cadre(world)
    current = services.assignment_create(actor=county, cadre=cadre, village=world.village("tdw"),
                                         role=Assignment.Role.TEAM_MEMBER, start_date=today - 10 * DAY,
                                         end_date=today + 20 * DAY)
    services.assignment_create(actor=county, cadre=cadre, village=world.village("gz"),
                               role=Assignment.Role.TEAM_MEMBER, start_date=today + 21 * DAY)
    cadre.refresh_from_db()
    assert cadre.region_code == world.village("tdw").code
    assert Cadre.objects.visible_to(tdw_admin).filter(pk=cadre.pk).exists()
    # leave during the current posting belongs to the current village
    leave = services.leave_request(actor=tdw_admin, cadre=cadre, start_date=today + DAY, end_date=today + DAY,
                                   reason="x")
    assert leave.village_code == world.village("tdw").code
    # once the current posting ends, the next one manages the cadre
    services.assignment_end(actor=tdw_admin, assignment=current, end_date=today, reason="")
    cadre.refresh_from_db()
    assert cadre.region_code == world.village("gz").code


@pytest.mark.django_db
def test_the_edit_form_shows_identifiers_masked_and_keeps_them_when_sent_back(world, client):
    cadre = world.cadres["tdw"][0]
    number, phone = plain(cadre), plain(cadre, "phone")
    client.force_login(world.users["tdw_admin"])
    page = client.get(f"/cadres/{cadre.pk}/edit/").content.decode()
    assert number not in page and phone not in page
    assert mask_id_number(number) in page and mask_phone(phone) in page
    assert not AuditEvent.objects.filter(action__startswith="reveal.", object_id=str(cadre.pk)).exists()
    form = {"name": "坳干部甲改", "id_number": mask_id_number(number), "phone": mask_phone(phone),
            "sending_unit": cadre.sending_unit_id, "is_party_member": "on", "post": "科员"}
    assert client.post(f"/cadres/{cadre.pk}/edit/", form).status_code == 302
    cadre.refresh_from_db()
    assert (cadre.name, plain(cadre), plain(cadre, "phone")) == ("坳干部甲改", number, phone)
    corrected = make_id_number("19850502", 71)  # a corrected number is typed in full
    assert client.post(f"/cadres/{cadre.pk}/edit/", {**form, "id_number": corrected}).status_code == 302
    cadre.refresh_from_db()
    assert plain(cadre) == corrected


@pytest.mark.django_db
def test_a_liaison_starts_on_its_units_cadres_with_insurance_and_leave(world, client):
    """Not bare village tiles: the unit's cadres in post, whether each is insured today, and leave."""
    import datetime

    from django.utils import timezone

    from minxin.cadres.models import Insurance, LeaveRequest

    unit_cadres = [c for c in world.cadres["tdw"] if c.sending_unit_id == world.units["tdw"].pk]
    assert len(unit_cadres) >= 2
    insured, bare = unit_cadres[0], unit_cadres[1]
    today = timezone.localdate()
    Insurance.objects.filter(cadre__in=unit_cadres).delete()
    Insurance.objects.create(cadre=insured, policy_number="P-1", insurer="人保", start_date=today - datetime.timedelta(days=30),
                             end_date=today + datetime.timedelta(days=300), premium="120.00")
    LeaveRequest.objects.filter(cadre__in=unit_cadres).delete()
    LeaveRequest.objects.create(cadre=bare, start_date=today, end_date=today + datetime.timedelta(days=2), days=3,
                                reason="看病", approval_level="township", status="approved",
                                requested_by=world.users["tdw_admin"])
    LeaveRequest.objects.create(cadre=insured, start_date=today, end_date=today, days=1, reason="办事",
                                approval_level="township", status="pending", requested_by=world.users["tdw_admin"])
    client.force_login(world.users["tdw_liaison"])
    response = client.get("/", follow=True)
    body = response.content.decode()
    assert 'data-testid="unit-cadres"' in body
    section = body[body.index('data-testid="unit-cadres"'):]
    row_of = {c.name: section[section.index(c.name):section.index("</tr>", section.index(c.name))] for c in unit_cadres}
    assert "有效" in row_of[insured.name] and "无有效保险" in row_of[bare.name]
    assert "在假" in row_of[bare.name]
    assert "待审批" in row_of[insured.name] and "在假" not in row_of[insured.name]  # asked for, not granted
    assert not [c for c in world.cadres["gz"] if c.name in section]
    client.force_login(world.users["tdw_admin"])  # others still start on their dashboard
    assert client.get("/").status_code == 302
