"""Services and derived figures: requests' lifecycle, needs, cards, photos, coverage, presence."""

import calendar
import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from minxin.cadres.models import Assignment, LeaveRequest
from minxin.core.errors import DomainError
from minxin.core.models import AuditEvent
from minxin.fieldwork import coverage, presence, services
from minxin.fieldwork.models import LiaisonCard, Visit
from minxin.registry.models import Helper, Household
from tests.fieldwork.world import TINY_PNG

pytestmark = pytest.mark.django_db


def _visit(world, household, *, days_ago=0, kind="home", side="tdw"):
    return services.visit_record(actor=world.users[f"{side}_cadre"], household=household, kind=kind,
                                 occurred_at=timezone.now() - datetime.timedelta(days=days_ago))


def test_visit_record_writes_an_audit_event(world):
    household = world.fieldwork["tdw"]["households"][3]
    visit = _visit(world, household)
    event = AuditEvent.objects.get(action="visit.create", object_id=str(visit.pk))
    assert event.region_code == household.village_id and event.actor == world.users["tdw_cadre"]


def test_request_lifecycle_response_time_and_satisfaction(world):
    item = world.fieldwork["tdw"]["request"]
    admin = world.users["tdw_admin"]
    cadre = world.users["tdw_cadre"]
    with pytest.raises(DomainError) as exc:
        services.request_close(actor=admin, request=item, satisfaction="satisfied")
    assert exc.value.code == "not_answered"
    with pytest.raises(DomainError) as exc:
        services.request_assign(actor=admin, request=item, assignee=world.users["gz_cadre"])
    assert exc.value.code == "assignee_outside_scope"
    item = services.request_assign(actor=admin, request=item, assignee=cadre)
    assert item.status == "assigned"
    item = services.request_answer(actor=cadre, request=item, answer="已联系电工，周五修好。")
    assert item.status == "answered" and item.response_hours >= 24 * 10 - 1
    item = services.request_close(actor=cadre, request=item, satisfaction="satisfied")
    assert item.status == "closed" and item.get_satisfaction_display() == "满意"
    with pytest.raises(DomainError):
        services.request_answer(actor=cadre, request=item, answer="again")
    actions = set(AuditEvent.objects.filter(object_id=str(item.pk), object_type="fieldwork.villagerrequest")
                  .values_list("action", flat=True))
    assert {"request.assign", "request.answer", "request.close"} <= actions


def test_overdue_flag_follows_the_setting(world, settings):
    item = world.fieldwork["tdw"]["request"]  # submitted 10 days ago, unanswered
    settings.MINXIN_REQUEST_OVERDUE_DAYS = 7
    assert item.is_overdue
    from minxin.fieldwork.models import VillagerRequest

    assert VillagerRequest.objects.overdue().filter(pk=item.pk).exists()
    settings.MINXIN_REQUEST_OVERDUE_DAYS = 30
    assert not item.is_overdue
    assert not VillagerRequest.objects.overdue().filter(pk=item.pk).exists()


def test_need_update_requires_progress_to_close(world):
    need = world.fieldwork["tdw"]["need"]
    admin = world.users["tdw_admin"]
    with pytest.raises(DomainError) as exc:
        services.need_update(actor=admin, need=need, status="closed")
    assert exc.value.field == "progress"
    need = services.need_update(actor=admin, need=need, status="closed", owner=world.users["tdw_cadre"],
                                progress="已协调水管")
    assert need.status == "closed" and need.closed_at is not None


def test_cards_one_per_household_reissue_revokes(world):
    village = world.village("tdw")
    actor = world.users["tdw_cadre"]
    count = services.cards_issue_village(actor=actor, village=village)
    households = world.fieldwork["tdw"]["households"]
    assert count == Household.objects.filter(village=village).count() - 1  # one already had a card
    assert services.cards_issue_village(actor=actor, village=village) == 0
    old = LiaisonCard.objects.get(household=households[0], revoked_at__isnull=True)
    new = services.card_issue(actor=actor, household=households[0], reissue=True)
    old.refresh_from_db()
    assert old.revoked_at is not None and new.token != old.token
    with pytest.raises(DomainError):
        services.card_issue(actor=world.users["gz_cadre"], household=households[0])


def test_photo_checks_size_and_magic_bytes(world, settings):
    visit = world.fieldwork["tdw"]["visit"]
    actor = world.users["tdw_cadre"]
    photo = services.visit_attach_photo(actor=actor, visit=visit, data=TINY_PNG)
    assert photo.content_type == "image/png" and photo.image.read() == TINY_PNG
    jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 100
    assert services.visit_attach_photo(actor=actor, visit=visit, data=jpeg).content_type == "image/jpeg"
    webp = b"RIFF\x10\0\0\0WEBPVP8 " + b"\0" * 20
    assert services.visit_attach_photo(actor=actor, visit=visit, data=webp).content_type == "image/webp"
    with pytest.raises(DomainError) as exc:
        services.visit_attach_photo(actor=actor, visit=visit, data=b"%PDF-1.4 not an image")
    assert exc.value.code == "not_an_image"
    settings.MINXIN_PHOTO_MAX_BYTES = 1024
    with pytest.raises(DomainError) as exc:
        services.visit_attach_photo(actor=actor, visit=visit, data=TINY_PNG + b"\0" * 2000)
    assert exc.value.code == "photo_too_large"
    assert visit.photos.count() == 4  # the world's photo and the three accepted here


def test_village_coverage_figures(world):
    households = world.fieldwork["tdw"]["households"]  # 4; #0 visited 2 days ago in the world
    _visit(world, households[1], kind="care")
    _visit(world, households[0], days_ago=1)
    code = world.village("tdw").code
    in_village = Household.objects.filter(village_id=code)
    c = coverage.village_coverage(village_code=code)
    assert c.households == in_village.count()
    assert c.month == 2 and c.quarter == 2 and c.year == 2
    assert c.never_visited_count == in_village.count() - 2
    assert {households[2].pk, households[3].pk} <= {h.pk for h in c.never_visited}
    assert households[0].pk not in {h.pk for h in c.never_visited}
    assert c.paired_count == Helper.objects.filter(household__village_id=code).values("household").distinct().count()
    assert households[0].pk not in {h.pk for h in c.paired_stale}
    care = in_village.filter(Q(care_child=True) | Q(care_elderly=True) | Q(care_women=True))
    assert c.care_households == care.count() and c.care_visits_year == 1
    assert households[2].pk in {h.pk for h in c.care_unvisited_quarter}
    assert households[1].pk not in {h.pk for h in c.care_unvisited_quarter}


def test_paired_household_not_visited_for_six_months(world):
    household = world.fieldwork["tdw"]["households"][0]
    Visit.objects.filter(household=household).update(occurred_at=timezone.now() - datetime.timedelta(days=200))
    c = coverage.village_coverage(village_code=world.village("tdw").code)
    assert household.pk in {h.pk for h in c.paired_stale}
    mine = coverage.cadre_coverage(cadre=world.cadres["tdw"][0], village_codes=[world.village("tdw").code])
    assert mine.paired_count == 1 and mine.paired_stale_count == 1


def test_presence_days_from_records_and_leave(world, settings):
    settings.MINXIN_REQUIRED_DAYS_PER_MONTH = 20
    cadre = world.cadres["tdw"][0]
    today = timezone.localdate()
    first = today.replace(day=1)
    from minxin.fieldwork.models import DiaryEntry, FamilyCall, Meeting, Need

    Need.objects.filter(visit__cadre=cadre).delete()
    Visit.objects.filter(cadre=cadre).delete()
    for model in (DiaryEntry, FamilyCall, Meeting):
        model.objects.filter(cadre=cadre).delete()
    household = world.fieldwork["tdw"]["households"][2]
    noon = timezone.make_aware(datetime.datetime.combine(first, datetime.time(12)))
    for day in range(3):  # three days, two visits on the first
        when = noon + datetime.timedelta(days=day)
        if when > timezone.now():
            break
        services.visit_record(actor=world.users["tdw_cadre"], household=household, kind="home", occurred_at=when)
        if day == 0:
            services.diary_record(actor=world.users["tdw_cadre"], village=world.village("tdw"), occurred_at=when,
                                  text="同一天")
    days = min(3, (timezone.localdate() - first).days + 1)
    LeaveRequest.objects.filter(cadre=cadre).update(status=LeaveRequest.Status.APPROVED)  # one day, today
    # Seen at the month's end: 20 days required, less the one day of leave.
    month_end = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    p = presence.presence_for(cadre_ids=[cadre.pk], year=today.year, month=today.month, today=month_end)[cadre.pk]
    assert p.present_days == days and not p.in_progress
    assert p.leave_days == 1 and p.required_after_leave == 19
    assert p.shortfall == 19 - days and not p.met


def test_the_month_in_progress_and_a_posting_begun_within_it_ask_for_their_share_only(world, settings):
    """20 days a month, November (30 days): on the 3rd, 3/30 of 20 = 2 days are due, not 20; a posting
    that began on the 16th owes 15/30 of 20 = 10 days for the month."""
    settings.MINXIN_REQUIRED_DAYS_PER_MONTH = 20
    cadre = world.cadres["tdw"][0]
    year = timezone.localdate().year - 1
    Assignment.objects.filter(cadre=cadre).update(start_date=datetime.date(year - 1, 1, 1))
    early = presence.presence_for(cadre_ids=[cadre.pk], year=year, month=11, today=datetime.date(year, 11, 3))
    assert early[cadre.pk].in_progress and early[cadre.pk].assigned_days == 3
    assert early[cadre.pk].required_after_leave == 2
    Assignment.objects.filter(cadre=cadre).update(start_date=datetime.date(year, 11, 16))
    late_start = presence.presence_for(cadre_ids=[cadre.pk], year=year, month=11, today=datetime.date(year, 12, 5))
    assert not late_start[cadre.pk].in_progress and late_start[cadre.pk].required_after_leave == 10
    ahead = presence.presence_for(cadre_ids=[cadre.pk], year=year + 2, month=1)
    assert ahead[cadre.pk].assigned_days == 0 and ahead[cadre.pk].required_after_leave == 0


def test_late_flag_threshold(world, settings):
    settings.MINXIN_SYNC_LATE_HOURS = 48
    household = world.fieldwork["tdw"]["households"][2]
    recent = _visit(world, household, days_ago=1)
    old = _visit(world, household, days_ago=3)
    assert not recent.late and old.late


def test_presence_before_the_posting_requires_nothing_and_prorates_the_first_month(world, settings):
    settings.MINXIN_REQUIRED_DAYS_PER_MONTH = 20
    cadre = world.cadres["tdw"][0]
    start = world.assignments["tdw"][0].start_date  # 100 days ago
    before = start.replace(day=1) - datetime.timedelta(days=1)
    p = presence.presence_for(cadre_ids=[cadre.pk], year=before.year, month=before.month)[cadre.pk]
    assert not p.assigned and p.required_after_leave == 0 and p.met
    first = presence.presence_for(cadre_ids=[cadre.pk], year=start.year, month=start.month)[cadre.pk]
    import calendar

    days = calendar.monthrange(start.year, start.month)[1]
    assert first.assigned_days == days - start.day + 1
    assert first.required_after_leave == round(20 * first.assigned_days / days)
