"""What waits in the fund: applications to check (the township), checked applications to post and
decisions due once a notice has ended (the county), tranches due on approved grants whose decision's
notice has ended (the county), and scores due from an expert's panels. Due dates: a check or a
posting a week after it became due, a decision the day after its notice ends, a score the notice's
last day."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.accounts import roles
from minxin.core import todo
from minxin.fund.models import Application, PanelSeat

State = Application.State
WEEK = datetime.timedelta(days=7)


def _to_check(user):
    if not user.can(roles.CHECK_FUND):
        return Application.objects.none()
    return Application.objects.visible_to(user).filter(state=State.SUBMITTED).select_related("village")


def _to_post(user):
    if not user.can(roles.MANAGE_FUND):
        return Application.objects.none()
    return Application.objects.visible_to(user).filter(state=State.CHECKED).select_related("village")


def _to_decide(user):
    if not user.can(roles.MANAGE_FUND):
        return Application.objects.none()
    return Application.objects.visible_to(user).filter(state=State.NOTICE, notice_until__lt=todo.soon()).select_related(
        "village")


def _to_pay(user):
    if not user.can(roles.MANAGE_FUND):
        return Application.objects.none()
    return Application.objects.visible_to(user).filter(
        state=State.APPROVED, decision_notice_until__lt=timezone.localdate()).filter(
        ~Q(tranches__stage="advance") | Q(closed_on__isnull=False)).distinct().select_related("village")


def _to_score(user):
    if not user.can(roles.SCORE_FUND):
        return PanelSeat.objects.none()
    return PanelSeat.objects.visible_to(user).filter(expert__user=user, scored_at__isnull=True,
                                    application__state=State.NOTICE).select_related("application__village")


def _title(application) -> str:
    return _("%(village)s：%(title)s") % {"village": application.village.name, "title": application.title}


def _url(application) -> str:
    return reverse("fund:application-detail", args=[application.pk])


todo.register("fund.check", label=gettext_lazy("扶贫基金申报待审核"), queryset=_to_check, order_by="submitted_on",
              due=lambda a: a.submitted_on + WEEK if a.submitted_on else None, title=_title, url=_url)
todo.register("fund.notice", label=gettext_lazy("扶贫基金申报待公示"), queryset=_to_post, order_by="checked_on",
              due=lambda a: a.checked_on + WEEK if a.checked_on else None, title=_title, url=_url)
todo.register("fund.decide", label=gettext_lazy("扶贫基金项目待决定"), queryset=_to_decide, order_by="notice_until",
              due=lambda a: a.notice_until + datetime.timedelta(days=1), title=_title, url=_url)
todo.register("fund.tranche", label=gettext_lazy("扶贫基金待拨付"), queryset=_to_pay, order_by="decision_notice_until",
              due=lambda a: a.decision_notice_until + datetime.timedelta(days=1),
              title=lambda a: _("%(title)s（%(what)s）") % {
                  "title": _title(a), "what": _("验收后拨付质保金") if a.closed_on else _("预拨")}, url=_url)
todo.register("fund.score", label=gettext_lazy("扶贫基金待评分"), queryset=_to_score, order_by="application__notice_until",
              due=lambda seat: seat.application.notice_until, title=lambda seat: _title(seat.application),
              url=lambda seat: reverse("fund:score", args=[seat.application_id]))

