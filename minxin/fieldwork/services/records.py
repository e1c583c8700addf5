"""Writes of dated field records: visits (with needs and photos), meetings, calls, diary, check-ins.

Each service is atomic, checks the actor's capability and scope, refuses bad input with a
`DomainError` (nothing written) and appends an audit event.
"""

import datetime
import uuid as uuid_lib
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.core.audit import audit_event, audit_record, audit_record_many, snapshot
from minxin.core.errors import DomainError
from minxin.core.guards import require
from minxin.core.params import MAX_ID
from minxin.fieldwork import checks
from minxin.fieldwork.models import (
    CheckIn,
    DiaryEntry,
    FamilyCall,
    Meeting,
    Need,
    Participant,
    Visit,
    VisitPhoto,
)
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry.models import Household


def _stamp(record: Any, *, actor: User | None, device_time: datetime.datetime | None, uuid: Any, received_at: datetime.datetime | None = None) -> None:
    """Fill the fields every field record shares."""
    record.recorded_by = actor
    if uuid is not None:
        record.uuid = uuid if isinstance(uuid, uuid_lib.UUID) else uuid_lib.UUID(str(uuid))
    record.received_at = received_at or timezone.now()
    record.device_time = device_time
    record.late = checks.is_late(device_time=device_time, occurred_at=record.occurred_at,
                                 received_at=record.received_at)


def _village(actor: User | None, village: Region) -> Region:
    if village is None or village.level != codes.VILLAGE:
        raise DomainError("not_a_village", _("请选择一个村。"), field="village")
    checks.require_village(actor, village.code)
    return village


def visit_prepare(*, actor: User | None, household: Household, occurred_at: datetime.datetime, kind: str, notes: str = "",
                  help_given: str = "", lat: Any = None, lon: Any = None, accuracy_m: Any = None, needs: Any = (), uuid: Any = None,
                  device_time: datetime.datetime | None = None,
                  received_at: datetime.datetime | None = None) -> tuple[Visit, list[Need]]:
    """Check a visit and build it (unsaved) with its needs; raises DomainError, writes nothing."""
    require(actor, roles.RECORD_FIELDWORK)
    cadre = checks.require_cadre(actor)
    checks.require_household(actor, household)
    if kind not in Visit.Kind.values:
        raise DomainError("unknown_kind", _("走访类型“%(k)s”不存在。") % {"k": kind}, field="kind")
    occurred_at = checks.check_time(occurred_at)
    lat, lon, accuracy_m = checks.check_place(lat, lon, accuracy_m)
    visit = Visit(
        cadre=cadre, household=household, village_id=household.village_id, occurred_at=occurred_at, kind=kind,
        notes=checks.check_text(notes, field="notes"), help_given=checks.check_text(help_given, field="help_given"),
        lat=lat, lon=lon, accuracy_m=accuracy_m,
    )
    _stamp(visit, actor=actor, device_time=device_time, uuid=uuid, received_at=received_at)
    raised = [_need(actor, item, index) for index, item in enumerate(needs or [])]
    for need in raised:
        need.household, need.village_id, need.raised_at = household, visit.village_id, occurred_at
    return visit, raised


@transaction.atomic
def visit_record(*, actor: User | None, household: Household, occurred_at: datetime.datetime, kind: str, notes: str = "",
                 help_given: str = "", lat: Any = None, lon: Any = None, accuracy_m: Any = None, needs: Any = (),
                 uuid: Any = None, device_time: datetime.datetime | None = None,
                 received_at: datetime.datetime | None = None, photo: bytes | None = None) -> Visit:
    """Record a cadre's visit to a household. The acting user must be a cadre (it is the visitor);
    `needs` is a list of {"category", "text"} raised during the visit (民情). A `photo` is attached
    in the same transaction: a refused photo leaves no visit behind (and a resubmission no twin)."""
    visit, raised = visit_prepare(actor=actor, household=household, occurred_at=occurred_at, kind=kind,
                                  notes=notes, help_given=help_given, lat=lat, lon=lon, accuracy_m=accuracy_m,
                                  needs=needs, uuid=uuid, device_time=device_time, received_at=received_at)
    visit.save()
    for need in raised:
        need.visit = visit
    Need.objects.bulk_create(raised)
    audit_record(**_visit_event(actor, visit, needs=len(raised)))
    if photo is not None:
        visit_attach_photo(actor=actor, visit=visit, data=photo)
    return visit


@transaction.atomic
def visits_record_many(*, actor: User | None, prepared: list[tuple[Visit, list[Need]]]) -> list[Visit]:
    """Write visits already checked by `visit_prepare`, in bulk (the offline batch), with the same
    audit event per visit as a visit recorded on its page."""
    visits = Visit.objects.bulk_create([visit for visit, _needs in prepared])
    needs = []
    for visit, raised in prepared:
        for need in raised:
            need.visit = visit
            needs.append(need)
    Need.objects.bulk_create(needs)
    audit_record_many([audit_event(**_visit_event(actor, visit, needs=len(raised))) for visit, raised in prepared])
    return visits


def _visit_event(actor: User | None, visit: Visit, *, needs: int) -> dict:
    """A visit's audit event, whether it was recorded on its page or synced from the field app."""
    return {"actor": actor, "action": "visit.create", "obj": visit, "region_code": visit.village_id,
            "after": {"household": visit.household_id, "kind": visit.kind,
                      "occurred_at": visit.occurred_at.isoformat(), "needs": needs, "late": visit.late}}


def _need(actor: User | None, item: Any, index: int) -> Need:
    if not isinstance(item, dict):
        raise DomainError("invalid_need", _("民情格式不正确。"), field=f"needs.{index}")
    category = item.get("category") or Need.Category.OTHER
    if category not in Need.Category.values:
        raise DomainError("unknown_category", _("民情类别“%(c)s”不存在。") % {"c": category},
                          field=f"needs.{index}.category")
    text = checks.check_text(item.get("text"), field=f"needs.{index}.text", required=True, max_length=2000)
    return Need(category=category, text=text, recorded_by=actor)


@transaction.atomic
def visit_attach_photo(*, actor: User | None, visit: Visit, data: bytes, uuid: Any = None) -> VisitPhoto:
    """Attach an optional photo to a visit: size-limited, it must really be an image, and it is kept
    without its metadata (fieldwork.photos)."""
    require(actor, roles.RECORD_FIELDWORK)
    checks.require_village(actor, visit.village_id)
    content_type, data = checks.check_photo(data)  # without the phone's GPS tag, time and model
    if visit.photos.count() >= settings.MINXIN_PHOTOS_PER_VISIT:
        raise DomainError("too_many_photos", _("每次走访最多 %(n)d 张照片。") % {"n": settings.MINXIN_PHOTOS_PER_VISIT},
                          field="photo")
    photo = VisitPhoto(visit=visit, content_type=content_type, size=len(data))
    if uuid is not None:
        photo.uuid = uuid
    photo.image.save(f"{photo.uuid}{photo.extension}", ContentFile(data), save=False)
    photo.save()
    audit_record(actor=actor, action="visit.photo", obj=visit, region_code=visit.village_id,
                 after={"photo": str(photo.uuid), "size": photo.size, "type": content_type})
    return photo


@transaction.atomic
def meeting_record(*, actor: User | None, village: Region, category: str, kind: str, occurred_at: datetime.datetime | None, place: str,
                   topic: str, attendance: int, notes: str = "", participants: Any = (), uuid: Any = None,
                   device_time: datetime.datetime | None = None, received_at: datetime.datetime | None = None) -> Meeting:
    """Record a villagers' meeting, a lecture or a training with its attendance.

    `participants` are names (str) or {"name", "household_id"} of people who attended (trainings
    list them; the count may be larger than the names)."""
    require(actor, roles.RECORD_FIELDWORK)
    village = _village(actor, village)
    if category not in Meeting.Category.values:
        raise DomainError("unknown_category", _("类别“%(c)s”不存在。") % {"c": category}, field="category")
    if kind not in Meeting.KINDS_BY_CATEGORY[category]:
        raise DomainError("unknown_kind", _("“%(k)s”不是%(c)s的形式。")
                          % {"k": kind, "c": Meeting.Category(category).label}, field="kind")
    if not isinstance(attendance, int) or isinstance(attendance, bool) or not 0 < attendance <= 100_000:
        raise DomainError("invalid_attendance", _("参加人数必须是正整数。"), field="attendance")
    names = _participants(actor, participants)
    if len(names) > attendance:
        raise DomainError("invalid_attendance", _("参加人数少于名单人数（%(n)d 人）。") % {"n": len(names)},
                          field="attendance")
    meeting = Meeting(
        village=village, category=category, kind=kind, cadre=checks.cadre_of(actor),
        occurred_at=checks.check_time(occurred_at), place=checks.check_text(place, field="place", required=True,
                                                                            max_length=200),
        topic=checks.check_text(topic, field="topic", required=True, max_length=200), attendance=attendance,
        notes=checks.check_text(notes, field="notes"),
    )
    _stamp(meeting, actor=actor, device_time=device_time, uuid=uuid, received_at=received_at)
    meeting.save()
    for participant in names:
        participant.meeting = meeting
    Participant.objects.bulk_create(names)
    audit_record(actor=actor, action=f"{category}.create", obj=meeting, region_code=village.code,
                 after={"kind": kind, "attendance": attendance, "participants": len(names), "late": meeting.late})
    return meeting


def _participants(actor: User | None, items: Any) -> list[Participant]:
    rows = []
    for index, item in enumerate(items or []):
        item = {"name": item} if isinstance(item, str) else item
        if not isinstance(item, dict):
            raise DomainError("invalid_participant", _("参加人员格式不正确。"), field=f"participants.{index}")
        name = checks.check_text(item.get("name"), field=f"participants.{index}.name", required=True, max_length=64)
        household = None
        if item.get("household_id"):
            pk = item["household_id"]
            valid = isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk <= MAX_ID
            household = Household.objects.visible_to(actor).filter(pk=pk).first() if valid else None
            checks.require_household(actor, household, field=f"participants.{index}.household_id")
        rows.append(Participant(name=name, household=household))
    return rows


@transaction.atomic
def call_record(*, actor: User | None, village: Region, left_behind_name: str, left_behind_kind: str, relative_name: str,
                relative_place: str, occurred_at: datetime.datetime | None, minutes: int, household: Household | None = None,
                uuid: Any = None, device_time: datetime.datetime | None = None, received_at: datetime.datetime | None = None) -> FamilyCall:
    """Record a family video call held in the village's room (亲情聊天室)."""
    require(actor, roles.RECORD_FIELDWORK)
    village = _village(actor, village)
    if household is not None:
        checks.require_household(actor, household)
        if household.village_id != village.code:
            raise DomainError("wrong_village", _("该农户不属于所选的村。"), field="household_id")
    if left_behind_kind not in FamilyCall.Person.values:
        raise DomainError("unknown_kind", _("留守类别“%(k)s”不存在。") % {"k": left_behind_kind},
                          field="left_behind_kind")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 < minutes <= 600:
        raise DomainError("invalid_minutes", _("通话时长应为 1 至 600 分钟。"), field="minutes")
    call = FamilyCall(
        village=village, household=household, cadre=checks.cadre_of(actor),
        left_behind_name=checks.check_text(left_behind_name, field="left_behind_name", required=True, max_length=64),
        left_behind_kind=left_behind_kind,
        relative_name=checks.check_text(relative_name, field="relative_name", required=True, max_length=64),
        relative_place=checks.check_text(relative_place, field="relative_place", required=True, max_length=100),
        occurred_at=checks.check_time(occurred_at), minutes=minutes,
    )
    _stamp(call, actor=actor, device_time=device_time, uuid=uuid, received_at=received_at)
    call.save()
    audit_record(actor=actor, action="family_call.create", obj=call, region_code=village.code,
                 after=snapshot(call, exclude=("uuid",)))
    return call


@transaction.atomic
def diary_record(*, actor: User | None, village: Region, occurred_at: datetime.datetime | None, text: str, uuid: Any = None, device_time: datetime.datetime | None = None,
                 received_at: datetime.datetime | None = None) -> DiaryEntry:
    """A cadre's diary entry for a village on a day (民情日记)."""
    require(actor, roles.RECORD_FIELDWORK)
    cadre = checks.require_cadre(actor)
    village = _village(actor, village)
    entry = DiaryEntry(village=village, cadre=cadre, occurred_at=checks.check_time(occurred_at),
                       text=checks.check_text(text, field="text", required=True, max_length=10_000))
    _stamp(entry, actor=actor, device_time=device_time, uuid=uuid, received_at=received_at)
    entry.save()
    audit_record(actor=actor, action="diary.create", obj=entry, region_code=village.code,
                 after={"occurred_at": entry.occurred_at.isoformat(), "late": entry.late})
    return entry


@transaction.atomic
def checkin_record(*, actor: User | None, village: Region, occurred_at: datetime.datetime | None, lat: Any, lon: Any, accuracy_m: Any = None, uuid: Any = None, device_time: datetime.datetime | None = None,
                   received_at: datetime.datetime | None = None) -> CheckIn:
    """A GPS check-in: refused unless the county has switched check-ins on (SPEC §4.1)."""
    if not settings.MINXIN_GPS_CHECKIN:
        raise DomainError("checkin_disabled", _("本县未启用定位签到。"))
    require(actor, roles.RECORD_FIELDWORK)
    cadre = checks.require_cadre(actor)
    village = _village(actor, village)
    lat, lon, accuracy_m = checks.check_place(lat, lon, accuracy_m)
    if lat is None:
        raise DomainError("location_required", _("签到需要定位。"), field="lat")
    checkin = CheckIn(village=village, cadre=cadre, occurred_at=checks.check_time(occurred_at), lat=lat, lon=lon,
                      accuracy_m=accuracy_m)
    _stamp(checkin, actor=actor, device_time=device_time, uuid=uuid, received_at=received_at)
    checkin.save()
    audit_record(actor=actor, action="checkin.create", obj=checkin, region_code=village.code,
                 after={"occurred_at": checkin.occurred_at.isoformat()})
    return checkin
