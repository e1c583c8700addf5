"""Writes of a petition (信访事项) under the 2022 信访工作条例. `petition_register` records it; each
later step goes through `petition_step`, which keeps the order the regulation sets (a reply only
after acceptance, a review only after a reply and within 30 days of it, …), refusing any other
with the rule quoted, and keeps `due_on` — the deadline of what the office owes next."""

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.core.audit import audit_record
from minxin.core.errors import DomainError
from minxin.core.guards import acting_user, require, require_scope
from minxin.core.validation import check_phone, check_text, past_date
from minxin.disputes import checks, deadlines
from minxin.disputes.deadlines import after
from minxin.disputes.models import Petition, PetitionStep
from minxin.regions import codes
from minxin.regions.models import Region

State, Step = Petition.State, PetitionStep.Step
MAX_PERSONS = 9999
# step → the states it may follow
ALLOWED: dict[str, tuple[str, ...]] = {
    Step.ACCEPT: (State.REGISTERED,),
    Step.REJECT: (State.REGISTERED,),
    Step.EXTEND: (State.ACCEPTED,),
    Step.REPLY: (State.ACCEPTED,),
    Step.REQUEST_REVIEW: (State.REPLIED,),
    Step.REVIEW: (State.REVIEW_REQUESTED,),
    Step.REQUEST_REREVIEW: (State.REVIEWED,),
    Step.REREVIEW: (State.REREVIEW_REQUESTED,),
    Step.CLOSE: (State.REPLIED, State.REVIEWED, State.REREVIEWED),
    Step.BACKLOG: tuple(s for s in State.values if s not in (State.REJECTED, State.CLOSED)),
}
RULES: dict[str, Any] = {
    Step.ACCEPT: gettext_lazy("信访事项登记后方可决定是否受理"),
    Step.REJECT: gettext_lazy("信访事项登记后方可决定是否受理"),
    Step.EXTEND: gettext_lazy("只有已受理、尚未答复的信访事项可以延期办理"),
    Step.REPLY: gettext_lazy("信访事项须先受理，再在办理期限内书面答复信访人（《信访工作条例》第三十二条）"),
    Step.REQUEST_REVIEW: gettext_lazy("信访人对答复意见不服的，方可请求复查（《信访工作条例》第三十五条）"),
    Step.REVIEW: gettext_lazy("复查意见须在信访人请求复查之后作出"),
    Step.REQUEST_REREVIEW: gettext_lazy("信访人对复查意见不服的，方可请求复核（《信访工作条例》第三十五条）"),
    Step.REREVIEW: gettext_lazy("复核意见须在信访人请求复核之后作出"),
    Step.CLOSE: gettext_lazy("信访事项答复（或复查、复核）后方可办结"),
    Step.BACKLOG: gettext_lazy("已办结或不予受理的信访事项不再列为积案"),
}


@transaction.atomic
def petition_register(*, actor: User | None, region: Region, petitioner: str = "", member_id: int | None = None,
                      phone: str = "", persons: int = 1, channel: str, nature: str, title: str, content: str,
                      received_on: datetime.date) -> Petition:
    """Register a petition received in a village or township: its acceptance is due in 15 days."""
    require(actor, roles.HANDLE_DISPUTES)
    if region.level not in (codes.VILLAGE, codes.TOWNSHIP):
        raise DomainError("not_local", _("信访事项按村或乡镇登记。"), field="region")
    require_scope(actor, region.code, field="region")
    past_date(received_on, "received_on")
    for field, value, choices in (("channel", channel, Petition.Channel), ("nature", nature, Petition.Nature)):
        if value not in choices.values:
            raise DomainError("bad_choice", _("请从列表中选择。"), field=field)
    if not 1 <= persons <= MAX_PERSONS:
        raise DomainError("bad_persons", _("人数应在 1 到 %(max)d 之间。") % {"max": MAX_PERSONS}, field="persons")
    member = checks.member_in_scope(actor, member_id, within=region.code, field="member")
    name = member.name if member else check_text(petitioner, field="petitioner", required=True, max_length=64)
    petition = Petition.objects.create(
        region=region, member=member, petitioner=name, phone="" if member else check_phone(phone),
        persons=persons, channel=channel, nature=nature,
        title=check_text(title, field="title", required=True, max_length=100),
        content=check_text(content, field="content", required=True), received_on=received_on,
        due_on=after(received_on, deadlines.ACCEPT_DAYS), recorded_by=acting_user(actor))
    _record(actor, petition, Step.REGISTER, received_on, "", {
        "title": petition.title, "petitioner": name, "phone": petition.phone, "channel": channel, "nature": nature})
    return petition


def _record(actor, petition: Petition, step: str, day: datetime.date, note: str, data: dict) -> None:
    PetitionStep.objects.create(petition=petition, step=step, done_on=day, note=note, by=acting_user(actor))
    audit_record(actor=actor, action=f"petition.{step}", obj=petition, region_code=petition.region_id,
                 after={"done_on": f"{day:%Y-%m-%d}", **data})


@transaction.atomic
def petition_step(*, actor: User | None, petition: Petition, step: str, done_on: datetime.date, note: str = "",
                  handler: str = "", result: str = "", leader: str = "",
                  deadline: datetime.date | None = None) -> Petition:
    """Take `step` on `petition` (locked for the time of it)."""
    require(actor, roles.HANDLE_PETITIONS)
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    require_scope(actor, petition.region_id)
    if step not in ALLOWED:
        raise DomainError("bad_step", _("没有这个办理环节。"), field="step")
    if petition.state not in ALLOWED[step]:
        raise DomainError("out_of_order", _("%(rule)s；本事项现在“%(now)s”。") % {
            "rule": RULES[step], "now": petition.get_state_display()}, field="step")
    checks.step_date(done_on, petition)
    note = check_text(note, field="note")
    data = TAKE[step](petition, done_on, note, handler=handler, result=result, leader=leader, deadline=deadline)
    petition.save()
    _record(actor, petition, step, done_on, note, data)
    return petition


def _accept(petition, day, note, *, handler, **_ignored):
    petition.handler = check_text(handler, field="handler", required=True, max_length=100)
    petition.decided_on, petition.decision_note, petition.state = day, note, State.ACCEPTED
    petition.handling_due = petition.due_on = after(day, deadlines.HANDLE_DAYS)
    return {"handler": petition.handler, "handling_due": f"{petition.handling_due:%Y-%m-%d}"}


def _reject(petition, day, note, **_ignored):
    checks.needs_note(note, _("不予受理须写明理由，并告知信访人向哪个机关提出（《信访工作条例》第三十一条）。"))
    petition.decided_on, petition.decision_note, petition.state, petition.due_on = day, note, State.REJECTED, None
    return {}


def _extend(petition, day, note, **_ignored):
    if petition.extended:
        raise DomainError("extended", _("办理期限只能延长一次，且不超过 30 日（《信访工作条例》第三十二条）。"), field="step")
    checks.needs_note(note, _("延期办理须写明理由，并告知信访人。"))
    if day > petition.handling_due:
        raise DomainError("extend_late", _("延期须在办理期限（%(due)s）届满前决定。") % {
            "due": f"{petition.handling_due:%Y-%m-%d}"}, field="done_on")
    petition.extension_reason = note
    petition.handling_due = petition.due_on = after(petition.handling_due, deadlines.EXTEND_DAYS)
    return {"handling_due": f"{petition.handling_due:%Y-%m-%d}"}


def _reply(petition, day, note, *, result, **_ignored):
    if result not in Petition.Result.values:
        raise DomainError("result_required", _("请选择处理意见。"), field="result")
    checks.needs_note(note, _("请填写答复意见。"))
    petition.replied_on, petition.result, petition.reply, petition.state = day, result, note, State.REPLIED
    petition.due_on = None
    return {"result": result, "in_time": day <= petition.handling_due}


def _within(day: datetime.date, start: datetime.date, what: str, rule: str) -> None:
    last = after(start, deadlines.REVIEW_REQUEST_DAYS)
    if day > last:
        raise DomainError("request_late", _("%(rule)s：%(what)s %(start)s，请求期限至 %(last)s。") % {
            "rule": rule, "what": what, "start": f"{start:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"}, field="done_on")


def _request_review(petition, day, note, **_ignored):
    _within(day, petition.replied_on, _("答复日期"), _("信访人应自收到书面答复之日起 30 日内请求复查（《信访工作条例》第三十五条）"))
    petition.review_requested_on, petition.state = day, State.REVIEW_REQUESTED
    petition.due_on = after(day, deadlines.REVIEW_DAYS)
    return {}


def _review(petition, day, note, **_ignored):
    checks.needs_note(note, _("请填写复查意见。"))
    petition.reviewed_on, petition.review_note, petition.state, petition.due_on = day, note, State.REVIEWED, None
    return {"in_time": day <= after(petition.review_requested_on, deadlines.REVIEW_DAYS)}


def _request_rereview(petition, day, note, **_ignored):
    _within(day, petition.reviewed_on, _("复查意见日期"), _("信访人应自收到复查意见之日起 30 日内请求复核（《信访工作条例》第三十五条）"))
    petition.rereview_requested_on, petition.state = day, State.REREVIEW_REQUESTED
    petition.due_on = after(day, deadlines.REVIEW_DAYS)
    return {}


def _rereview(petition, day, note, **_ignored):
    checks.needs_note(note, _("请填写复核意见。"))
    petition.rereviewed_on, petition.rereview_note, petition.state, petition.due_on = (
        day, note, State.REREVIEWED, None)
    return {"in_time": day <= after(petition.rereview_requested_on, deadlines.REVIEW_DAYS)}


def _close(petition, day, note, **_ignored):
    petition.closed_on, petition.state, petition.due_on = day, State.CLOSED, None
    return {}


def _backlog(petition, day, note, *, leader, deadline, **_ignored):
    petition.backlog_leader = check_text(leader, field="leader", required=True, max_length=100)
    if deadline is None:
        raise DomainError("deadline_required", _("请填写化解期限。"), field="deadline")
    checks.deadline_not_before(deadline, day, field="deadline")
    petition.backlog_deadline = deadline
    petition.strategy = note or petition.strategy
    return {"leader": petition.backlog_leader, "deadline": f"{deadline:%Y-%m-%d}"}


TAKE: dict[str, Callable[..., dict]] = {Step.ACCEPT: _accept, Step.REJECT: _reject, Step.EXTEND: _extend, Step.REPLY: _reply,
        Step.REQUEST_REVIEW: _request_review, Step.REVIEW: _review, Step.REQUEST_REREVIEW: _request_rereview,
        Step.REREVIEW: _rereview, Step.CLOSE: _close, Step.BACKLOG: _backlog}
