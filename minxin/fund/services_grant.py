"""Writes of the fund from review to payment: the expert panel drawn at random among the experts
who need not recuse themselves, their scores on the rubric, the county's decision — the approved
amount moved from the available balance to the grant in one ledger transaction, so two approvals
racing for the last yuan can never overdraw the fund — and the grant's tranches (advance, on
completion, after acceptance), each a ledger transaction out of the grant, never above what remains."""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.cadres.models import Assignment
from minxin.core.audit import audit_record, locked
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.guards import acting_user, require, require_scope
from minxin.core.validation import check_text, past_date
from minxin.fund import books
from minxin.fund.models import Application, Expert, PanelSeat, Tranche
from minxin.fund.rules import LEVELS, RUBRIC, RUBRIC_CODES, points
from minxin.fund.services import notice_end
from minxin.ledger import services as ledger
from minxin.ledger.money import split, to_fen, to_yuan
from minxin.regions import codes

State, Stage = Application.State, Tranche.Stage
CENT = Decimal("0.01")
_draw = random.SystemRandom()


def recused(expert: Expert, application: Application) -> bool:
    """An expert tied to the applicant's village, or of a sending unit that posts cadres there, may
    neither be drawn nor score."""
    if expert.tied_villages.filter(code=application.village_id).exists():
        return True
    return expert.sending_unit_id is not None and Assignment.objects.filter(
        village_id=application.village_id, status=Assignment.Status.ACTIVE,
        cadre__sending_unit_id=expert.sending_unit_id).exists()


def eligible(application: Application) -> list[Expert]:
    county = codes.county_of(application.village_id) or ""
    units = Assignment.objects.filter(village_id=application.village_id, status=Assignment.Status.ACTIVE).values(
        "cadre__sending_unit_id")
    return list(Expert.objects.filter(county_code=county, active=True).exclude(
        tied_villages__code=application.village_id).exclude(sending_unit_id__in=units).order_by("pk"))


@transaction.atomic
def panel_draw(*, actor: User | None, application: Application) -> list[PanelSeat]:
    """Draw the panel (MINXIN_FUND_PANEL_SIZE experts, odd) at random among the eligible; too few
    eligible experts is said so — the panel is never silently smaller."""
    require(actor, roles.MANAGE_FUND)
    require_scope(actor, application.village_id)
    application = locked(application)
    if application.state != State.NOTICE:
        raise DomainError("bad_state", _("申报公示后才能抽取评审专家。"))
    if application.seats.exists():
        raise DomainError("drawn", _("这个申报已抽取评审专家。"))
    size = settings.MINXIN_FUND_PANEL_SIZE
    if size % 2 == 0:
        raise DomainError("even_panel", _("评审专家人数须为奇数（当前设置 %(n)d）。") % {"n": size})
    pool = eligible(application)
    if len(pool) < size:
        raise DomainError("too_few_experts", _("符合回避规定的在库专家只有 %(have)d 名，不足 %(need)d 名，"
                                               "请先补充专家库。") % {"have": len(pool), "need": size})
    chosen = _draw.sample(pool, size)
    seats = [PanelSeat.objects.create(application=application, expert=expert) for expert in chosen]
    audit_record(actor=actor, action="fund.panel", obj=application, region_code=application.village_id,
                 after={"experts": [expert.pk for expert in chosen], "pool": len(pool)})
    return seats


def seat_of(actor: User | None, application: Application) -> PanelSeat:
    """The actor's seat on the application's panel (404-like refusal when it has none)."""
    expert = Expert.objects.filter(user=actor).first() if actor is not None else None
    seat = application.seats.filter(expert=expert).first() if expert else None
    if seat is None:
        raise DomainError("not_on_panel", _("您不是这个申报的评审专家。"))
    return seat


@transaction.atomic
def score_submit(*, actor: User | None, application: Application, levels: dict, comment: str = "") -> PanelSeat:
    """An expert's score: a level 1–5 on every criterion of the rubric, once; never by an expert who
    must recuse itself."""
    require(actor, roles.SCORE_FUND)
    seat = locked(seat_of(actor, application))
    if Application.objects.filter(pk=application.pk).values_list("state", flat=True).get() != State.NOTICE:
        raise DomainError("bad_state", _("这个申报现在不在评审阶段。"))
    if seat.scored_at is not None:
        raise DomainError("scored", _("您已评过分，不能重复评分。"))
    if recused(seat.expert, application):
        raise DomainError("recused", _("您与申报村或其派出单位有关联，须回避，不能评分。"))
    if not isinstance(levels, dict) or set(levels) != set(RUBRIC_CODES):
        raise DomainError("levels_incomplete", _("请为每一项评审标准选择等级。"), field="levels")
    for code, label, _weight, _anchors in RUBRIC:
        level = levels[code]
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= LEVELS:
            raise DomainError("level_range", _("“%(item)s”的等级须是 1 到 %(n)d。") % {"item": label, "n": LEVELS},
                              field=f"level_{code}")
    seat.levels = {code: levels[code] for code in RUBRIC_CODES}
    seat.total = sum((points(code, levels[code]) for code in RUBRIC_CODES), Decimal(0)).quantize(CENT)
    seat.comment = check_text(comment, field="comment")
    seat.scored_at = timezone.now()
    seat.save()
    audit_record(actor=actor, action="fund.score", obj=application, region_code=application.village_id,
                 after={"seat": seat.pk, "levels": seat.levels, "total": str(seat.total)})
    return seat


def aggregate(totals: list[Decimal]) -> Decimal | None:
    """The panel's score: the mean, or (MINXIN_FUND_AGGREGATE = trimmed, with at least 5 scores) the
    mean without one highest and one lowest."""
    if not totals:
        return None
    ordered = sorted(totals)
    if settings.MINXIN_FUND_AGGREGATE == "trimmed" and len(ordered) >= 5:
        ordered = ordered[1:-1]
    return (sum(ordered, Decimal(0)) / len(ordered)).quantize(CENT, rounding=ROUND_HALF_UP)


def decide(*, actor: User | None, application: Application, on: datetime.date, approve: bool, amount=None,
           direction: str = "", idempotency_key: str | None = None) -> Application:
    """The county's decision, once the notice period is over and every expert has scored: approval
    fixes the amount (not above the request) and moves it from the fund's available balance to the
    grant — refused when the fund cannot cover it, whatever else is approved at the same moment."""
    require(actor, roles.MANAGE_FUND)
    require_scope(actor, application.village_id)
    past_date(on, "on")
    direction = check_text(direction, field="direction", required=True)
    fen = to_fen(amount) if approve else None
    county = codes.county_of(application.village_id) or ""
    posting: dict[str, Any] | None = None
    if fen is not None:
        posting = {"kind": "fund.grant", "region_code": application.village_id, "occurred_on": on,
                   "memo": (_("批准 %(number)s %(title)s") % {"number": application.number,
                                                              "title": application.title})[:200],
                   "legs": [(books.grant(application), fen), (books.available(county), -fen)],
                   "idempotency_key": ledger.caller_key(actor, idempotency_key)}
    with transaction.atomic():
        if posting is not None and ledger.replayed(**posting) is not None:
            return Application.objects.get(pk=application.pk)
        application = locked(application)
        if application.state != State.NOTICE:
            raise DomainError("bad_state", _("只有公示和评审中的申报可以作出决定。"))
        if application.notice_until is None or on <= application.notice_until:
            raise DomainError("notice_running", _("公示期至 %(until)s，公示期满后才能作出决定。") % {
                "until": f"{application.notice_until:%Y-%m-%d}"}, field="on")
        seats = list(application.seats.all())
        if not seats or any(seat.scored_at is None for seat in seats):
            raise DomainError("scores_missing", _("专家评分尚未全部完成（%(done)d/%(all)d）。") % {
                "done": sum(seat.scored_at is not None for seat in seats), "all": len(seats)})
        if fen is not None and fen > application.requested_fen:
            raise DomainError("above_request", _("批准金额不能超过申请金额 %(max)s 元。") % {
                "max": to_yuan(application.requested_fen)}, field="amount")
        if posting is not None:
            try:
                ledger.post(actor=acting_user(actor), **posting)
            except DomainError as exc:
                exc.field = "amount"
                raise
        application.state = State.APPROVED if approve else State.REJECTED
        application.decided_on, application.approved_fen, application.direction = on, fen, direction
        application.decision_notice_until = notice_end(on)
        application.save()
        audit_record(actor=actor, action="fund.decide", obj=application, region_code=application.village_id,
                     after={"approve": approve, "amount": str(to_yuan(fen)) if fen else None,
                            "score": str(aggregate([s.total for s in seats if s.total is not None]))})
    return application


def paid_fen(application: Application) -> int:
    return Tranche.objects.filter(application=application).aggregate(n=Sum("amount_fen"))["n"] or 0


def tranche_pay(*, actor: User | None, application: Application, stage: str, amount, paid_on: datetime.date,
                voucher: str = "", idempotency_key: str | None = None) -> Tranche:
    """A payment of an approved grant, after its decision's notice: the advance first, then on
    completion, then — once accepted — the retention; never above what remains of the grant."""
    require(actor, roles.MANAGE_FUND)
    require_scope(actor, application.village_id)
    if stage not in Stage.values:
        raise DomainError("bad_stage", _("拨付阶段不正确。"), field="stage")
    fen = to_fen(amount)
    past_date(paid_on, "paid_on")
    voucher = check_text(voucher, field="voucher", max_length=64)
    posting: dict[str, Any] = {"kind": "fund.tranche", "region_code": application.village_id, "occurred_on": paid_on,
               "memo": _("%(number)s %(stage)s") % {"number": application.number, "stage": Stage(stage).label},
               "legs": [(books.paid(application), fen), (books.grant(application), -fen)],
               "idempotency_key": ledger.caller_key(actor, idempotency_key)}
    with transaction.atomic():
        earlier = ledger.replayed(**posting)
        if earlier is not None:
            return Tranche.objects.get(transaction=earlier)
        application = locked(application)
        _check_tranche(application, stage, fen, paid_on)
        posted = ledger.post(actor=acting_user(actor), **posting)
        tranche = Tranche.objects.create(application=application, stage=stage, amount_fen=fen, paid_on=paid_on,
                                         voucher=voucher, transaction=posted, recorded_by=acting_user(actor))
        if stage == Stage.ACCEPTANCE:
            _close(actor, application, paid_on)
        audit_record(actor=actor, action="fund.tranche", obj=tranche, region_code=application.village_id,
                     after={"stage": stage, "amount": str(to_yuan(fen)), "paid_on": paid_on.isoformat()})
    return tranche


def _check_tranche(application: Application, stage: str, fen: int, paid_on: datetime.date) -> None:
    if application.state != State.APPROVED:
        raise DomainError("bad_state", _("只有已批准、未结项的项目可以拨付。"))
    if application.decision_notice_until is None or paid_on <= application.decision_notice_until:
        raise DomainError("decision_notice", _("决定公示期至 %(until)s，期满后才能拨付。") % {
            "until": f"{application.decision_notice_until:%Y-%m-%d}"}, field="paid_on")
    done = set(application.tranches.values_list("stage", flat=True))
    if stage in done:
        raise DomainError("stage_paid", _("“%(stage)s”已拨付。") % {"stage": Stage(stage).label}, field="stage")
    order = list(Stage.values)
    missing = [Stage(s).label for s in order[:order.index(stage)] if s not in done]
    if missing:
        raise DomainError("stage_order", _("请先拨付“%(stage)s”。") % {"stage": missing[0]}, field="stage")
    if stage == Stage.ACCEPTANCE and application.closed_on is None:
        raise DomainError("not_accepted", _("项目验收合格后才能拨付质保金。"), field="stage")
    paid = paid_fen(application)
    if stage != Stage.ACCEPTANCE:  # the retention is held back: each stage up to its planned share
        shares = planned(application)
        cap = sum(shares[s] for s in order[:order.index(stage) + 1])
        if paid + fen > cap:
            raise DomainError("above_stage", _("到“%(stage)s”为止累计拨付不能超过 %(cap)s 元（按计划比例），质保金待验收后拨付。")
                              % {"stage": Stage(stage).label, "cap": to_yuan(cap)}, field="amount")
    remaining = (application.approved_fen or 0) - paid
    if fen > remaining:
        raise DomainError("above_grant", _("拨付金额 %(amount)s 元超过该项目尚未拨付的 %(remaining)s 元。") % {
            "amount": to_yuan(fen), "remaining": to_yuan(remaining)}, field="amount")


def planned(application: Application) -> dict[str, int]:
    """Each stage's share of the approved amount (MINXIN_FUND_TRANCHES per cent), exact to the fen."""
    return dict(zip(Stage.values, split(application.approved_fen or 0, settings.MINXIN_FUND_TRANCHES), strict=True))


@transaction.atomic
def application_accept(*, actor: User | None, application: Application, on: datetime.date) -> Application:
    """The project passed its acceptance (验收): the retention may now be paid."""
    require(actor, roles.MANAGE_FUND)
    require_scope(actor, application.village_id)
    past_date(on, "on")
    application = locked(application)
    if application.state != State.APPROVED or not application.tranches.filter(stage=Stage.COMPLETION).exists():
        raise DomainError("not_completed", _("完工拨付后才能验收。"))
    if application.closed_on is not None:
        raise DomainError("accepted", _("这个项目已验收。"))
    application.closed_on = on
    application.save(update_fields=["closed_on", "updated_at"])
    audit_record(actor=actor, action="fund.accept", obj=application, region_code=application.village_id,
                 after={"closed_on": on.isoformat()})
    return application


def _close(actor, application: Application, on: datetime.date) -> None:
    """The retention paid: the project is closed, and what the grant still holds goes back to the fund."""
    left = (application.approved_fen or 0) - paid_fen(application)
    if left:
        county = codes.county_of(application.village_id) or ""
        ledger.post(actor=acting_user(actor), kind="fund.release", region_code=application.village_id,
                    occurred_on=on, memo=_("%(number)s 结项结余退回基金") % {"number": application.number},
                    legs=[(books.available(county), left), (books.grant(application), -left)])
    application.state = State.CLOSED
    application.save(update_fields=["state", "updated_at"])


def may_score(actor: User | None, application: Application) -> bool:
    try:
        seat = seat_of(actor, application)
    except DomainError:
        return False
    return seat.scored_at is None and not recused(seat.expert, application)


def require_seat(actor: User | None, application: Application) -> None:
    if not actor or not actor.can(roles.SCORE_FUND):
        raise PermissionDenied()
    seat_of(actor, application)
