"""Automatic indicators of the mediate heart (公心) over the disputes module's records (issue 16.5):
screenings filed on time, disputes reported early, resolved in time and in the village, petitions
accepted and answered within their legal periods. Each is the village team's figure (every cadre of
the village gets it) and "not applicable" where the village had nothing to count. They replace the
hand-scored 矛盾纠纷排查化解 (assessment migration 0005 moved its weight in a new scheme version)."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.assessment.indicators import automatic, link, share
from minxin.disputes import deadlines
from minxin.disputes.cycles import cycles_between
from minxin.disputes.models import Dispute, Petition, Screening
from minxin.regions import codes

MODULE = _("矛盾纠纷")


def _dispute_url(obj) -> str:
    return link("disputes:dispute-detail", obj.pk)


def _petition_url(obj) -> str:
    return link("disputes:petition-detail", obj.pk)


def _villages(cohort) -> list[str]:
    return sorted(set(cohort.village_of.values()))


# --- screenings --------------------------------------------------------------------------------

def _last_day(window) -> datetime.date:
    return min(window.end, timezone.localdate())


def _screenings(window, villages):
    return Screening.objects.filter(village_id__in=list(villages), screened_on__gte=window.start,
                                    screened_on__lte=_last_day(window))


@automatic("mediate.screened", heart="mediate", label=_("矛盾纠纷按期排查率"), unit="%", module=MODULE, weight="1.5",
           target="100", missing=None, evidence=lambda cid, v, w: _screenings(w, [v]).order_by("screened_on"),
           evidence_date="screened_on", evidence_url=lambda obj: link("disputes:screening-list"),
           description=_("本季度已结束的排查周期（半月一次，敏感时期每周一次）中本村填报了排查（含零报告）的比例（全队共同指标）"))
def screened(window, cohort, scheme=None):
    villages = _villages(cohort)
    days = defaultdict(list)
    for village, day in _screenings(window, villages).values_list("village_id", "screened_on"):
        days[village].append(day)
    cycles: dict[str, list] = {}
    values = {}
    for village in villages:
        county = codes.county_of(village) or ""
        if county not in cycles:
            cycles[county] = [c for c in cycles_between(window.start, _last_day(window), county)
                              if c.end <= _last_day(window)]
        ended = cycles[county]
        values[village] = share(sum(any(day in cycle for day in days[village]) for cycle in ended), len(ended))
    return cohort.spread({code: value for code, value in values.items() if value is not None})


# --- dispute cases -----------------------------------------------------------------------------

def _reported(window, villages):
    return Dispute.objects.filter(village_id__in=list(villages), reported_on__gte=window.start,
                                  reported_on__lte=window.end)


@automatic("mediate.early", heart="mediate", label=_("矛盾纠纷早报告率"), unit="%", module=MODULE, weight="1",
           target="90", missing=None, evidence=lambda cid, v, w: _reported(w, [v]), evidence_date="reported_on",
           evidence_url=_dispute_url,
           description=_("本季度报告的纠纷中，自发现之日起在规定天数（MINXIN_DISPUTE_EARLY_DAYS，默认 3 天）内报告的比例"))
def reported_early(window, cohort, scheme=None):
    made, early = defaultdict(int), defaultdict(int)
    limit = datetime.timedelta(days=settings.MINXIN_DISPUTE_EARLY_DAYS)
    for village, arose, reported in _reported(window, _villages(cohort)).values_list(
            "village_id", "arose_on", "reported_on"):
        made[village] += 1
        early[village] += reported - arose <= limit
    return cohort.spread({code: share(early[code], made[code]) for code in made})


def _falling_due(window, villages):
    """The cases whose month for mediation ended in the window (reported a month before it)."""
    days = datetime.timedelta(days=settings.MINXIN_DISPUTE_DAYS)
    return Dispute.objects.filter(village_id__in=list(villages), reported_on__gte=window.start - days,
                                  reported_on__lte=window.end - days)


@automatic("mediate.in_time", heart="mediate", label=_("矛盾纠纷按期化解率"), unit="%", module=MODULE, weight="1.5",
           target="90", missing=None, evidence=lambda cid, v, w: _falling_due(w, [v]), evidence_date="reported_on",
           evidence_url=_dispute_url,
           description=_("办结期限（报告后一个月）在本季度内届满的纠纷中，期限内调解成功的比例（全队共同指标）"))
def resolved_in_time(window, cohort, scheme=None):
    due, in_time = defaultdict(int), defaultdict(int)
    for village, reported, concluded, result in _falling_due(window, _villages(cohort)).values_list(
            "village_id", "reported_on", "concluded_on", "result"):
        due[village] += 1
        in_time[village] += bool(result == Dispute.Result.SUCCESS and concluded
                                 and concluded <= deadlines.dispute_due(reported))
    return cohort.spread({code: share(in_time[code], due[code]) for code in due})


def _concluded(window, villages):
    return Dispute.objects.filter(village_id__in=list(villages), concluded_on__gte=window.start,
                                  concluded_on__lte=window.end)


@automatic("mediate.in_village", heart="mediate", label=_("小事不出村（村级化解率）"), unit="%", module=MODULE,
           weight="1", target="90", missing=None, evidence=lambda cid, v, w: _concluded(w, [v]),
           evidence_date="concluded_on", evidence_url=_dispute_url,
           description=_("本季度办结的纠纷中，在村里调解成功、没有上报乡镇的比例（全队共同指标）"))
def resolved_in_village(window, cohort, scheme=None):
    made, kept = defaultdict(int), defaultdict(int)
    for village, level, result in _concluded(window, _villages(cohort)).values_list("village_id", "level", "result"):
        made[village] += 1
        kept[village] += level == Dispute.Level.VILLAGE and result == Dispute.Result.SUCCESS
    return cohort.spread({code: share(kept[code], made[code]) for code in made})


# --- petitions ---------------------------------------------------------------------------------

def _petitions(window, villages):
    """The village's petitions with an acceptance decision or an answer in the window."""
    return Petition.objects.filter(Q(decided_on__gte=window.start, decided_on__lte=window.end)
                                   | Q(replied_on__gte=window.start, replied_on__lte=window.end),
                                   region_id__in=list(villages))


@automatic("mediate.petitions", heart="mediate", label=_("信访事项按期受理办结率"), unit="%", module=MODULE, weight="1",
           target="100", missing=None, evidence=lambda cid, v, w: _petitions(w, [v]), evidence_date="received_on",
           evidence_url=_petition_url,
           description=_("本季度作出的受理决定（15 日内）和答复（办理期限内）中按期的比例（本村信访事项，全队共同指标）"))
def petitions_in_time(window, cohort, scheme=None):
    made, in_time = defaultdict(int), defaultdict(int)
    rows = _petitions(window, _villages(cohort)).values_list(
        "region_id", "received_on", "decided_on", "replied_on", "handling_due")
    for village, received, decided, replied, handling_due in rows:
        if decided and window.start <= decided <= window.end:
            made[village] += 1
            in_time[village] += decided <= deadlines.after(received, deadlines.ACCEPT_DAYS)
        if replied and window.start <= replied <= window.end:
            made[village] += 1
            in_time[village] += bool(handling_due and replied <= handling_due)
    return cohort.spread({code: share(in_time[code], made[code]) for code in made})
