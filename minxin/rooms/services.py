"""Writes of the liaison rooms. Every yuan a room is owed, receives or spends is a ledger
transaction posted here (`minxin.ledger.services.post`): the ledger keeps the legs balanced, the
working fund and the construction budget from going below zero whatever the race, and a retried
call with the same idempotency key from posting twice. Each write is also an audit event.

- `room_open` / `room_edit`: the room of a village, its checklist and facts;
- `levy`: a year's working fund split city : county : sending unit (MINXIN_ROOM_SPLIT, exact to the
  fen) and, once per room, the provincial subsidy — what each payer then owes;
- `receipt_record`: a tranche received against a due (never above what remains of it);
- `spending_record`, `budget_allot`: spending from the working fund or the county's construction
  budget, and the allotment that fills the budget;
- `entry_reverse`: a wrong receipt or spending corrected by its reversing transaction;
- `evaluation_record`: the semi-annual evaluation and its grade.
"""

import calendar
import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.cadres.models import Assignment, SendingUnit
from minxin.core.audit import audit_record, changed_fields, locked, snapshot
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.guards import acting_user, require, require_scope
from minxin.core.models import AuditEvent
from minxin.core.validation import check_text, not_before, past_date
from minxin.ledger import services as ledger
from minxin.ledger.models import Transaction
from minxin.ledger.money import split, to_fen, to_yuan
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.rooms import books
from minxin.rooms.checklist import RUBRIC, RUBRIC_CODES, STANDARD_CODES, grade_of
from minxin.rooms.models import WORKING_PAYERS, Due, Evaluation, Payer, Receipt, Room, Spending

EDITABLE = ("opened_on", "address", "area", "equipment", "sending_unit", "standards", "disclosed_on")
MAX_AREA = Decimal("99999.9")


def _post(actor: User | None, *, kind: str, memo: str, region_code: str, legs: list, occurred_on: datetime.date,
          idempotency_key: str | None = None,
          ) -> Transaction:
    return ledger.post(actor=actor, kind=kind, memo=memo, region_code=region_code, legs=legs,
                       occurred_on=occurred_on, idempotency_key=idempotency_key)


def _replayed(model: Any, **posting: Any) -> Any:
    """The record an earlier call with this key made (a double click, a retried request), or None."""
    earlier = ledger.replayed(**posting)
    return None if earlier is None else model.objects.get(transaction=earlier)


def _made_meanwhile(model: Any, posted: Transaction) -> Any:
    """The record of `posted` when a concurrent call with the same key made it first (the ledger then
    answers that call's transaction): answered as a replay rather than a second record (a 500)."""
    return model.objects.filter(transaction=posted).first()


def _unit_of(village: Region) -> SendingUnit | None:
    """The unit of the village's First Secretary (or, failing one, of any cadre serving there)."""
    active = Assignment.objects.filter(village=village, status=Assignment.Status.ACTIVE).select_related("cadre")
    first = active.filter(role=Assignment.Role.FIRST_SECRETARY).first() or active.first()
    return first.cadre.sending_unit if first else None


def _check_facts(actor: User | None, fields: dict) -> dict:
    checked = dict(fields)
    for name in ("address",):
        if name in checked:
            checked[name] = check_text(checked[name], field=name, max_length=200)
    if "equipment" in checked:
        checked["equipment"] = check_text(checked["equipment"], field="equipment")
    if checked.get("opened_on") is not None:
        past_date(checked["opened_on"], "opened_on")
    if checked.get("disclosed_on") is not None:
        past_date(checked["disclosed_on"], "disclosed_on")
    area = checked.get("area")
    if area is not None and not (0 < area <= MAX_AREA):
        raise DomainError("bad_area", _("面积须大于 0 且不超过 %(max)s 平方米。") % {"max": MAX_AREA}, field="area")
    if "standards" in checked:
        standards = checked["standards"]
        if not isinstance(standards, dict) or set(standards) - set(STANDARD_CODES) or not all(
                isinstance(value, bool) for value in standards.values()):
            raise DomainError("bad_standards", _("标准化建设清单只能勾选清单中的项目。"), field="standards")
        checked["standards"] = {code: bool(standards.get(code)) for code in STANDARD_CODES}
    unit = checked.get("sending_unit")
    if unit is not None and actor is not None and not SendingUnit.objects.visible_to(actor).filter(pk=unit.pk).exists():
        raise DomainError("unit_outside", _("派出单位不存在，或不在您的管辖范围内。"), field="sending_unit")
    return checked


@transaction.atomic
def room_open(*, actor: User | None, village: Region, **fields: Any) -> Room:
    """The room of `village` (one per village); once it has an opening date, its opening year's
    working fund and the provincial subsidy are levied."""
    require(actor, roles.MANAGE_ROOMS)
    require_scope(actor, village.code, field="village")
    if village.level != codes.VILLAGE:
        raise DomainError("not_village", _("干群连心室只能建在村（社区）。"), field="village")
    if Room.objects.filter(village=village).exists():
        raise DomainError("room_exists", _("%(village)s已有干群连心室（每村一个）。") % {"village": village.name},
                          field="village")
    checked = _check_facts(actor, {"standards": {}, **{key: value for key, value in fields.items() if key in EDITABLE}})
    if checked.get("sending_unit") is None:
        checked["sending_unit"] = _unit_of(village)
    room = Room.objects.create(village=village, **checked)
    audit_record(actor=actor, action="room.open", obj=room, region_code=village.code, after=snapshot(room))
    if room.opened_on:
        _levy(actor, room, room.opened_on.year)
    return room


@transaction.atomic
def room_edit(*, actor: User | None, room: Room, **fields: Any) -> Room:
    """Correct a room's facts and checklist (logged before and after). Opening it for the first time
    levies its opening year."""
    require(actor, roles.KEEP_ROOMS)
    require_scope(actor, room.village_id)
    room = locked(room)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DomainError("not_editable", _("这些信息不能在这里修改：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    checked = _check_facts(actor, fields)
    first_levied = room.dues.order_by("year").values_list("year", flat=True).first()
    if first_levied is not None and "opened_on" in checked and (
            checked["opened_on"] is None or checked["opened_on"].year > first_levied):
        raise DomainError("opened_levied", _("已生成 %(year)d 年度的应拨经费，启用日期不能清空或晚于该年度。") % {
            "year": first_levied}, field="opened_on")
    opening = "opened_on" in checked and checked["opened_on"] != room.opened_on
    if ("sending_unit" in checked or opening) and not actor_can_manage(actor):
        raise PermissionDenied()  # who pays, and from when (opening levies the year's funds): the township's and county's
    before = snapshot(room)
    was_open = room.opened_on is not None
    for name, value in checked.items():
        setattr(room, name, value)
    room.save()
    changed_before, changed_after = changed_fields(before, snapshot(room))
    if changed_after:
        audit_record(actor=actor, action="room.edit", obj=room, region_code=room.village_id, before=changed_before,
                     after=changed_after)
    if room.opened_on and not was_open:
        _levy(actor, room, room.opened_on.year)
    return room


def actor_can_manage(actor: User | None) -> bool:
    return actor is None or actor.can(roles.MANAGE_ROOMS)


def due_date(year: int) -> datetime.date:
    month = settings.MINXIN_ROOM_DUE_MONTH
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def shares(total_fen: int) -> dict[str, int]:
    """The working fund split among its payers by MINXIN_ROOM_SPLIT, exact to the fen."""
    return dict(zip(WORKING_PAYERS, split(total_fen, settings.MINXIN_ROOM_SPLIT), strict=True))


@transaction.atomic
def levy(*, actor: User | None, room: Room, year: int) -> list[Due]:
    """What each payer owes `room` for `year` (and the provincial subsidy, once per room), posted as
    one transaction: receivable from each payer against the room's pledged income. Levying a year
    again changes nothing and answers its dues."""
    require(actor, roles.MANAGE_ROOMS)
    require_scope(actor, room.village_id)
    return _levy(actor, room, year)


def _levy(actor: User | None, room: Room, year: int) -> list[Due]:
    room = locked(room)
    if room.opened_on is None:
        raise DomainError("not_open", _("干群连心室还没有启用日期，不能生成应拨经费。"), field="year")
    if not room.opened_on.year <= year <= timezone.localdate().year + 1:
        raise DomainError("bad_year", _("年度须在启用年度（%(opened)d）到明年之间。") % {"opened": room.opened_on.year},
                          field="year")
    existing = list(room.dues.filter(year=year))
    if existing:
        return existing
    amounts = shares(settings.MINXIN_ROOM_WORKING_FUND * 100)
    if settings.MINXIN_ROOM_SUBSIDY and not room.dues.filter(payer=Payer.PROVINCE).exists():
        amounts[Payer.PROVINCE] = settings.MINXIN_ROOM_SUBSIDY * 100
    amounts = {payer: fen for payer, fen in amounts.items() if fen > 0}
    legs = [(books.receivable(room, payer), fen) for payer, fen in amounts.items()]
    legs.append((books.pledged(room), -sum(amounts.values())))
    posted = _post(actor, kind="rooms.levy", memo=_("%(room)s %(year)d 年度应拨经费") % {"room": room, "year": year},
                   region_code=room.village_id, legs=legs, occurred_on=datetime.date(year, 1, 1),
                   idempotency_key=f"rooms.levy:{room.village_id}:{year}")
    dues = Due.objects.bulk_create([
        Due(room=room, year=year, payer=payer, amount_fen=fen, due_on=due_date(year), transaction=posted,
            sending_unit=room.sending_unit if payer == Payer.UNIT else None) for payer, fen in amounts.items()])
    audit_record(actor=actor, action="room.levy", obj=room, region_code=room.village_id,
                 after={"year": year, **{payer: str(to_yuan(fen)) for payer, fen in amounts.items()}})
    return dues


def levy_all(*, actor: User | None, year: int) -> int:
    """Levy `year` for every open room in the actor's scope that lacks it; answers how many."""
    require(actor, roles.MANAGE_ROOMS)
    rooms = Room.objects.visible_to(actor) if actor is not None else Room.objects.all()
    pending = rooms.filter(opened_on__year__lte=year).exclude(dues__year=year).select_related("village")
    count = 0
    for room in pending:
        levy(actor=actor, room=room, year=year)
        count += 1
    return count


def received_fen(due: Due) -> int:
    """What was received against a due (reversed receipts not counted)."""
    return due.receipts.filter(transaction__reversed_by__isnull=True).aggregate(n=Sum("amount_fen"))["n"] or 0


def _may_receive(actor: User | None, due: Due) -> None:
    """The county records every payer's tranche; a sending unit's liaison its own unit's only."""
    if actor is None or actor.can(roles.FUND_ROOMS):
        return
    if actor.can(roles.PAY_ROOMS) and due.payer == Payer.UNIT and due.sending_unit_id is not None \
            and due.sending_unit_id == getattr(actor, "sending_unit_id", None):
        return
    raise PermissionDenied()


def receipt_record(*, actor: User | None, due: Due, amount: object, received_on: datetime.date, reference: str = "",
                   idempotency_key: str | None = None) -> Receipt:
    """A tranche received against `due`: into the room's working fund, out of what the payer owes."""
    require_scope(actor, due.room.village_id)
    _may_receive(actor, due)
    fen = to_fen(amount)
    past_date(received_on, "received_on")
    reference = check_text(reference, field="reference", max_length=64)
    room = due.room
    posting: dict[str, Any] = {
        "kind": "rooms.receipt", "region_code": room.village_id, "occurred_on": received_on,
        "memo": _("%(room)s 收到%(year)d 年度%(payer)s经费%(ref)s") % {
            "room": room, "year": due.year, "payer": due.get_payer_display(),
            "ref": f"（{reference}）" if reference else ""},
        "legs": [(books.fund(room), fen), (books.receivable(room, due.payer), -fen)],
        "idempotency_key": ledger.caller_key(actor, idempotency_key)}
    with transaction.atomic():
        earlier = _replayed(Receipt, **posting)
        if earlier is not None:
            return earlier
        due = locked(due)
        remaining = due.amount_fen - received_fen(due)
        if fen > remaining:
            raise DomainError("above_due", _("到账金额 %(amount)s 元超过该笔应拨经费尚欠的 %(remaining)s 元。") % {
                "amount": to_yuan(fen), "remaining": to_yuan(remaining)}, field="amount")
        posted = _post(actor, **posting)
        if (earlier := _made_meanwhile(Receipt, posted)) is not None:
            return earlier
        receipt = Receipt.objects.create(due=due, amount_fen=fen, received_on=received_on, reference=reference,
                                         transaction=posted, recorded_by=acting_user(actor))
        audit_record(actor=actor, action="room.receipt", obj=receipt, region_code=room.village_id,
                     after={"year": due.year, "payer": due.payer, "amount": str(to_yuan(fen)),
                            "received_on": received_on.isoformat(), "reference": reference})
    return receipt


def spending_record(*, actor: User | None, room: Room, kind: str, amount: object, spent_on: datetime.date, purpose: str,
                    idempotency_key: str | None = None) -> Spending:
    """Money spent on a room: its work from its working fund (those who keep it), its construction
    from the county's construction budget (the county). Neither can be spent below zero."""
    if kind not in Spending.Kind.values:
        raise DomainError("bad_kind", _("经费类别不正确。"), field="kind")
    require(actor, roles.FUND_ROOMS if kind == Spending.Kind.CONSTRUCTION else roles.KEEP_ROOMS)
    require_scope(actor, room.village_id)
    fen = to_fen(amount)
    past_date(spent_on, "spent_on")
    purpose = check_text(purpose, field="purpose", required=True, max_length=200)
    source = books.budget(codes.county_of(room.village_id) or "") if kind == Spending.Kind.CONSTRUCTION \
        else books.fund(room)
    posting: dict[str, Any] = {"kind": f"rooms.spending.{kind}", "region_code": room.village_id, "occurred_on": spent_on,
               "memo": f"{room} {purpose}"[:200], "legs": [(books.spent(room, kind), fen), (source, -fen)],
               "idempotency_key": ledger.caller_key(actor, idempotency_key)}
    with transaction.atomic():
        earlier = _replayed(Spending, **posting)
        if earlier is not None:
            return earlier
        try:
            posted = _post(actor, **posting)
        except DomainError as exc:
            exc.field = exc.field or "amount"
            raise
        if (earlier := _made_meanwhile(Spending, posted)) is not None:
            return earlier
        spending = Spending.objects.create(room=room, kind=kind, amount_fen=fen, spent_on=spent_on, purpose=purpose,
                                           transaction=posted, recorded_by=acting_user(actor))
        audit_record(actor=actor, action="room.spending", obj=spending, region_code=room.village_id,
                     after={"kind": kind, "amount": str(to_yuan(fen)), "spent_on": spent_on.isoformat(),
                            "purpose": purpose})
    return spending


def budget_allot(*, actor: User | None, county_code: str, amount: object, allotted_on: datetime.date, memo: str,
                 idempotency_key: str | None = None) -> Transaction:
    """The county's construction budget for its rooms, filled by an appropriation."""
    require(actor, roles.FUND_ROOMS)
    require_scope(actor, county_code)
    if codes.level_of(county_code) != codes.COUNTY:
        raise DomainError("not_county", _("建设经费预算按县下达。"))
    fen = to_fen(amount)
    past_date(allotted_on, "allotted_on")
    memo = check_text(memo, field="memo", required=True, max_length=200)
    posting: dict[str, Any] = {
        "kind": "rooms.budget", "memo": memo, "region_code": county_code, "occurred_on": allotted_on,
        "legs": [(books.budget(county_code), fen), (books.appropriation(county_code), -fen)],
        "idempotency_key": ledger.caller_key(actor, idempotency_key)}
    with transaction.atomic():
        earlier = ledger.replayed(**posting)
        if earlier is not None:  # the form sent again: the allotment is made, and logged, once
            return earlier
        posted = _post(actor, **posting)
        if AuditEvent.objects.filter(action="room.budget", object_id=str(posted.pk)).exists():
            return posted  # a concurrent call with the same key made it first
        audit_record(actor=actor, action="room.budget", object_type="ledger.transaction", object_id=str(posted.pk),
                     object_repr=memo, region_code=county_code,
                     after={"amount": str(to_yuan(fen)), "allotted_on": allotted_on.isoformat()})
    return posted


def entry_reverse(*, actor: User | None, record: Receipt | Spending, reason: str) -> Transaction:
    """Correct a wrong receipt or spending by its reversing transaction (the county only). A receipt
    whose money was already spent cannot be reversed below zero: the ledger refuses it."""
    require(actor, roles.FUND_ROOMS)
    room = record.due.room if isinstance(record, Receipt) else record.room
    require_scope(actor, room.village_id)
    reason = check_text(reason, field="reason", required=True, max_length=150)
    with transaction.atomic():
        reversal = ledger.reverse(actor=actor, original=record.transaction, memo=_("冲销：%(reason)s") % {
            "reason": reason})
        audit_record(actor=actor, action="room.reverse", obj=record, region_code=room.village_id,
                     after={"reason": reason, "amount": str(to_yuan(record.amount_fen)), "transaction": reversal.pk})
    return reversal


def half_start(year: int, half: int) -> datetime.date:
    return datetime.date(year, 1 if half == 1 else 7, 1)


def evaluation_record(*, actor: User | None, room: Room, year: int, half: int, evaluated_on: datetime.date,
                      scores: dict, note: str = "") -> Evaluation:
    """The semi-annual evaluation: every rubric item scored in whole points within its maximum, once
    per room and half year, not before the half year begins; the grade follows the county's thresholds."""
    require(actor, roles.MANAGE_ROOMS)
    require_scope(actor, room.village_id)
    if half not in (1, 2) or not 2000 <= year <= 2100:
        raise DomainError("bad_period", _("评估期须为某年的上半年或下半年。"), field="half")
    past_date(evaluated_on, "evaluated_on")
    not_before(evaluated_on, half_start(year, half), field="evaluated_on", what=_("评估期的开始"))
    if not isinstance(scores, dict) or set(scores) != set(RUBRIC_CODES):
        raise DomainError("scores_incomplete", _("请为每一个评估项目打分。"), field="scores")
    for code, label, most in RUBRIC:
        value = scores[code]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
            raise DomainError("score_range", _("“%(item)s”的得分须是 0 到 %(max)d 之间的整数。") % {
                "item": label, "max": most}, field=f"score_{code}")
    note = check_text(note, field="note")
    total = sum(scores[code] for code in RUBRIC_CODES)
    with transaction.atomic():
        room = locked(room)
        if room.evaluations.filter(year=year, half=half).exists():
            raise DomainError("evaluated", _("%(room)s %(year)d 年%(half)s已经评估过。") % {
                "room": room, "year": year, "half": _("上半年") if half == 1 else _("下半年")}, field="half")
        evaluation = Evaluation.objects.create(
            room=room, year=year, half=half, evaluated_on=evaluated_on, scores={c: scores[c] for c in RUBRIC_CODES},
            total=total, grade=grade_of(total), note=note, evaluated_by=acting_user(actor))
        audit_record(actor=actor, action="room.evaluate", obj=evaluation, region_code=room.village_id,
                     after={"total": total, "grade": evaluation.grade, "scores": evaluation.scores})
    return evaluation

