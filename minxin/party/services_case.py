"""The member development pipeline (发展党员): 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员.

A case follows the rules version in force on its application day (`rules.version_on`) and keeps it
whatever revision comes later. Every step is dated, checked against the steps before it and against
the case's rules — a step out of order, too early or too late is refused with the rule quoted — and
written with an audit event. Admission (上级党委审批) makes the person a probationary member of the
branch (and marks the registry's 中共党员), confirmation a full member."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.core.audit import audit_record
from minxin.core.errors import DomainError
from minxin.core.guards import acting_user, require, require_scope
from minxin.core.masking import may_reveal
from minxin.core.validation import check_text, not_before, past_date
from minxin.party.models import Branch, Case, PartyMember, Step
from minxin.party.rules import Rules, add_months, of_age, rules, version_on, workdays_between
from minxin.registry.models import Member

K = Step.Kind
S = Case.Stage

# The stage a step is taken in, and the stage it moves the case to (None: stays).
FLOW: dict[str, tuple[tuple[str, ...], str | None]] = {
    K.TALK: ((S.APPLICANT,), None),
    K.ACTIVIST: ((S.APPLICANT,), S.ACTIVIST),
    K.REVIEW: ((S.ACTIVIST,), None),
    K.TARGET: ((S.ACTIVIST,), S.TARGET),
    K.POLITICAL: ((S.TARGET,), None),
    K.TRAINING: ((S.TARGET,), None),
    K.NOTICE: ((S.TARGET,), None),
    K.MEETING: ((S.TARGET,), None),
    K.APPROVE: ((S.TARGET,), S.PROBATIONARY),
    K.OATH: ((S.PROBATIONARY,), None),
    K.CONFIRM: ((S.PROBATIONARY,), S.FULL),
    K.STOP: ((S.APPLICANT, S.ACTIVIST, S.TARGET, S.PROBATIONARY), S.STOPPED),
}
# Steps that must be on record before this one.
NEEDS: dict[str, tuple[str, ...]] = {
    K.ACTIVIST: (K.TALK,),
    K.MEETING: (K.POLITICAL, K.TRAINING, K.NOTICE),
    K.APPROVE: (K.MEETING,),
    K.CONFIRM: (K.OATH,),
}
# Steps the superior party committee (township, county) takes; the branch records the rest.
SUPERIOR = (K.APPROVE, K.CONFIRM)


def _refuse(code: str, message: str, case_rules: Rules, field: str | None = "on") -> DomainError:
    return DomainError(code, _("%(message)s（依据：%(title)s）") % {"message": message, "title": case_rules.title},
                       field=field)


def case_open(*, actor: User | None, branch: Branch, person: Member, applied_on: datetime.date,
              document: str = "") -> Case:
    """A person of the branch's village hands in an application: ≥ 18 on that day, not already a
    member, no open case."""
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, branch.village_id)
    past_date(applied_on, "applied_on")
    if person.village_code != branch.village_id:
        raise DomainError("not_in_village", _("申请人须为本村村民。"), field="person")
    version = version_on(applied_on)
    case_rules = rules(version)
    old_enough = of_age(person.birth_date, applied_on, case_rules.min_age, exact=actor is None or may_reveal(actor))
    if old_enough is None:
        raise _refuse("age_unsure", _("申请人在 %(year)d 年年满 %(age)d 周岁，申请日是否已满要看出生月日：请由有权查看完整证件号码的"
                                      "人员核对后录入。") % {"year": person.birth_date.year + case_rules.min_age,
                                                     "age": case_rules.min_age}, case_rules, field="person")
    if not old_enough:
        raise _refuse("under_age", _("申请人递交申请时未满 %(age)d 周岁，不能受理入党申请。") % {"age": case_rules.min_age},
                      case_rules, field="person")
    document = check_text(document, field="document", max_length=200)
    with transaction.atomic():
        Member.objects.select_for_update().get(pk=person.pk)
        if PartyMember.objects.filter(person=person).exists():
            raise DomainError("already_member", _("此人已是党员。"), field="person")
        if Case.objects.filter(person=person).exclude(stage__in=[S.FULL, S.STOPPED]).exists():
            raise DomainError("case_open", _("此人已有正在进行的发展党员记录。"), field="person")
        case = Case.objects.create(branch=branch, person=person, rules_version=version, applied_on=applied_on,
                                   stage_on=applied_on)
        Step.objects.create(case=case, kind=K.APPLY, on=applied_on, document=document or _("入党申请书"),
                            recorded_by=acting_user(actor))
        audit_record(actor=actor, action="party.case_open", obj=case, region_code=branch.village_id,
                     after={"applied_on": applied_on.isoformat(), "rules_version": version})
    return case


def step_dates(case: Case) -> dict[str, datetime.date]:
    """The date of each step on record (a review: the latest)."""
    out: dict[str, datetime.date] = {}
    for kind, on in case.steps.values_list("kind", "on"):
        out[kind] = max(on, out.get(kind, on))
    return out


def _check_talk(case: Case, on: datetime.date, done: dict, r: Rules, _details: dict) -> dict:
    if on > case.applied_on + datetime.timedelta(days=r.talk_days):
        raise _refuse("talk_late", _("党组织应在收到入党申请书后 %(days)d 天内派人谈话，已超过期限。") % {"days": r.talk_days}, r)
    return {}


def _check_target(case: Case, on: datetime.date, done: dict, r: Rules, details: dict) -> dict:
    earliest = add_months(done[K.ACTIVIST], r.activist_months)
    if on < earliest:
        raise _refuse("activist_too_short", _("入党积极分子经过 %(months)d 个月以上培养教育和考察方可列为发展对象，"
                                              "本案最早可在 %(date)s 确定。") % {"months": r.activist_months,
                                                                         "date": f"{earliest:%Y-%m-%d}"}, r)
    reviews = case.steps.filter(kind=K.REVIEW).count()
    if reviews < r.reviews_needed:
        raise _refuse("reviews_missing", _("培养期间党支部每 %(months)d 个月考察一次，应有 %(need)d 次考察记录，现有 %(have)d 次。")
                      % {"months": r.review_months, "need": r.reviews_needed, "have": reviews}, r)
    sponsors = list(details.get("sponsors") or [])
    if len({sponsor.pk for sponsor in sponsors}) != r.sponsors:
        raise _refuse("sponsors", _("须有 %(n)d 名正式党员作入党介绍人。") % {"n": r.sponsors}, r, field="sponsors")
    for sponsor in sponsors:
        if sponsor.branch_id != case.branch_id:
            raise DomainError("sponsor_unknown", _("入党介绍人须为本支部党员。"), field="sponsors")
        if sponsor.status != PartyMember.Status.FULL or sponsor.left_on is not None:
            raise _refuse("sponsor_not_full", _("入党介绍人%(name)s不是正式党员，预备党员不能作入党介绍人。") % {
                "name": sponsor.name}, r, field="sponsors")
    return {"sponsors": [sponsor.pk for sponsor in sponsors]}


def _check_training(case: Case, on: datetime.date, done: dict, r: Rules, details: dict) -> dict:
    hours = details.get("hours")
    if not isinstance(hours, int) or hours < r.training_hours:
        raise _refuse("training_short", _("发展对象须经不少于 %(hours)d 学时的集中培训。") % {"hours": r.training_hours}, r,
                      field="hours")
    return {"hours": hours}


def _check_notice(case: Case, on: datetime.date, done: dict, r: Rules, details: dict) -> dict:
    start = details.get("notice_from")
    if not isinstance(start, datetime.date):
        raise DomainError("required", _("请填写公示开始日期。"), field="notice_from")
    not_before(start, done[K.TARGET], field="notice_from", what=_("确定为发展对象的日期"))
    if workdays_between(start, on) < r.notice_workdays:
        raise _refuse("notice_short", _("发展公示不少于 %(n)d 个工作日，%(a)s 至 %(b)s 只有 %(have)d 个工作日。") % {
            "n": r.notice_workdays, "a": f"{start:%Y-%m-%d}", "b": f"{on:%Y-%m-%d}",
            "have": workdays_between(start, on)}, r)
    return {"notice_from": start.isoformat()}


def _check_meeting(case: Case, on: datetime.date, done: dict, r: Rules, details: dict) -> dict:
    if on <= done[K.NOTICE]:
        raise _refuse("meeting_in_notice", _("支部大会应在公示期满后召开。"), r)
    given = {key: details.get(key) for key in ("entitled", "present", "for", "against", "abstain")}
    if any(not isinstance(value, int) or value < 0 for value in given.values()):
        raise DomainError("votes", _("请填写应到、实到有表决权的正式党员人数和赞成、反对、弃权票数。"), field="entitled")
    votes: dict[str, int] = {key: int(value or 0) for key, value in given.items()}
    if votes["present"] > votes["entitled"] or votes["for"] + votes["against"] + votes["abstain"] > votes["present"]:
        raise DomainError("votes", _("票数之和不能多于实到人数，实到人数不能多于应到人数。"), field="present")
    if votes["present"] * 2 <= votes["entitled"]:
        raise _refuse("quorum", _("实到会有表决权的正式党员未超过应到人数的半数，会议无效。"), r, field="present")
    if votes["for"] * 2 <= votes["entitled"]:
        raise _refuse("vote_failed", _("赞成票未超过应到会有表决权的正式党员的半数，不能接收为预备党员。"), r, field="for")
    return votes


def _check_approve(case: Case, on: datetime.date, done: dict, r: Rules, _details: dict) -> dict:
    latest = add_months(done[K.MEETING], r.approval_months)
    if on > latest:
        raise _refuse("approval_late", _("上级党委应在支部大会通过后 %(months)d 个月内审批，本案应于 %(date)s 前审批。") % {
            "months": r.approval_months, "date": f"{latest:%Y-%m-%d}"}, r)
    return {}


def _check_confirm(case: Case, on: datetime.date, done: dict, r: Rules, _details: dict) -> dict:
    earliest = add_months(done[K.APPROVE], r.probation_months)
    if on < earliest:
        raise _refuse("probation_short", _("预备期为 %(months)d 个月，自上级党委批准之日起计算，%(date)s 期满后方可转正。") % {
            "months": r.probation_months, "date": f"{earliest:%Y-%m-%d}"}, r)
    return {}


def _check_stop(case: Case, on: datetime.date, done: dict, r: Rules, details: dict) -> dict:
    return {"reason": check_text(details.get("reason"), field="reason", required=True, max_length=500)}


CHECKS: dict[str, Any] = {K.TALK: _check_talk, K.TARGET: _check_target, K.TRAINING: _check_training,
                          K.NOTICE: _check_notice, K.MEETING: _check_meeting, K.APPROVE: _check_approve,
                          K.CONFIRM: _check_confirm, K.STOP: _check_stop}


def step_record(*, actor: User | None, case: Case, kind: str, on: datetime.date, document: str = "",
                **details: Any) -> Step:
    """Record one step of `case` (see FLOW, NEEDS and the CHECKS of each kind)."""
    if kind not in FLOW:
        raise DomainError("invalid", _("未知的发展环节。"), field="kind")
    require(actor, roles.APPROVE_PARTY if kind in SUPERIOR else roles.KEEP_PARTY)
    require_scope(actor, case.branch.village_id)
    past_date(on, "on")
    document = check_text(document, field="document", max_length=200)
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("branch", "person").get(pk=case.pk)
        r = rules(case.rules_version)
        stages, moves_to = FLOW[kind]
        label = K(kind).label
        if case.stage not in stages:
            raise _refuse("wrong_stage", _("“%(step)s”须在%(stages)s阶段办理，本案当前为%(stage)s。") % {
                "step": label, "stages": "、".join(str(S(stage).label) for stage in stages),
                "stage": case.get_stage_display()}, r, field="kind")
        done = step_dates(case)
        if kind != K.REVIEW and kind in done:
            raise DomainError("step_done", _("“%(step)s”已办理。") % {"step": label}, field="kind")
        missing = [K(need).label for need in NEEDS.get(kind, ()) if need not in done]
        if missing:
            raise _refuse("step_missing", _("办理“%(step)s”前须先完成：%(missing)s。") % {
                "step": label, "missing": "、".join(str(name) for name in missing)}, r, field="kind")
        previous = [case.stage_on, *(done[need] for need in NEEDS.get(kind, ()))]
        if kind == K.REVIEW and K.REVIEW in done:
            previous.append(done[K.REVIEW])
        not_before(on, max(previous), field="on", what=_("上一环节"))
        kept = CHECKS[kind](case, on, done, r, details) if kind in CHECKS else {}
        step = Step.objects.create(case=case, kind=kind, on=on, document=document, details=kept,
                                   recorded_by=acting_user(actor))
        if kind == K.TARGET:
            case.sponsors.set(kept["sponsors"])
        if moves_to is not None:
            _move(case, moves_to, on)
        audit_record(actor=actor, action="party.step", obj=case, region_code=case.branch.village_id,
                     after={"step": kind, "on": on.isoformat(), **kept})
    return step


def _move(case: Case, stage: str, on: datetime.date) -> None:
    case.stage, case.stage_on = stage, on
    if stage == S.PROBATIONARY:
        if PartyMember.objects.filter(person=case.person).exists():  # entered in the roll by hand meanwhile
            raise DomainError("already_member", _("此人已在党员名册中。"), field="person")
        case.member = PartyMember.objects.create(branch=case.branch, person=case.person, joined_on=on,
                                                 status=PartyMember.Status.PROBATIONARY)
        Member.objects.filter(pk=case.person_id).update(party_member=True)
    elif stage == S.FULL and case.member is not None:
        PartyMember.objects.filter(pk=case.member.pk).update(status=PartyMember.Status.FULL, full_on=on)
    case.save(update_fields=["stage", "stage_on", "member", "updated_at"])


def next_steps(case: Case, actor: User) -> list[dict]:
    """The steps `actor` may record on `case` now (by FLOW, NEEDS and its capabilities), each with the
    earliest date its rule allows where one sets it (a target after the activist's months, the
    confirmation after the probation) — what the case page offers."""
    dates = step_dates(case)
    r = rules(case.rules_version)
    earliest: dict[str, datetime.date | None] = {
        K.TARGET: add_months(dates[K.ACTIVIST], r.activist_months) if K.ACTIVIST in dates else None,
        K.CONFIRM: add_months(dates[K.APPROVE], r.probation_months) if K.APPROVE in dates else None}
    out = []
    for kind, (stages, _moves) in FLOW.items():
        if case.stage not in stages or (kind in dates and kind != K.REVIEW):
            continue
        if any(need not in dates for need in NEEDS.get(kind, ())):
            continue
        if actor.can(roles.APPROVE_PARTY if kind in SUPERIOR else roles.KEEP_PARTY):
            out.append({"kind": kind, "label": K(kind).label, "earliest": earliest.get(kind)})
    return out
