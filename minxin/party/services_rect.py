"""Rectification of weak branches (软弱涣散整顿) and the on-demand warning.

The county's standing committee lists a branch for a year (with its county leader and co-building
unit; the resident team is the village's cadres), the village makes the plan item by item
(problem, measure, owner, deadline), reports progress monthly, the township or county signs items
off (销号); the county accepts the rectification only with every item signed off, a score of at
least MINXIN_PARTY_ACCEPT_SCORE and not more than half the villagers surveyed dissatisfied; then
follows up (回头看) for MINXIN_PARTY_FOLLOW_UP_MONTHS and closes it."""

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.cadres.models import SendingUnit
from minxin.core.audit import audit_record, locked
from minxin.core.errors import DomainError
from minxin.core.guards import acting_user, require, require_scope
from minxin.core.validation import check_text, not_before, past_date
from minxin.party import warnings
from minxin.party.models import Branch, FollowUp, Item, Progress, Rectification, Warning
from minxin.party.rules import add_months
from minxin.regions import codes


def _audit(actor, action: str, obj, rect: Rectification, **after) -> None:
    audit_record(actor=actor, action=action, obj=obj, region_code=rect.branch.village_id, after=after)


def _open(rect: Rectification) -> None:
    if rect.accepted_on is not None:
        raise DomainError("accepted", _("整顿已验收，不能再修改整改方案或进展。"))


@transaction.atomic
def rectification_list(*, actor: User | None, branch: Branch, year: int, listed_on: datetime.date, reasons: str,
                       leader: str, unit: SendingUnit, decision: str = "") -> Rectification:
    require(actor, roles.DIRECT_PARTY)
    require_scope(actor, branch.village_id)
    past_date(listed_on, "listed_on")
    if year != listed_on.year and year != listed_on.year + 1:
        raise DomainError("invalid_year", _("整顿年度应为确定当年或次年。"), field="year")
    reasons = check_text(reasons, field="reasons", required=True)
    leader = check_text(leader, field="leader", required=True, max_length=64)
    decision = check_text(decision, field="decision", max_length=64)
    try:
        with transaction.atomic():
            rect = Rectification.objects.create(branch=branch, year=year, listed_on=listed_on, reasons=reasons,
                                                leader=leader, unit=unit, decision=decision)
    except IntegrityError:
        raise DomainError("duplicate", _("该村党组织已列入本年度整顿名单。"), field="year") from None
    _audit(actor, "party.rect_list", rect, rect, year=year, listed_on=listed_on.isoformat())
    return rect


@transaction.atomic
def item_add(*, actor: User | None, rect: Rectification, problem: str, measure: str, owner: str,
             deadline: datetime.date) -> Item:
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, rect.branch.village_id)
    _open(rect)
    problem = check_text(problem, field="problem", required=True, max_length=200)
    measure = check_text(measure, field="measure", required=True)
    owner = check_text(owner, field="owner", required=True, max_length=64)
    not_before(deadline, rect.listed_on, field="deadline", what=_("列入整顿的日期"))
    item = Item.objects.create(rectification=rect, problem=problem, measure=measure, owner=owner, deadline=deadline)
    _audit(actor, "party.rect_item", item, rect, problem=problem, deadline=deadline.isoformat())
    return item


def item_sign_off(*, actor: User | None, item: Item, done_on: datetime.date) -> Item:
    require(actor, roles.APPROVE_PARTY)
    rect = item.rectification
    require_scope(actor, rect.branch.village_id)
    _open(rect)
    past_date(done_on, "done_on")
    not_before(done_on, rect.listed_on, field="done_on", what=_("列入整顿的日期"))
    with transaction.atomic():
        item = locked(item)
        if item.done_on is not None:
            raise DomainError("done", _("该事项已销号。"))
        item.done_on, item.signed_off_by = done_on, acting_user(actor)
        item.save(update_fields=["done_on", "signed_off_by"])
        _audit(actor, "party.rect_sign_off", item, rect, done_on=done_on.isoformat())
    return item


@transaction.atomic
def progress_record(*, actor: User | None, rect: Rectification, month: datetime.date, note: str) -> Progress:
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, rect.branch.village_id)
    _open(rect)
    month = month.replace(day=1)
    past_date(month, "month")
    not_before(month, rect.listed_on.replace(day=1), field="month", what=_("列入整顿的月份"))
    note = check_text(note, field="note", required=True)
    try:
        with transaction.atomic():
            progress = Progress.objects.create(rectification=rect, month=month, note=note,
                                               recorded_by=acting_user(actor))
    except IntegrityError:
        raise DomainError("duplicate", _("本月进展已报送。"), field="month") from None
    _audit(actor, "party.rect_progress", progress, rect, month=f"{month:%Y-%m}")
    return progress


def accept(*, actor: User | None, rect: Rectification, accepted_on: datetime.date, score: object,
           respondents: int, dissatisfied: int) -> Rectification:
    """The county's acceptance: all items signed off, score ≥ the setting, not more than half
    dissatisfied."""
    require(actor, roles.DIRECT_PARTY)
    require_scope(actor, rect.branch.village_id)
    past_date(accepted_on, "accepted_on")
    not_before(accepted_on, rect.listed_on, field="accepted_on", what=_("列入整顿的日期"))
    try:
        value = Decimal(str(score)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise DomainError("invalid_score", _("验收得分应为 0 至 100 的数。"), field="score") from None
    if not Decimal(0) <= value <= Decimal(100):
        raise DomainError("invalid_score", _("验收得分应为 0 至 100 的数。"), field="score")
    if respondents <= 0 or not 0 <= dissatisfied <= respondents:
        raise DomainError("counts", _("测评人数须大于 0，不满意人数不能超过测评人数。"), field="dissatisfied")
    with transaction.atomic():
        rect = locked(rect)
        _open(rect)
        open_items = rect.items.filter(done_on__isnull=True).count()
        if not rect.items.exists():
            raise DomainError("no_plan", _("整改方案还没有整改事项，不能验收。"))
        if open_items:
            raise DomainError("open_items", _("还有 %(n)d 个整改事项未销号，不能验收。") % {"n": open_items})
        if value < settings.MINXIN_PARTY_ACCEPT_SCORE:
            raise DomainError("low_score", _("验收得分 %(score)s 分，低于 %(min)d 分，不能通过验收。") % {
                "score": value, "min": settings.MINXIN_PARTY_ACCEPT_SCORE}, field="score")
        if dissatisfied * 2 > respondents:
            raise DomainError("dissatisfied", _("测评不满意人数超过半数，不能通过验收。"), field="dissatisfied")
        rect.accepted_on, rect.score = accepted_on, value
        rect.respondents, rect.dissatisfied = respondents, dissatisfied
        rect.save()
        _audit(actor, "party.rect_accept", rect, rect, accepted_on=accepted_on.isoformat(), score=str(value))
    return rect


@transaction.atomic
def follow_up_record(*, actor: User | None, rect: Rectification, on: datetime.date, finding: str,
                     relapsed: bool) -> FollowUp:
    require(actor, roles.DIRECT_PARTY)
    require_scope(actor, rect.branch.village_id)
    if rect.accepted_on is None:
        raise DomainError("not_accepted", _("验收通过后才进行回头看。"))
    if rect.closed_on is not None:
        raise DomainError("closed", _("回头看已结束。"))
    past_date(on, "on")
    not_before(on, rect.accepted_on, field="on", what=_("验收日期"))
    finding = check_text(finding, field="finding", required=True)
    follow_up = FollowUp.objects.create(rectification=rect, on=on, finding=finding, relapsed=relapsed,
                                       recorded_by=acting_user(actor))
    _audit(actor, "party.rect_follow_up", follow_up, rect, on=on.isoformat(), relapsed=relapsed)
    return follow_up


def close(*, actor: User | None, rect: Rectification, closed_on: datetime.date) -> Rectification:
    """End the follow-up: a year after acceptance, with at least one follow-up and no relapse."""
    require(actor, roles.DIRECT_PARTY)
    require_scope(actor, rect.branch.village_id)
    past_date(closed_on, "closed_on")
    with transaction.atomic():
        rect = locked(rect)
        if rect.accepted_on is None or rect.closed_on is not None:
            raise DomainError("state", _("只有已验收、回头看未结束的整顿可以结束回头看。"))
        due = add_months(rect.accepted_on, settings.MINXIN_PARTY_FOLLOW_UP_MONTHS)
        if closed_on < due:
            raise DomainError("too_early", _("回头看为期 %(n)d 个月，%(date)s 后方可结束。") % {
                "n": settings.MINXIN_PARTY_FOLLOW_UP_MONTHS, "date": f"{due:%Y-%m-%d}"}, field="closed_on")
        follow_ups = list(rect.follow_ups.all())
        if not follow_ups:
            raise DomainError("no_follow_up", _("还没有回头看记录。"))
        if any(item.relapsed for item in follow_ups):
            raise DomainError("relapsed", _("回头看发现反弹，应重新列入整顿，不能结束。"))
        rect.closed_on = closed_on
        rect.save(update_fields=["closed_on", "updated_at"])
        _audit(actor, "party.rect_close", rect, rect, closed_on=closed_on.isoformat())
    return rect


def warnings_refresh(*, actor: User | None, branches, day: datetime.date | None = None) -> int:
    """Recompute today's warnings of `branches` (the scoped selector's) on demand."""
    require(actor, roles.APPROVE_PARTY)
    return warnings_store(actor=actor, branches=branches, day=day or timezone.localdate())


def warnings_store(*, actor: User | None, branches: Iterable[Branch], day: datetime.date, batch: int = 500) -> int:
    """Compute and store `day`'s warning of each branch, replacing that day's earlier row (the nightly
    `minxin party-warnings` and the refresh button); the number of branches warned (level ≥ 1).

    Each batch's rows and its event (`party.warnings`, under the smallest region holding its
    branches) are committed together, so the dashboard counts again whatever was stored."""
    warned = 0
    branch_list = list(branches)
    for start in range(0, len(branch_list), batch):
        chunk = branch_list[start:start + batch]
        results = warnings.evaluate(chunk, day)
        chunk_warned = sum(1 for result in results.values() if result["level"])
        with transaction.atomic():
            Warning.objects.filter(branch__in=chunk, computed_on=day).delete()
            Warning.objects.bulk_create([Warning(branch_id=branch_id, computed_on=day, **result)
                                         for branch_id, result in results.items()])
            audit_record(actor=actor, action="party.warnings", object_type="party.warning",
                         object_repr=f"{day:%Y-%m-%d}",
                         region_code=codes.enclosing(branch.village_id for branch in chunk) or "",
                         after={"branches": len(chunk), "warned": chunk_warned})
        warned += chunk_warned
    return warned
