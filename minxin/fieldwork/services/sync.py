"""The offline batch (DESIGN §4, POST /api/v1/sync).

Body: {"records": [{"type": "visit", "uuid": "…", "data": {…}, "base_version": n?}]}. One result per
record, in order: `created`, `duplicate` (same uuid, same content: nothing written), `conflict`
(same uuid with different content — the first stays — or a household edit against an out-of-date
version; the server's copy is returned) or `invalid` (with errors).

Idempotence: each accepted record leaves a `SyncReceipt` (unique uuid + content hash) written in
the same savepoint as the record. Two batches racing with the same uuid on PostgreSQL: the second
insert waits for the first transaction, then fails on the unique constraint; its savepoint is
rolled back (the record with it) and the answer is read from the winner's receipt.
"""

import contextlib
import datetime
import hashlib
import json
import logging
import uuid as uuid_lib
from typing import Any, Literal, overload

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from minxin.accounts.models import User
from minxin.core.audit import snapshot
from minxin.core.errors import DomainError
from minxin.core.masking import mask_dict
from minxin.core.params import MAX_ID, is_digits
from minxin.fieldwork import checks
from minxin.fieldwork.models import (
    CheckIn,
    DiaryEntry,
    FamilyCall,
    Meeting,
    Need,
    SyncReceipt,
    VillagerRequest,
    Visit,
)
from minxin.fieldwork.services import followup, records
from minxin.regions.models import Region
from minxin.registry import services as registry
from minxin.registry.models import Household

MODELS: dict[str, Any] = {  # the model of each record type (each has `visible_to`)
    "visit": Visit, "meeting": Meeting, "lecture": Meeting, "training": Meeting, "call": FamilyCall,
    "diary": DiaryEntry, "need": Need, "request": VillagerRequest, "checkin": CheckIn,
}
RECORD_TYPES = [*MODELS, "household"]
# The device clock kept with a record (only to tell late records): within these bounds, or not kept.
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
DEVICE_CLOCK_AHEAD = datetime.timedelta(days=1)
logger = logging.getLogger(__name__)



def content_hash(record: dict) -> str:
    body = {"type": record.get("type"), "data": record.get("data"), "base_version": record.get("base_version")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                                     default=str).encode()).hexdigest()


# --- parsing the data of each type -----------------------------------------------------------


class Batch:
    """What the handlers share while one batch is processed: the actor and lookups done once."""

    def __init__(self, actor: Any, items: Any):
        self.actor = actor
        self.received_at = timezone.now()
        values = [item["data"].get("household_id") for item in items
                  if isinstance(item, dict) and isinstance(item.get("data"), dict)]
        ids = {value for value in values if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID}
        self.households = Household.objects.visible_to(actor).in_bulk(ids) if ids else {}
        self._villages: dict[str, Region | None] = {}  # None: unknown or out of scope

    @overload
    def household(self, data: dict, *, required: Literal[True]) -> Household: ...

    @overload
    def household(self, data: dict, *, required: bool) -> Household | None: ...

    def household(self, data: dict, *, required: bool) -> Household | None:
        value = data.get("household_id")
        if value in (None, "") and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise DomainError("invalid_household", _("请选择农户。"), field="household_id")
        household = self.households.get(value)  # beyond a 64-bit key: not looked up, so not found
        if household is None:  # unknown and out of scope read the same
            raise DomainError("household_outside_scope", _("该农户不存在或不在您的管辖范围内。"), field="household_id")
        return household

    @overload
    def village(self, data: dict, *, required: Literal[True] = True) -> Region: ...

    @overload
    def village(self, data: dict, *, required: bool) -> Region | None: ...

    def village(self, data: dict, *, required: bool = True) -> Region | None:
        code = data.get("village")
        if code in (None, "") and not required:
            return None
        if not isinstance(code, str) or code not in self._villages and not is_digits(code):
            raise DomainError("invalid_village", _("请选择村。"), field="village")
        if code not in self._villages:
            self._villages[code] = Region.objects.visible_to(self.actor).filter(code=code.ljust(12, "0")).first()
        village = self._villages[code]
        if village is None:
            raise DomainError("outside_scope", _("该村不存在或不在您的管辖范围内。"), field="village")
        return village

    def linked(self, model: Any, data: dict, key: str) -> Any:
        value = data.get(key)
        if value in (None, ""):
            return None
        obj = model.objects.visible_to(self.actor).filter(uuid=_uuid(value, field=key)).first()
        if obj is None:
            raise DomainError("unknown_record", _("关联的记录不存在，请先同步它。"), field=key)
        return obj


def _uuid(value: Any, *, field: str = "uuid") -> uuid_lib.UUID:
    try:
        if not isinstance(value, str):
            raise TypeError(value)
        return uuid_lib.UUID(value)
    except (TypeError, ValueError):
        raise DomainError("invalid_uuid", _("记录编号（UUID）格式不正确。"), field=field) from None


def _time(data: dict, key: str, *, required: bool = True) -> datetime.datetime | None:
    value = data.get(key)
    if value in (None, "") and not required:
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible: 2026-02-30, hour 25
        parsed = None
    if parsed is None:
        raise DomainError("invalid_datetime", _("时间格式不正确，应为 ISO 8601（如 2026-11-20T09:30:00+08:00）。"),
                          field=key)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _int(data: dict, key: str, *, maximum: int = 100_000) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError("invalid_number", _("“%(f)s”必须是整数。") % {"f": key}, field=key)
    if not 0 <= value <= maximum:
        raise DomainError("invalid_number", _("“%(f)s”应在 0 至 %(max)d 之间。") % {"f": key, "max": maximum}, field=key)
    return value


def _str(data: dict, key: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError("invalid_text", _("“%(f)s”必须是文字。") % {"f": key}, field=key)
    return value


def _stamps(batch: Batch, envelope: dict, data: dict) -> dict:
    return {"uuid": envelope["uuid"], "device_time": envelope["device_time"], "received_at": batch.received_at}


def _visit_kwargs(batch: Batch, envelope: dict, data: dict) -> dict:
    needs = data.get("needs") or []
    if not isinstance(needs, list):
        raise DomainError("invalid_need", _("民情格式不正确。"), field="needs")
    return dict(
        actor=batch.actor, household=batch.household(data, required=True), occurred_at=_time(data, "occurred_at"),
        kind=_str(data, "kind"), notes=_str(data, "notes"), help_given=_str(data, "help_given"),
        lat=data.get("lat"), lon=data.get("lon"), accuracy_m=data.get("accuracy_m"), needs=needs,
        **_stamps(batch, envelope, data))


def _visit(batch: Batch, envelope: dict, data: dict) -> Visit:
    return records.visit_record(**_visit_kwargs(batch, envelope, data))


def _meeting(batch: Batch, envelope: dict, data: dict) -> Meeting:
    participants = data.get("participants") or []
    if not isinstance(participants, list):
        raise DomainError("invalid_participant", _("参加人员格式不正确。"), field="participants")
    return records.meeting_record(
        actor=batch.actor, village=batch.village(data), category=envelope["type"], kind=_str(data, "kind"),
        occurred_at=_time(data, "occurred_at"), place=_str(data, "place"), topic=_str(data, "topic"),
        attendance=_int(data, "attendance"), notes=_str(data, "notes"), participants=participants,
        **_stamps(batch, envelope, data))


def _call(batch: Batch, envelope: dict, data: dict) -> FamilyCall:
    household = batch.household(data, required=False)
    village = batch.village(data) if household is None else batch.village(data, required=False) or household.village
    return records.call_record(
        actor=batch.actor, village=village, household=household, left_behind_name=_str(data, "left_behind_name"),
        left_behind_kind=_str(data, "left_behind_kind"), relative_name=_str(data, "relative_name"),
        relative_place=_str(data, "relative_place"), occurred_at=_time(data, "occurred_at"),
        minutes=_int(data, "minutes"), **_stamps(batch, envelope, data))


def _diary(batch: Batch, envelope: dict, data: dict) -> DiaryEntry:
    return records.diary_record(actor=batch.actor, village=batch.village(data), occurred_at=_time(data, "occurred_at"),
                                text=_str(data, "text"), **_stamps(batch, envelope, data))


def _checkin(batch: Batch, envelope: dict, data: dict) -> CheckIn:
    return records.checkin_record(actor=batch.actor, village=batch.village(data), occurred_at=_time(data, "occurred_at"),
                                  lat=data.get("lat"), lon=data.get("lon"), accuracy_m=data.get("accuracy_m"),
                                  **_stamps(batch, envelope, data))


def _need(batch: Batch, envelope: dict, data: dict) -> Need:
    return followup.need_record(
        actor=batch.actor, category=_str(data, "category") or Need.Category.OTHER, text=_str(data, "text"),
        village=batch.village(data, required=False), household=batch.household(data, required=False),
        visit=batch.linked(Visit, data, "visit_uuid"), meeting=batch.linked(Meeting, data, "meeting_uuid"),
        raised_at=_time(data, "raised_at", required=False), uuid=envelope["uuid"])


def _request(batch: Batch, envelope: dict, data: dict) -> VillagerRequest:
    meeting = batch.linked(Meeting, data, "meeting_uuid")
    default = VillagerRequest.Source.MEETING if meeting else VillagerRequest.Source.VISIT
    return followup.request_record(
        actor=batch.actor, text=_str(data, "text"), source=_str(data, "source") or default,
        village=batch.village(data, required=False), household=batch.household(data, required=False),
        visit=batch.linked(Visit, data, "visit_uuid"), meeting=meeting, contact_name=_str(data, "contact_name"),
        contact_phone=_str(data, "contact_phone"), submitted_at=_time(data, "submitted_at", required=False),
        uuid=envelope["uuid"])




# --- the batch -------------------------------------------------------------------------------


def _envelope(item: Any) -> dict:
    """Check the envelope of one record; raise DomainError (→ `invalid`) when it is unusable."""
    if not isinstance(item, dict):
        raise DomainError("invalid_record", _("记录格式不正确。"))
    kind = item.get("type")
    if kind not in RECORD_TYPES:
        raise DomainError("unknown_type", _("记录类型“%(t)s”不存在。") % {"t": kind}, field="type")
    if not isinstance(item.get("data"), dict):
        raise DomainError("invalid_data", _("记录缺少 data。"), field="data")
    base_version = item.get("base_version")
    if base_version is not None and (not isinstance(base_version, int) or isinstance(base_version, bool)):
        raise DomainError("invalid_version", _("base_version 必须是整数。"), field="base_version")
    device_time = _time(item, "device_time", required=False)
    if device_time is not None and not EARLIEST <= device_time <= timezone.now() + DEVICE_CLOCK_AHEAD:
        device_time = None  # a clock that cannot be right (a phone reset to 1970) tells nothing; the record stays
    return {"type": kind, "uuid": _uuid(item.get("uuid")), "data": item["data"], "base_version": base_version,
            "device_time": device_time}


def _stored(actor: User | None, receipt: SyncReceipt) -> Any:
    """The record a receipt names, if the actor may see it (else None)."""
    if receipt.object_id is None:
        return None
    model: Any = Household if receipt.record_type == "household" else MODELS.get(receipt.record_type)
    if model is None:
        return None
    return model.objects.visible_to(actor).filter(pk=receipt.object_id).first()


def _answerable(actor: User | None, receipt: SyncReceipt) -> bool:
    """Whether the actor may be told about the record a uuid already names: its own (the device
    resending its batch) or one in its scope. For any other record, `duplicate` with its id, or a
    `conflict` telling same from different content, would confirm to anyone who knows (or guesses)
    the uuid that the record exists, its internal id and its content."""
    if actor is None:  # the system sees everything
        return True
    return receipt.user_id == actor.pk or _stored(actor, receipt) is not None


def _server_copy(actor: User | None, receipt: SyncReceipt) -> dict | None:
    """The record a reused uuid points to, if the actor may see it (else nothing is revealed)."""
    obj = _stored(actor, receipt)
    if obj is None:
        return None
    if isinstance(obj, Household):
        return household_copy(obj)
    return {"type": receipt.record_type, **mask_dict(snapshot(obj))}


def _uuid_taken(result: dict) -> dict:
    """The refusal of a record whose uuid already names a record the actor may not be told about:
    nothing of that record (no id, no content, not whether the content is the same). See `sync_batch`."""
    return {**result, "status": "conflict", "reason": "uuid_reused", "server": None,
            "errors": [{"field": "uuid", "code": "uuid_reused", "message": _("该记录编号已被使用。")}]}


def _seen(actor: User | None, receipt: SyncReceipt, digest: str, result: dict) -> dict:
    """The answer for a uuid a receipt already holds, told to whom `_answerable` allows."""
    if not _answerable(actor, receipt):
        return _uuid_taken(result)
    return _seen_answer(actor, receipt, digest, result)


def _seen_answer(actor: User | None, receipt: SyncReceipt, digest: str, result: dict) -> dict:
    if receipt.content_hash == digest:
        return {**result, "status": "duplicate", "id": receipt.object_id}
    return {**result, "status": "conflict", "reason": "uuid_reused", "server": _server_copy(actor, receipt),
            "errors": [{"field": "uuid", "code": "uuid_reused",
                        "message": _("该记录编号已用于另一条内容不同的记录，原记录保留。")}]}


def _household(batch: Batch, envelope: dict, data: dict) -> Household:
    """An edit of household facts (group, address, phone, place), made against `base_version`."""
    household = batch.household(data, required=True)
    if envelope["base_version"] is None:
        raise DomainError("version_required", _("修改户信息需要注明修改前的版本（base_version）。"),
                          field="base_version")
    lat, lon = data.get("lat", household.lat), data.get("lon", household.lon)
    lat, lon, _accuracy = checks.check_place(lat, lon)
    return registry.household_update(
        actor=batch.actor, household=household, version=envelope["base_version"],
        group=_str(data, "group") if "group" in data else household.group,
        address=_str(data, "address") if "address" in data else household.address,
        phone=_str(data, "phone") if "phone" in data else household.phone, lat=lat, lon=lon)


def household_copy(household: Household) -> dict:
    """The server's copy of a household for a conflict answer (phone masked, like everywhere)."""
    fields = ("id", "number", "head_name", "group", "address", "phone", "lat", "lon", "version")
    copy = mask_dict(snapshot(household))
    return {"type": "household", **{name: copy.get(name) for name in fields}, "id": household.pk}


def _version_conflict(batch: Batch, envelope: dict, result: dict) -> dict:
    current = Household.objects.visible_to(batch.actor).filter(pk=envelope["data"].get("household_id")).first()
    return {**result, "status": "conflict", "reason": "version", "server": household_copy(current) if current else None,
            "errors": [{"field": "base_version", "code": "conflict",
                        "message": _("此户信息已被他人修改，您的修改未保存；请核对服务器上的最新数据。")}]}


HANDLERS = {
    "visit": _visit, "meeting": _meeting, "lecture": _meeting, "training": _meeting, "call": _call,
    "diary": _diary, "need": _need, "request": _request, "checkin": _checkin, "household": _household,
}


def _one(batch: Batch, envelope: dict, digest: str, result: dict, receipts: dict) -> dict:
    """Write one record in its own savepoint, with its receipt."""
    actor = batch.actor
    try:
        with transaction.atomic():
            obj = HANDLERS[envelope["type"]](batch, envelope, envelope["data"])
            receipt = SyncReceipt.objects.create(uuid=envelope["uuid"], record_type=envelope["type"],
                                                 content_hash=digest, object_id=obj.pk, user=actor,
                                                 received_at=batch.received_at)
    except DomainError as exc:
        if envelope["type"] == "household" and exc.code == "conflict":
            return _version_conflict(batch, envelope, result)
        return {**result, "status": "invalid", "errors": [_error(exc)]}
    except DataError:  # a value the database refuses that no check foresaw: this record only
        logger.warning("sync record %s refused by the database", envelope["uuid"], exc_info=True)
        return {**result, "status": "invalid", "errors": [{"field": None, "code": "refused_by_database",
                                                            "message": _("记录中有数据库无法保存的值，请检查后重新填写。")}]}
    except IntegrityError:
        # Another request stored this uuid first (or it names an existing record): answer from it,
        # as far as the actor may be told about it (`_seen`).
        stored = SyncReceipt.objects.filter(uuid=envelope["uuid"]).first()
        if stored is None:
            return _uuid_taken(result)
        return _seen(actor, stored, digest, result)
    receipts[envelope["uuid"]] = receipt
    created = {**result, "status": "created", "id": obj.pk, "late": getattr(obj, "late", False)}
    if envelope["type"] == "household":
        created["version"] = obj.version  # type: ignore[attr-defined]  # a household's
    return created


def _write_visits(batch: Batch, pending: list, receipts: dict, results: list) -> None:
    """Write a run of checked visits in bulk (visits, needs, receipts: a few statements for the run).

    If a concurrent request stored one of these uuids meanwhile, the bulk insert fails on the
    receipts' unique constraint; the run is rolled back and written one record at a time instead."""
    try:
        with transaction.atomic():
            visits = records.visits_record_many(actor=batch.actor, prepared=[(p[3], p[4]) for p in pending])
            stored = SyncReceipt.objects.bulk_create([
                SyncReceipt(uuid=envelope["uuid"], record_type="visit", content_hash=digest, object_id=visit.pk,
                            user=batch.actor, received_at=batch.received_at)
                for (_index, envelope, digest, *_rest), visit in zip(pending, visits, strict=True)])
    except (IntegrityError, DataError):  # a concurrent uuid, or a value refused: one record at a time
        for index, envelope, digest, _visit_obj, _needs, result in pending:
            results[index] = _one(batch, envelope, digest, result, receipts)
        return
    for (index, envelope, _digest, _v, _n, result), visit, receipt in zip(pending, visits, stored, strict=True):
        receipts[envelope["uuid"]] = receipt
        results[index] = {**result, "status": "created", "id": visit.pk, "late": visit.late}


@transaction.atomic
def sync_batch(*, actor: User | None, records_in: list) -> list[dict]:
    """Process one batch in order; every record gets exactly one result.

    Consecutive visits (the bulk of any batch) are checked one by one and written together; any
    other record is written in its own savepoint after the visits before it (it may refer to them).
    """
    if not isinstance(records_in, list):
        raise DomainError("invalid_batch", _("records 必须是列表。"))
    if len(records_in) > settings.MINXIN_SYNC_MAX_RECORDS:
        raise DomainError("batch_too_large", _("一次最多同步 %(n)d 条记录，请分批发送。")
                          % {"n": settings.MINXIN_SYNC_MAX_RECORDS})
    batch = Batch(actor, records_in)
    uuids = []
    for item in records_in:
        with contextlib.suppress(AttributeError, TypeError, ValueError):
            uuids.append(uuid_lib.UUID(str(item.get("uuid"))))
    receipts = {r.uuid: r for r in SyncReceipt.objects.filter(uuid__in=uuids)}
    results: list[dict | None] = [None] * len(records_in)
    pending: list[tuple] = []
    pending_uuids: set[str] = set()

    def flush() -> None:
        if pending:
            _write_visits(batch, pending, receipts, results)
            pending.clear()
            pending_uuids.clear()

    for index, item in enumerate(records_in):
        result = {key: value if isinstance(value := item.get(key) if isinstance(item, dict) else None, str) else None
                  for key in ("uuid", "type")}  # echoed as sent when text (the answer's schema: str | None)
        try:
            envelope = _envelope(item)
        except DomainError as exc:
            results[index] = {**result, "status": "invalid", "errors": [_error(exc)]}
            continue
        digest = content_hash(item)
        if envelope["uuid"] in pending_uuids:
            flush()  # the same uuid earlier in this batch: write it first, then answer from its receipt
        receipt = receipts.get(envelope["uuid"])
        if receipt is not None and _answerable(actor, receipt):
            results[index] = _seen_answer(actor, receipt, digest, result)
            continue
        if receipt is not None:
            # The uuid names a record the actor may not be told about (another user's, outside its
            # scope). It is answered exactly as a fresh record with the same data: checked in its own
            # savepoint, so an out-of-scope household or village, a role that may not record it, any
            # bad field gets the very refusal a new uuid would get, and the answer tells nothing of
            # the existing record. Only data that is valid in the actor's own scope gets further: its
            # insert then fails on the unique uuid, the savepoint is rolled back (nothing written) and
            # `_one` answers `_uuid_taken` — a conflict with no id and no server copy, the same
            # whatever the content, which only says that this uuid cannot be used. The device keeps
            # the record with that error; the other record is left as it is.
            flush()
            results[index] = _one(batch, envelope, digest, result, receipts)
            continue
        if envelope["type"] == "visit":
            try:
                visit, needs = records.visit_prepare(**_visit_kwargs(batch, envelope, envelope["data"]))
            except DomainError as exc:
                results[index] = {**result, "status": "invalid", "errors": [_error(exc)]}
                continue
            pending.append((index, envelope, digest, visit, needs, result))
            pending_uuids.add(envelope["uuid"])
            continue
        flush()
        results[index] = _one(batch, envelope, digest, result, receipts)
    flush()
    answered = [r for r in results if r is not None]
    if len(answered) != len(results):
        raise RuntimeError("a sync record was left without an answer")
    return answered


def _error(exc: DomainError) -> dict:
    return {"field": exc.field, "code": exc.code, "message": exc.message}
