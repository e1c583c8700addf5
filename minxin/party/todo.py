"""What waits in the party module:

- a case's deadline — the talk within its rules' days of the application, the superior committee's
  approval within its months of the branch meeting, the confirmation when the probation ends — for
  those who take that step (the branch: the talk; the township and county: approval, confirmation);
- a branch's member meeting (支部党员大会) not yet held in a quarter that ends soon, for those who keep
  the branch's records;
- a rectification without this month's progress report (the village), and its items past their
  deadline and not signed off (the township and county).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Subquery, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.accounts import roles
from minxin.core import todo
from minxin.core.dbfunctions import ShiftedDate
from minxin.party.models import Branch, Case, Event, Item, Progress, Rectification, Step
from minxin.party.rules import QUARTER, add_months, period_of, rules


def _deadline() -> models.Case:
    """A case's next time limit by its rules' version (`rules.add_months`' arithmetic, in SQL): the talk
    within the rules' days of the application, the approval within its months of the branch meeting,
    the confirmation when the probation ends. In SQL so that the inbox lists the cases whose time
    runs out first (a target voted on last week may have applied years ago)."""
    whens = []
    for r in map(rules, settings.MINXIN_PARTY_RULES):
        whens += [
            When(rules_version=r.version, stage=Case.Stage.APPLICANT,
                 then=ShiftedDate(F("applied_on"), days=r.talk_days)),
            When(rules_version=r.version, stage=Case.Stage.TARGET,
                 then=ShiftedDate(F("met_on"), months=r.approval_months)),
            When(rules_version=r.version, stage=Case.Stage.PROBATIONARY,
                 then=ShiftedDate(F("approved_on"), months=r.probation_months)),
        ]
    return models.Case(*whens, default=None, output_field=models.DateField())


def _latest(kind: str) -> Subquery:
    return Subquery(Step.objects.filter(case=OuterRef("pk"), kind=kind).order_by("-on").values("on")[:1])


def _cases(user):
    """Applicants not yet talked to (the branch); targets voted on, probationers whose year ends
    soon (上级党委). Each with the dates of its branch meeting and its approval, for its deadline."""
    qs = Case.objects.visible_to(user).select_related("person").annotate(met_on=_latest(Step.Kind.MEETING),
                                                                         approved_on=_latest(Step.Kind.APPROVE))
    qs = qs.annotate(deadline=_deadline())
    talked = Step.objects.filter(case=OuterRef("pk"), kind=Step.Kind.TALK)
    met = Step.objects.filter(case=OuterRef("pk"), kind=Step.Kind.MEETING)
    waiting = qs.none()
    if user.can(roles.KEEP_PARTY):
        waiting = qs.filter(stage=Case.Stage.APPLICANT).exclude(Exists(talked))
    if user.can(roles.APPROVE_PARTY):
        months = min(spec["probation_months"] for spec in settings.MINXIN_PARTY_RULES.values())
        ending = Step.objects.filter(case=OuterRef("pk"), kind=Step.Kind.APPROVE,
                                     on__lte=add_months(todo.soon(), -months))
        waiting = waiting | qs.filter(stage=Case.Stage.TARGET).filter(Exists(met)) | qs.filter(
            stage=Case.Stage.PROBATIONARY).filter(Exists(ending))
    return waiting


def _case_title(case: Case) -> str:
    step = {Case.Stage.APPLICANT: _("谈话"), Case.Stage.TARGET: _("上级党委审批"),
            Case.Stage.PROBATIONARY: _("预备期满转正")}.get(case.stage, "")
    return _("%(person)s：%(step)s") % {"person": case.person.name, "step": step}


todo.register("party.case", label=gettext_lazy("发展党员时限"), queryset=_cases, order_by="deadline",
              due=lambda case: case.deadline, title=_case_title,
              url=lambda case: reverse("party:case-detail", args=[case.pk]))


def _quarter_meeting(user):
    """Branches without a member meeting in the quarter, in its last month."""
    today = timezone.localdate()
    first, last = period_of(today, QUARTER)
    if not user.can(roles.KEEP_PARTY) or (last - today).days > 31:
        return Branch.objects.none()
    held = Event.objects.filter(branch=OuterRef("pk"), kind="member_meeting", held_on__gte=first, held_on__lte=last)
    return Branch.objects.visible_to(user).exclude(Exists(held))


todo.register("party.life", label=gettext_lazy("本季度支部党员大会"), queryset=_quarter_meeting, order_by="village__code",
              due=lambda branch: period_of(timezone.localdate(), QUARTER)[1],
              title=lambda branch: _("%(branch)s 本季度尚未召开支部党员大会") % {"branch": branch},
              url=lambda branch: reverse("party:event-new", args=[branch.pk]))


def _progress_due(user):
    if not user.can(roles.KEEP_PARTY):
        return Rectification.objects.none()
    month = timezone.localdate().replace(day=1)
    reported = Progress.objects.filter(rectification=OuterRef("pk"), month=month)
    return Rectification.objects.visible_to(user).filter(accepted_on__isnull=True).exclude(Exists(reported)).select_related(
        "branch")


def _month_end(_rect) -> datetime.date:
    return add_months(timezone.localdate().replace(day=1), 1) - datetime.timedelta(days=1)


todo.register("party.progress", label=gettext_lazy("整顿月度进展"), queryset=_progress_due, order_by="branch__village__code",
              due=_month_end, title=lambda rect: _("%(rect)s：报送本月进展") % {"rect": rect},
              url=lambda rect: reverse("party:progress-new", args=[rect.pk]))


def _items_late(user):
    if not user.can(roles.APPROVE_PARTY):
        return Item.objects.none()
    return Item.objects.visible_to(user).filter(done_on__isnull=True, deadline__lte=todo.soon(),
                                                rectification__accepted_on__isnull=True).select_related(
        "rectification__branch")


todo.register("party.items", label=gettext_lazy("整改事项到期"), queryset=_items_late, order_by="deadline",
              due=lambda item: item.deadline,
              title=lambda item: _("%(branch)s：%(problem)s") % {"branch": item.rectification.branch,
                                                                 "problem": item.problem},
              url=lambda item: reverse("party:rect-detail", args=[item.rectification_id]))
