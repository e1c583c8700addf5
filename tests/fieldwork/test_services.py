"""Services and derived figures: requests' lifecycle, needs, cards, photos, coverage, presence."""

import calendar
import datetime
import zlib

import pytest
from django.db.models import Q
from django.utils import timezone

from minxin.cadres.models import Assignment, LeaveRequest
from minxin.core.errors import DomainError
from minxin.core.models import AuditEvent
from minxin.fieldwork import coverage, photos, presence, services
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
    item = services.request_answer(actor=cadre, request=item, answer="先答复")
    item = services.request_answer(actor=cadre, request=item, answer="已联系电工，周五修好。")
    assert item.status == "answered" and item.response_hours >= 24 * 10 - 1
    corrected = AuditEvent.objects.filter(action="request.answer", object_id=str(item.pk)).latest("pk")
    assert corrected.before["answer"] == "先答复" and corrected.after["answer"] == "已联系电工，周五修好。"
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


def _segment(marker, body):
    return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body


def _jpeg(width, height, exif=b""):
    """SOI, JFIF, an optional EXIF segment, a baseline frame header, a scan and EOI."""
    return (b"\xff\xd8" + _segment(0xE0, b"JFIF\0\1\1\0\0\1\0\1\0\0")
            + (_segment(0xE1, b"Exif\0\0" + exif) if exif else b"")
            + _segment(0xC0, b"\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + b"\x01\x01\x11\x00")
            + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xff\xd9")


def _chunk(kind, body):
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def _png(width, height, exif=b""):
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x06\0\0\0")
            + (_chunk(b"eXIf", exif) if exif else b"") + _chunk(b"IDAT", b"x") + _chunk(b"IEND", b""))


def _webp(width, height, exif=b""):
    vp8x = b"VP8X" + (10).to_bytes(4, "little") + bytes([0x08 if exif else 0, 0, 0, 0]) + \
        (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    meta = b"EXIF" + len(exif).to_bytes(4, "little") + exif + b"\0" * (len(exif) % 2) if exif else b""
    vp8l = b"VP8L" + (5).to_bytes(4, "little") + b"\x2f" + ((width - 1) | (height - 1) << 14).to_bytes(4, "little") + b"\0"
    body = b"WEBP" + vp8x + meta + vp8l
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def test_photo_checks_size_and_magic_bytes(world, settings):
    visit = world.fieldwork["tdw"]["visit"]
    actor = world.users["tdw_cadre"]
    photo = services.visit_attach_photo(actor=actor, visit=visit, data=TINY_PNG)
    assert photo.content_type == "image/png" and photo.image.read() == TINY_PNG
    assert services.visit_attach_photo(actor=actor, visit=visit, data=_jpeg(640, 480)).content_type == "image/jpeg"
    assert services.visit_attach_photo(actor=actor, visit=visit, data=_webp(640, 480)).content_type == "image/webp"
    with pytest.raises(DomainError) as exc:
        services.visit_attach_photo(actor=actor, visit=visit, data=b"%PDF-1.4 not an image")
    assert exc.value.code == "not_an_image"
    settings.MINXIN_PHOTO_MAX_BYTES = 1024
    with pytest.raises(DomainError) as exc:
        services.visit_attach_photo(actor=actor, visit=visit, data=TINY_PNG + b"\0" * 2000)
    assert exc.value.code == "photo_too_large"
    assert visit.photos.count() == 4  # the world's photo and the three accepted here


@pytest.mark.parametrize("make", [_jpeg, _png, _webp])
def test_a_photo_is_kept_without_the_phones_gps_tag_and_bounded_in_pixels(world, make):
    """A phone's EXIF holds where the photo was taken (a villager's home): it is not kept, nor served.
    A small file declaring 30,000² pixels (what every browser showing it would decode) is refused, and
    so is one whose header cannot be read."""
    visit, actor = world.fieldwork["tdw"]["visit"], world.users["tdw_cadre"]
    sent = make(4000, 3000, exif=b"MM\0*GPSLatitude 28.5612N GPSLongitude 108.4963E iPhone")
    photo = services.visit_attach_photo(actor=actor, visit=visit, data=sent)
    kept = photo.image.read()
    assert b"GPS" not in kept and b"iPhone" not in kept and kept[:4] == sent[:4]
    assert photos.pixel_size(kept, photo.content_type) == (4000, 3000) and photo.size == len(kept) < len(sent)
    for data, code in ((make(30000, 30000), "photo_too_large"), (sent[:40], "bad_image")):
        with pytest.raises(DomainError) as refused:
            services.visit_attach_photo(actor=actor, visit=visit, data=data)
        assert refused.value.code == code
    assert visit.photos.count() == 2


def test_a_progressive_jpeg_keeps_its_scans_and_loses_the_metadata_between_and_after_them(world):
    """A progressive JPEG has a scan per pass, with tables (and whatever its writer puts) between them,
    and a phone may append a trailer after EOI: metadata in either is dropped, the scans' data kept
    byte for byte (stuffed bytes and restart markers included)."""
    visit, actor = world.fieldwork["tdw"]["visit"], world.users["tdw_cadre"]
    gps = b"Exif\0\0MM\0*GPSLatitude 28.5612N GPSLongitude 108.4963E"
    first_scan = _segment(0xDA, b"\x01\x01\x00\x00\x00\x00") + b"\x12\xff\x00\x34\xff\xd0\x56"
    tables = _segment(0xC4, b"\x00" + b"\x01" * 16 + b"\x02")  # a Huffman table for the next pass
    second_scan = _segment(0xDA, b"\x01\x01\x00\x01\x3f\x00") + b"\x78\x9a\xff\xff"  # two fill bytes before EOI
    header = _jpeg(640, 480)[:-len(_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xff\xd9")]
    sent = (header.replace(b"\xff\xc0", b"\xff\xc2") + first_scan + _segment(0xE1, gps) + tables
            + _segment(0xFE, b"iPhone 15") + second_scan + b"\xff\xd9" + b"\xff\xe1Exif GPS trailer")
    kept = services.visit_attach_photo(actor=actor, visit=visit, data=sent).image.read()
    assert b"GPS" not in kept and b"iPhone" not in kept
    assert kept == header.replace(b"\xff\xc0", b"\xff\xc2") + first_scan + tables + second_scan + b"\xff\xd9"
    assert photos.pixel_size(kept, "image/jpeg") == (640, 480)


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
    mine = coverage.cadre_coverage(user=world.users["tdw_admin"], cadre=world.cadres["tdw"][0],
                                   village_codes=[world.village("tdw").code])
    assert mine.paired_count == 1 and mine.paired_stale_count == 1


def test_a_cadres_coverage_lists_only_the_households_its_viewer_sees(world):
    """A pairing left from an earlier posting in another township is the cadre's, but that township's
    households are not shown to this township's administrator."""
    from minxin.registry.models import Helper

    cadre, elsewhere = world.cadres["tdw"][0], world.fieldwork["gz"]["households"][0]
    Helper.objects.create(household=elsewhere, name=cadre.name, cadre=cadre)
    codes = [world.village("tdw").code]
    township = coverage.cadre_coverage(user=world.users["tdw_admin"], cadre=cadre, village_codes=codes)
    county = coverage.cadre_coverage(user=world.users["county_admin"], cadre=cadre, village_codes=codes)
    assert elsewhere.pk not in {h.pk for h in township.paired_stale} and township.paired_count == 1
    assert county.paired_count == 2 and elsewhere.pk in {h.pk for h in county.paired_stale}


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
