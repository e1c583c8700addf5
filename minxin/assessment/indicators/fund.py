"""The industry heart (上心) from the fund's records (issue 15.2): projects the village applied for,
had approved, and has running (approved, not yet closed) in the quarter — the village team's
figures (every cadre of the village gets them). They replace the hand-scored 产业项目谋划与推进
(assessment migration 0007 moved its weight in a new scheme version)."""

from collections import Counter

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.assessment.indicators import automatic, link
from minxin.fund.models import Application

MODULE = _("精准扶贫基金")


def _url(obj) -> str:
    return link("fund:application-detail", obj.pk)


def _applied(window, villages):
    return Application.objects.filter(village_id__in=list(villages), submitted_on__gte=window.start,
                                      submitted_on__lte=window.end)


def _approved(window, villages):
    return Application.objects.filter(village_id__in=list(villages), decided_on__gte=window.start,
                                      decided_on__lte=window.end, approved_fen__isnull=False)


def _running(window, villages):
    return Application.objects.filter(village_id__in=list(villages), decided_on__lte=window.end,
                                      approved_fen__isnull=False).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=window.end))


def _per_village(window, cohort, rows):
    counts = Counter(rows(window, set(cohort.village_of.values())).values_list("village_id", flat=True))
    return cohort.spread(dict(counts))


@automatic("industry.applied", heart="industry", label=_("扶贫基金项目申报数"), unit=_("件"), module=MODULE, weight="1",
           target="1", evidence=lambda cid, v, w: _applied(w, [v]), evidence_date="submitted_on", evidence_url=_url,
           description=_("本季度本村报送乡镇的扶贫基金项目申报数（全队共同指标）"))
def applied(window, cohort, scheme=None):
    return _per_village(window, cohort, _applied)


@automatic("industry.approved", heart="industry", label=_("扶贫基金项目获批数"), unit=_("件"), module=MODULE, weight="2",
           target="1", evidence=lambda cid, v, w: _approved(w, [v]), evidence_date="decided_on", evidence_url=_url,
           description=_("本季度县级批准的本村扶贫基金项目数（全队共同指标）"))
def approved(window, cohort, scheme=None):
    return _per_village(window, cohort, _approved)


@automatic("industry.running", heart="industry", label=_("在建扶贫基金项目数"), unit=_("件"), module=MODULE, weight="2",
           target="1", evidence=lambda cid, v, w: _running(w, [v]), evidence_date="decided_on", evidence_url=_url,
           description=_("季度末本村已批准、尚未验收结项的扶贫基金项目数（全队共同指标）"))
def running(window, cohort, scheme=None):
    return _per_village(window, cohort, _running)
