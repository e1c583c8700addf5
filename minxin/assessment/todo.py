"""What waits in assessment: appeals for the county to decide (within MINXIN_APPEAL_DECIDE_DAYS of
filing), rectifications for supervisors to check by their deadline, and a cadre's own pledge for
the year until it is submitted (by the scheme's due date)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.accounts import roles
from minxin.assessment import indicators as registry
from minxin.assessment.indicators.pledges import pledge_due_date
from minxin.assessment.models import Appeal, Pledge, Rectification
from minxin.assessment.selectors import scheme_current
from minxin.cadres.models import Assignment, Cadre
from minxin.core import todo
from minxin.regions import codes


def _indicator(code: str) -> str:
    indicator = registry.get(code)
    return str(indicator.label) if indicator else code


def _appeals(user):
    if not user.can(roles.CONFIGURE_ASSESSMENT):
        return Appeal.objects.none()
    return (Appeal.objects.visible_to(user).filter(status=Appeal.Status.PENDING)
            .select_related("score__result__cadre", "score__result__period"))


def _rectifications(user):
    if not user.can(roles.SUPERVISE):
        return Rectification.objects.none()
    return (Rectification.objects.visible_to(user).filter(status=Rectification.Status.OPEN)
            .select_related("finding__inspection__village"))


def _own_pledge_missing(user):
    """The cadre itself, while its pledge of this year is not submitted."""
    if not user.can(roles.FILE_PLEDGE):
        return Cadre.objects.none()
    year = timezone.localdate().year
    submitted = Pledge.objects.filter(year=year).exclude(status=Pledge.Status.DRAFT).values("cadre_id")
    return (Cadre.objects.filter(user=user, assignments__status=Assignment.Status.ACTIVE).exclude(pk__in=submitted)
            .distinct())


todo.register(
    "assessment.appeal", label=gettext_lazy("考核申诉待处理"), queryset=_appeals, order_by="created_at",
    due=lambda a: timezone.localdate(a.created_at) + datetime.timedelta(days=settings.MINXIN_APPEAL_DECIDE_DAYS),
    title=lambda a: _("%(name)s 对%(period)s“%(indicator)s”得分的申诉") % {
        "name": a.score.result.cadre.name, "period": a.score.result.period, "indicator": _indicator(a.score.indicator)},
    url=lambda a: reverse("assessment:appeal-decide", args=[a.pk]))
todo.register(
    "assessment.rectification", label=gettext_lazy("整改待核查"), queryset=_rectifications, order_by="deadline",
    due=lambda r: r.deadline,
    title=lambda r: _("%(village)s：%(finding)s") % {
        "village": r.finding.inspection.village.name, "finding": r.finding.text[:50]},
    url=lambda r: reverse("assessment:rectification", args=[r.pk]))
todo.register(
    "assessment.pledge", label=gettext_lazy("年初承诺待提交"), queryset=_own_pledge_missing, order_by="pk",
    due=lambda cadre: pledge_due_date(timezone.localdate().year, scheme_current(codes.county_of(cadre.region_code))),
    title=lambda cadre: _("%(year)d 年的承诺尚未提交") % {"year": timezone.localdate().year},
    url=lambda cadre: reverse("assessment:pledge-edit", args=[timezone.localdate().year]))
