"""Automatic indicators over field work (minxin.fieldwork) and the household registry.

Kept in the assessment app because those modules' folders belong to their owners; the functions
only read their records. Each computes ALL cadres of the quarter with one grouped query (team
figures: one query per village set, shared by the team's members).
"""

from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.assessment.indicators import LOWER, automatic, link, share
from minxin.cadres.models import LeaveRequest
from minxin.fieldwork.models import CheckIn, DiaryEntry, FamilyCall, Meeting, Need, VillagerRequest, Visit
from minxin.fieldwork.presence import posted_days
from minxin.regions.models import Region
from minxin.registry.models import Helper, Household

MODULE = _("驻村记实")
DATED = (Visit, Meeting, FamilyCall, DiaryEntry, CheckIn)


def _in(window, field: str = "occurred_at") -> Q:
    return Q(**{f"{field}__gte": window.start_at, f"{field}__lt": window.end_at})


def _per_cadre(qs, *, distinct: str | None = None, total: str | None = None) -> dict[int, Decimal]:
    value = Sum(total) if total else Count(distinct or "pk", distinct=bool(distinct))
    return {row["cadre_id"]: Decimal(row["n"] or 0)
            for row in qs.filter(cadre_id__isnull=False).values("cadre_id").annotate(n=value).order_by()}


def _households(village_codes) -> dict[str, int]:
    """Registered households per village (the registry), else the village file's figure."""
    if apps.is_installed("minxin.registry"):
        counts = dict(Household.objects.filter(village_id__in=list(village_codes)).values("village_id")
                      .annotate(n=Count("pk")).values_list("village_id", "n").order_by())
        if counts:
            return counts

    return dict(Region.objects.filter(code__in=list(village_codes)).values_list("code", "households"))


# --- 安心: days in the village ----------------------------------------------------------------

def _presence_evidence(cadre_id, village_code, window):
    return [model.objects.filter(_in(window), cadre_id=cadre_id) for model in DATED] + [
        LeaveRequest.objects.filter(cadre_id=cadre_id, status=LeaveRequest.Status.APPROVED,
                                    start_date__lte=window.end, end_date__gte=window.start)]


def _presence_url(obj) -> str:
    names = {Visit: "fieldwork:visit-detail", Meeting: "fieldwork:meeting-detail"}
    if type(obj) in names:
        return link(names[type(obj)], obj.pk)
    if isinstance(obj, LeaveRequest):
        return link("cadres:detail", obj.cadre_id)
    return link({FamilyCall: "fieldwork:call-list", DiaryEntry: "fieldwork:diary-list"}.get(type(obj), ""))


@automatic("settle.presence", heart="settle", label=_("月均在村天数（含批准请假）"), unit=_("天/月"), module=MODULE,
           weight="6", target=str(settings.MINXIN_REQUIRED_DAYS_PER_MONTH), evidence=_presence_evidence,
           evidence_date="occurred_at", evidence_url=_presence_url,
           description=_("由走访、会议、亲情聊天、民情日记等当日记录得出在村天数（不强制打卡），批准的请假天数视同在岗"))
def presence(window, cohort, scheme=None):
    tz = timezone.get_current_timezone()
    parts = [model.objects.filter(_in(window), cohort.inside(), cadre_id__isnull=False)
             .annotate(day=TruncDate("occurred_at", tzinfo=tz)).values_list("cadre_id", "day").order_by()
             for model in DATED]
    days: dict[int, int] = defaultdict(int)
    for cadre_id, _day in parts[0].union(*parts[1:]):  # UNION: one query, distinct (cadre, day) pairs
        days[cadre_id] += 1
    leaves = LeaveRequest.objects.filter(cohort.inside("village_code"), status=LeaveRequest.Status.APPROVED,
                                         start_date__lte=window.end,
                                         end_date__gte=window.start).values_list("cadre_id", "start_date", "end_date")
    last = min(window.end, timezone.localdate())  # a quarter in progress counts up to today
    for cadre_id, start, end in leaves:
        days[cadre_id] += max(0, (min(end, last) - max(start, window.start)).days + 1)
    # Per month of posting: a cadre posted for part of the quarter, or a quarter not yet over, is
    # measured against the months it had (days posted × months ÷ days in the quarter), not three.
    posted = posted_days(cadre_ids=list(days), first=window.start, last=last)
    return {cadre_id: (Decimal(min(n, posted[cadre_id])) * window.days / (posted[cadre_id] * window.months))
            .quantize(Decimal("0.01")) for cadre_id, n in days.items() if posted[cadre_id]}


# --- 虚心: diary --------------------------------------------------------------------------------

@automatic("learn.diary", heart="learn", label=_("民情日记"), unit=_("篇"), module=MODULE, weight="5", target="12",
           evidence=lambda cid, v, w: DiaryEntry.objects.filter(_in(w), cadre_id=cid),
           evidence_url=lambda d: link("fieldwork:diary-list"))
def diary(window, cohort, scheme=None):
    return _per_cadre(DiaryEntry.objects.filter(_in(window), cohort.inside()))


# --- 真心: coverage, paired households, help given ------------------------------------------------

def _visits(window, *conditions, **filters):
    return Visit.objects.filter(_in(window), *conditions, **filters)


def _visit_url(v) -> str:
    return link("fieldwork:visit-detail", v.pk)


@automatic("pair.coverage", heart="pair", label=_("驻村工作队入户走访覆盖率"), unit="%", module=MODULE, weight="3",
           target="80", size_sensitive=True, missing=None,
           evidence=lambda cid, v, w: _visits(w, village_id=v).select_related("household", "cadre"),
           evidence_url=_visit_url,
           description=_("本季度本村被走访的户数 ÷ 本村户数（全队共同指标）"))
def coverage(window, cohort, scheme=None):
    villages = set(cohort.village_of.values())
    visited = dict(_visits(window, village_id__in=list(villages)).values("village_id")
                   .annotate(n=Count("household_id", distinct=True)).values_list("village_id", "n").order_by())
    totals = _households(villages)
    return cohort.spread({code: share(visited.get(code, 0), totals.get(code) or 0) for code in villages})


@automatic("pair.paired", heart="pair", label=_("结对户本季度走访率"), unit="%", module=MODULE, weight="2",
           target="100", missing=None,
           evidence=lambda cid, v, w: _visits(w, cadre_id=cid, household__helpers__cadre_id=cid).distinct()
           .select_related("household"),
           evidence_url=_visit_url, description=_("本人结对帮扶的户中，本季度本人走访过的比例"))
def paired(window, cohort, scheme=None):
    if not apps.is_installed("minxin.registry"):
        return {}

    pairs = dict(Helper.objects.filter(cohort.inside("household__village_id"), cadre_id__isnull=False).values("cadre_id")
                 .annotate(n=Count("household_id", distinct=True)).values_list("cadre_id", "n").order_by())
    # Visits by a cadre to a household it is paired with (the helper row names the same cadre).
    seen = _per_cadre(_visits(window, cohort.inside()).filter(household__helpers__cadre_id=F("cadre_id")),
                      distinct="household_id")
    return {cid: share(int(seen.get(cid, 0)), n) for cid, n in pairs.items()}


@automatic("pair.help", heart="pair", label=_("记录帮扶措施的走访"), unit=_("次"), module=MODULE, weight="1",
           target="6", evidence=lambda cid, v, w: _visits(w, cadre_id=cid).exclude(help_given="")
           .select_related("household"), evidence_url=_visit_url)
def help_given(window, cohort, scheme=None):
    return _per_cadre(_visits(window, cohort.inside()).exclude(help_given=""))


# --- 关心: left-behind families -------------------------------------------------------------------

@automatic("care.visits", heart="care", label=_("关爱留守走访"), unit=_("次"), module=MODULE, weight="5", target="6",
           evidence=lambda cid, v, w: _visits(w, cadre_id=cid, kind=Visit.Kind.CARE).select_related("household"),
           evidence_url=_visit_url)
def care_visits(window, cohort, scheme=None):
    return _per_cadre(_visits(window, cohort.inside(), kind=Visit.Kind.CARE))


@automatic("care.calls", heart="care", label=_("组织亲情视频聊天"), unit=_("次"), module=MODULE, weight="5",
           target="3", evidence=lambda cid, v, w: FamilyCall.objects.filter(_in(w), cadre_id=cid),
           evidence_url=lambda c: link("fieldwork:call-list"))
def family_calls(window, cohort, scheme=None):
    return _per_cadre(FamilyCall.objects.filter(_in(window), cohort.inside()))


# --- 耐心: meetings and lectures ------------------------------------------------------------------

def _meetings(window, *conditions, category=None):
    qs = Meeting.objects.filter(_in(window), *conditions)
    return qs.filter(category=category) if category else qs.exclude(category=Meeting.Category.TRAINING)


def _meeting_url(m) -> str:
    return link("fieldwork:meeting-detail", m.pk)


@automatic("publicize.meetings", heart="publicize", label=_("召开群众会、院坝会"), unit=_("次"), module=MODULE,
           weight="4", target="2", evidence=lambda cid, v, w: _meetings(w, category=Meeting.Category.MEETING).filter(cadre_id=cid),
           evidence_url=_meeting_url)
def meetings(window, cohort, scheme=None):
    return _per_cadre(_meetings(window, cohort.inside(), category=Meeting.Category.MEETING))


@automatic("publicize.lectures", heart="publicize", label=_("开展宣讲、讲堂"), unit=_("次"), module=MODULE, weight="3",
           target="2", evidence=lambda cid, v, w: _meetings(w, category=Meeting.Category.LECTURE).filter(cadre_id=cid),
           evidence_url=_meeting_url)
def lectures(window, cohort, scheme=None):
    return _per_cadre(_meetings(window, cohort.inside(), category=Meeting.Category.LECTURE))


@automatic("publicize.reach", heart="publicize", label=_("会议宣讲参加人次占户数比例"), unit="%", module=MODULE,
           weight="3", target="50", missing=None,
           evidence=lambda cid, v, w: _meetings(w).filter(cadre_id=cid), evidence_url=_meeting_url,
           description=_("本人主持的群众会和宣讲的参加人次 ÷ 本村户数"))
def reach(window, cohort, scheme=None):
    attendance = _per_cadre(_meetings(window, cohort.inside()), total="attendance")
    totals = _households(set(cohort.village_of.values()))
    return {cid: share(int(attendance.get(cid, 0)), totals.get(code) or 0) for cid, code in cohort.village_of.items()}


# --- 公心: mediation ------------------------------------------------------------------------------

@automatic("mediate.visits", heart="mediate", label=_("矛盾调处走访"), unit=_("次"), module=MODULE, weight="4",
           target="3", evidence=lambda cid, v, w: _visits(w, cadre_id=cid, kind=Visit.Kind.MEDIATION)
           .select_related("household"), evidence_url=_visit_url)
def mediation_visits(window, cohort, scheme=None):
    return _per_cadre(_visits(window, cohort.inside(), kind=Visit.Kind.MEDIATION))


# --- 尽心: requests answered, how fast, needs closed -----------------------------------------------

def _requests(window, village_codes=None):
    qs = VillagerRequest.objects.filter(_in(window, "submitted_at"))
    return qs.filter(village_id__in=list(village_codes)) if village_codes is not None else qs


def _request_url(r) -> str:
    return link("fieldwork:request-detail", r.pk)


@automatic("livelihood.answered", heart="livelihood", label=_("群众诉求按时答复率"), unit="%", module=MODULE,
           weight="2.4", target="95", missing=None,
           evidence=lambda cid, v, w: _requests(w, [v]), evidence_date="submitted_at", evidence_url=_request_url,
           description=_("本季度本村提出的诉求中，在规定天数内答复的比例（全队共同指标）"))
def answered(window, cohort, scheme=None):
    villages = set(cohort.village_of.values())
    limit = timezone.timedelta(days=settings.MINXIN_REQUEST_OVERDUE_DAYS)
    made, in_time = defaultdict(int), defaultdict(int)
    for village, submitted, answered_at in _requests(window, villages).values_list(
            "village_id", "submitted_at", "answered_at"):
        made[village] += 1
        if answered_at is not None and answered_at - submitted <= limit:
            in_time[village] += 1
    return cohort.spread({code: share(in_time[code], made[code]) for code in made})


@automatic("livelihood.response", heart="livelihood", label=_("诉求平均答复时长"), unit=_("小时"), module=MODULE,
           weight="1.6", target="48", step="0.5", direction=LOWER, missing=None,
           evidence=lambda cid, v, w: _requests(w, [v]).filter(answered_at__isnull=False),
           evidence_date="submitted_at", evidence_url=_request_url,
           description=_("本季度本村已答复诉求从提出到答复的平均小时数；超过目标每小时扣 0.5 分"))
def response_hours(window, cohort, scheme=None):
    villages = set(cohort.village_of.values())
    hours, count = defaultdict(Decimal), defaultdict(int)
    for village, submitted, answered_at in _requests(window, villages).filter(answered_at__isnull=False).values_list(
            "village_id", "submitted_at", "answered_at"):
        hours[village] += Decimal((answered_at - submitted).total_seconds()) / 3600
        count[village] += 1
    return cohort.spread({code: (hours[code] / count[code]).quantize(Decimal("0.01")) for code in count})


def _needs(window, village_codes):
    """Needs open at some point of the quarter: raised before its end, not closed before its start."""
    return Need.objects.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=window.start_at),
                               raised_at__lt=window.end_at, village_id__in=list(village_codes))


@automatic("livelihood.needs", heart="livelihood", label=_("民情需求办结率"), unit="%", module=MODULE, weight="1.6",
           target="80", missing=None,
           evidence=lambda cid, v, w: _needs(w, [v]), evidence_date="raised_at",
           evidence_url=lambda n: link("fieldwork:need-detail", n.pk),
           description=_("本季度在办的民情需求中，本季度内办结的比例（全队共同指标）"))
def needs_closed(window, cohort, scheme=None):
    villages = set(cohort.village_of.values())
    rows = (_needs(window, villages).values("village_id")
            .annotate(n=Count("pk"), done=Count("pk", filter=Q(closed_at__lt=window.end_at))).order_by())
    return cohort.spread({row["village_id"]: share(row["done"], row["n"]) for row in rows})


# --- 上心: trainings -------------------------------------------------------------------------------

@automatic("industry.trainings", heart="industry", label=_("农村电商和技能培训"), unit=_("次"), module=MODULE,
           weight="5", target="1", evidence=lambda cid, v, w: _meetings(w, category=Meeting.Category.TRAINING).filter(cadre_id=cid),
           evidence_url=_meeting_url)
def trainings(window, cohort, scheme=None):
    return _per_cadre(_meetings(window, cohort.inside(), category=Meeting.Category.TRAINING))
