"""Writes of a dispute's case file. `dispute_open` files the case (早报告) with its parties; each
later step goes through `dispute_step`, which takes the five "early" steps in their order only,
escalates to the township, and records the agreement's performance, the follow-up visit and the
judicial confirmation. A step out of order is refused with the rule it breaks; each step is a
`DisputeStep` row and an audit event."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.core.audit import audit_record, changed_fields, locked, snapshot
from minxin.core.errors import DomainError
from minxin.core.guards import acting_user, require, require_scope
from minxin.core.validation import check_phone, check_text, past_date
from minxin.disputes import checks, deadlines
from minxin.disputes.models import Dispute, DisputeParty, DisputeStep
from minxin.fieldwork.models import Need, VillagerRequest, Visit
from minxin.regions import codes
from minxin.regions.models import Region

State, Step = Dispute.State, DisputeStep.Step
MAX_PARTIES = 20
MAX_AMOUNT = Decimal("99999999.99")
# The five "early" steps: the state each needs, the state it leads to, and the rule quoted on refusal.
EARLY: dict[str, tuple[str, str]] = {
    Step.ASSIGN: (State.REPORTED, State.ASSIGNED),
    Step.PREVENT: (State.ASSIGNED, State.PREVENTED),
    Step.INVESTIGATE: (State.PREVENTED, State.INVESTIGATED),
    Step.RESOLVE: (State.INVESTIGATED, State.RESOLVED),
}


@dataclass(frozen=True)
class Party:
    side: str
    member_id: int | None = None
    name: str = ""
    phone: str = ""
    address: str = ""


def _source(actor, village: Region, *, visit_id=None, need_id=None, request_id=None) -> dict:
    """The visit, villager need or request the case starts from: one at most, of the same village."""
    given = [(field, model, pk) for field, model, pk in (("source_visit", Visit, visit_id),
                                                         ("source_need", Need, need_id),
                                                         ("source_request", VillagerRequest, request_id)) if pk]
    if len(given) > 1:
        raise DomainError("one_source", _("一件纠纷只能来自一条走访、民情或群众诉求。"))
    if not given:
        return {}
    field, model, pk = given[0]
    found = model.objects.filter(pk=pk, village=village).first()
    if found is None or (actor is not None and not actor.in_scope(found.village_id)):
        raise DomainError("source_outside", _("来源记录不存在，或不是本村的记录。"), field=field)
    return {field: found}


def _party_row(actor, dispute: Dispute, party: Party, index: int) -> DisputeParty:
    if party.side not in DisputeParty.Side.values:
        raise DomainError("bad_side", _("第 %(n)d 名当事人的身份不正确。") % {"n": index}, field="parties")
    member = checks.member_in_scope(actor, party.member_id, within=dispute.village_id, field="parties")
    name = member.name if member else check_text(party.name, field="parties", max_length=64)
    if not name:
        raise DomainError("party_name", _("第 %(n)d 名当事人：请选择本村村民或填写姓名。") % {"n": index},
                          field="parties")
    return DisputeParty(dispute=dispute, side=party.side, member=member, name=name,
                        phone="" if member else check_phone(party.phone, field="parties"),
                        address=check_text(party.address, field="parties", max_length=200))


def _parties(actor, dispute: Dispute, parties: list[Party]) -> list[DisputeParty]:
    if not parties:
        raise DomainError("no_party", _("请至少填写一名当事人。"), field="parties")
    if len(parties) > MAX_PARTIES:
        raise DomainError("too_many_parties", _("当事人不超过 %(n)d 名。") % {"n": MAX_PARTIES}, field="parties")
    rows = [_party_row(actor, dispute, party, index) for index, party in enumerate(parties, start=1)]
    if {row.side for row in rows} != set(DisputeParty.Side.values) and len(rows) > 1:
        raise DomainError("one_side", _("纠纷须有双方当事人：请分别填写一方和另一方。"), field="parties")
    return rows


def _party_data(rows: list[DisputeParty]) -> list[dict]:
    return [{"side": row.side, "name": row.name, "phone": row.phone} for row in rows]


@transaction.atomic
def dispute_party_add(*, actor: User | None, dispute: Dispute, party: Party) -> DisputeParty:
    """A party found after the case was filed (another household drawn in): while the case is open."""
    require(actor, roles.HANDLE_DISPUTES)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    require_scope(actor, dispute.village_id)
    if dispute.level == Dispute.Level.TOWNSHIP:
        require(actor, roles.HANDLE_ESCALATED)
    if not dispute.is_open:
        raise DomainError("closed", _("已化解办结的纠纷不再添加当事人。"))
    count = dispute.parties.count()
    if count >= MAX_PARTIES:
        raise DomainError("too_many_parties", _("当事人不超过 %(n)d 名。") % {"n": MAX_PARTIES}, field="parties")
    row = _party_row(actor, dispute, party, count + 1)
    row.save()
    audit_record(actor=actor, action="dispute.party_add", obj=dispute, region_code=dispute.village_id,
                 after={"parties": _party_data([row])})
    return row


@transaction.atomic
def dispute_open(*, actor: User | None, village: Region, title: str, summary: str, intake: str, category: str,
                 risk: str, arose_on: datetime.date, reported_on: datetime.date, parties: list[Party],
                 visit_id: int | None = None, need_id: int | None = None,
                 request_id: int | None = None) -> Dispute:
    """File a case (早报告): due a month after its report."""
    require(actor, roles.HANDLE_DISPUTES)
    if village.level != codes.VILLAGE:
        raise DomainError("not_village", _("矛盾纠纷按村登记，请选择村。"), field="village")
    require_scope(actor, village.code, field="village")
    past_date(reported_on, "reported_on")
    past_date(arose_on, "arose_on")
    if arose_on > reported_on:
        raise DomainError("reported_before_found", _("报告日期不能早于发现日期。"), field="reported_on")
    for field, value, choices in (("intake", intake, Dispute.Intake), ("category", category, Dispute.Category),
                                  ("risk", risk, Dispute.Risk)):
        if value not in choices.values:
            raise DomainError("bad_choice", _("请从列表中选择。"), field=field)
    dispute = Dispute(village=village, title=check_text(title, field="title", required=True, max_length=100),
                      summary=check_text(summary, field="summary", required=True), intake=intake,
                      category=category, risk=risk, arose_on=arose_on, reported_on=reported_on,
                      due_on=deadlines.dispute_due(reported_on), recorded_by=acting_user(actor),
                      **_source(actor, village, visit_id=visit_id, need_id=need_id, request_id=request_id))
    rows = _parties(actor, dispute, parties)
    dispute.save()
    DisputeParty.objects.bulk_create(rows)
    _record(actor, dispute, Step.REPORT, reported_on, dispute.title, {
        "title": dispute.title, "category": category, "risk": risk, "intake": intake,
        "parties": _party_data(rows)})
    return dispute


@transaction.atomic
def dispute_edit(*, actor: User | None, dispute: Dispute, title: str, summary: str, intake: str, category: str,
                 risk: str) -> Dispute:
    """Correct what the case is about (a risk re-rated, a category mistaken) while it is open; its
    dates and steps are history and stay as taken."""
    require(actor, roles.HANDLE_DISPUTES)
    dispute = locked(dispute)
    require_scope(actor, dispute.village_id)
    if dispute.level == Dispute.Level.TOWNSHIP:
        require(actor, roles.HANDLE_ESCALATED)
    if not dispute.is_open:
        raise DomainError("closed", _("已化解办结的纠纷不再修改。"))
    for field, value, choices in (("intake", intake, Dispute.Intake), ("category", category, Dispute.Category),
                                  ("risk", risk, Dispute.Risk)):
        if value not in choices.values:
            raise DomainError("bad_choice", _("请从列表中选择。"), field=field)
    before = snapshot(dispute)
    dispute.title = check_text(title, field="title", required=True, max_length=100)
    dispute.summary = check_text(summary, field="summary", required=True)
    dispute.intake, dispute.category, dispute.risk = intake, category, risk
    dispute.save()
    old, new = changed_fields(before, snapshot(dispute))
    if new:
        audit_record(actor=actor, action="dispute.edit", obj=dispute, region_code=dispute.village_id,
                     before=old, after=new)
    return dispute


def _record(actor, dispute: Dispute, step: str, day: datetime.date, note: str, data: dict) -> None:
    DisputeStep.objects.create(dispute=dispute, step=step, done_on=day, note=note, by=acting_user(actor))
    audit_record(actor=actor, action=f"dispute.{step}", obj=dispute, region_code=dispute.village_id,
                 after={"done_on": f"{day:%Y-%m-%d}", **data})


def _refuse(code: str, message: str) -> None:
    raise DomainError(code, message, field="step")


def _check_order(dispute: Dispute, step: str) -> None:
    """The rule each step follows, quoted when broken."""
    if step in EARLY:
        needed, _next = EARLY[step]
        if dispute.state != needed:
            if dispute.state == State.RESOLVED:
                _refuse("closed", _("该纠纷已化解办结，不能再办理“%(step)s”。") % {"step": Step(step).label})
            _refuse("out_of_order", _("“五早”须依次办理：“%(step)s”须在“%(needed)s”之后，本案现在处于“%(now)s”。") % {
                "step": Step(step).label, "needed": State(needed).label, "now": dispute.get_state_display()})
    elif step == Step.ESCALATE:
        if not dispute.is_open:
            _refuse("closed", _("已化解办结的纠纷不再上报。"))
        if dispute.level == Dispute.Level.TOWNSHIP:
            _refuse("escalated", _("本案已上报乡镇（小事不出村、大事不出镇：只上报一次）。"))
    elif dispute.state != State.RESOLVED:
        _refuse("not_resolved", _("“%(step)s”须在调解办结（早化解）之后。") % {"step": Step(step).label})


@transaction.atomic
def dispute_step(*, actor: User | None, dispute: Dispute, step: str, done_on: datetime.date, note: str = "",
                 mediator: str = "", result: str = "", agreement: str = "", agreement_terms: str = "",
                 amount: Decimal | None = None, perform_by: datetime.date | None = None,
                 court: str = "") -> Dispute:
    """Take `step` on `dispute` (locked for the time of it): the next of the five early steps, the
    escalation, or one of the steps after the mediation."""
    require(actor, roles.HANDLE_DISPUTES)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    require_scope(actor, dispute.village_id)
    if dispute.level == Dispute.Level.TOWNSHIP and step != Step.ESCALATE:
        require(actor, roles.HANDLE_ESCALATED)
    if step not in Step.values or step == Step.REPORT:
        _refuse("bad_step", _("没有这个办理环节。"))
    _check_order(dispute, step)
    checks.step_date(done_on, dispute)
    note = check_text(note, field="note")
    data = TAKE[step](dispute, done_on, note, mediator=mediator, result=result, agreement=agreement,
                      agreement_terms=agreement_terms, amount=amount, perform_by=perform_by, court=court)
    dispute.save()
    _record(actor, dispute, step, done_on, note, data)
    return dispute


def _assign(dispute, day, note, *, mediator, **_ignored):
    dispute.mediator = check_text(mediator, field="mediator", required=True, max_length=64)
    dispute.state = State.ASSIGNED
    return {"mediator": dispute.mediator}


def _prevent(dispute, day, note, **_ignored):
    checks.needs_note(note, _("请写明采取的预防措施（稳控、劝导、隔离等）。"))
    dispute.measures, dispute.state = note, State.PREVENTED
    return {}


def _investigate(dispute, day, note, **_ignored):
    checks.needs_note(note, _("请写明排查核实的情况（事实、诉求、证据）。"))
    dispute.findings, dispute.state = note, State.INVESTIGATED
    return {}


def _resolve(dispute, day, note, *, result, agreement, agreement_terms, amount, perform_by, **_ignored):
    if result not in Dispute.Result.values:
        raise DomainError("result_required", _("请选择调解结果。"), field="result")
    checks.needs_note(note, _("请填写调解记录（调解经过和双方意见）。"))
    if result == Dispute.Result.SUCCESS:
        if agreement not in (Dispute.Agreement.WRITTEN, Dispute.Agreement.ORAL):
            raise DomainError("agreement_required", _("调解成功须写明达成的是书面协议还是口头协议。"), field="agreement")
        dispute.agreement_terms = check_text(agreement_terms, field="agreement_terms", required=True)
        if amount is not None and not Decimal(0) <= amount <= MAX_AMOUNT:
            raise DomainError("bad_amount", _("协议金额应在 0 到 99,999,999.99 元之间。"), field="amount")
        checks.deadline_not_before(perform_by, day, field="perform_by")
        dispute.agreement, dispute.amount, dispute.perform_by = agreement, amount, perform_by
    elif agreement or amount is not None or perform_by:
        raise DomainError("no_agreement", _("调解未成功或终止时没有调解协议。"), field="agreement")
    dispute.result, dispute.mediation_record, dispute.concluded_on = result, note, day
    dispute.state, dispute.due_on = State.RESOLVED, None
    return {"result": result, "agreement": dispute.agreement, "amount": str(amount) if amount is not None else None,
            "perform_by": f"{perform_by:%Y-%m-%d}" if perform_by else None}


def _escalate(dispute, day, note, **_ignored):
    checks.needs_note(note, _("请写明上报乡镇的理由（如涉及人数多、金额大、村级调解不成）。"))
    dispute.level, dispute.escalated_on, dispute.escalation_reason = Dispute.Level.TOWNSHIP, day, note
    return {"level": dispute.level}


def _agreed(dispute: Dispute, step: str) -> None:
    if dispute.result != Dispute.Result.SUCCESS or not dispute.agreement:
        _refuse("no_agreement", _("“%(step)s”只适用于调解成功并达成协议的纠纷。") % {"step": Step(step).label})


def _perform(dispute, day, note, **_ignored):
    _agreed(dispute, Step.PERFORM)
    if dispute.performed_on:
        _refuse("done", _("协议履行已登记。"))
    dispute.performed_on = day
    return {}


def _follow_up(dispute, day, note, **_ignored):
    if dispute.follow_up_on:
        _refuse("done", _("回访已登记。"))
    checks.needs_note(note, _("请写明回访情况（协议是否履行、当事人是否满意、有无反复）。"))
    dispute.follow_up_on, dispute.follow_up_note = day, note
    return {}


def _judicial(dispute, day, note, *, court, **_ignored):
    _agreed(dispute, Step.JUDICIAL)
    if dispute.agreement != Dispute.Agreement.WRITTEN:
        _refuse("not_written", _("司法确认须有书面调解协议。"))
    if dispute.judicial_applied_on:
        _refuse("done", _("司法确认申请已登记。"))
    last = deadlines.after(dispute.concluded_on, deadlines.JUDICIAL_DAYS)
    if day > last:
        raise DomainError("judicial_late", _(
            "当事人应自调解协议生效之日起三十日内共同向人民法院申请司法确认（《人民调解法》第三十三条）："
            "本案协议 %(agreed)s 生效，申请期限至 %(last)s。") % {
            "agreed": f"{dispute.concluded_on:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"}, field="done_on")
    dispute.judicial_applied_on = day
    dispute.judicial_court = check_text(court, field="court", required=True, max_length=100)
    return {"court": dispute.judicial_court}


TAKE: dict[str, Callable[..., dict]] = {Step.ASSIGN: _assign, Step.PREVENT: _prevent, Step.INVESTIGATE: _investigate, Step.RESOLVE: _resolve,
        Step.ESCALATE: _escalate, Step.PERFORM: _perform, Step.FOLLOW_UP: _follow_up, Step.JUDICIAL: _judicial}
