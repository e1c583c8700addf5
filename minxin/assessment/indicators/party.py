"""The organize heart (倾心) from the party module's records (issue 17.7), and the one warning rule
over this app's own records. The village team's figures (every cadre of the village gets them):

- organize.life — the share (%) of the quarter's due organisational life held: the member meeting
  and the party lecture once, the committee, the group meeting and the theme day every month;
- organize.developed — activists and development targets the branch settled on in the quarter;
- organize.reserve — reserve cadres and 领头雁 in the pool at the quarter's end (in training, or
  already elected or admitted);
- organize.standing — 100 less 20 points per warning level at the quarter's end (the last daily
  computation on or before it).

They replace the hand-scored 村党组织建设 and 培养积极分子和后备干部 (assessment migration 0008 moved
their weight in a new scheme version). The warning rule `last_assessed` fires for a village whose
cadre was graded 不称职 in the latest annual assessment the county confirmed, or had the county's
lowest composite."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Max, Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.assessment.indicators import automatic, link
from minxin.assessment.models import AnnualGrade
from minxin.assessment.models.annual import Grade
from minxin.party import warnings
from minxin.party.models import Branch, Event, Reserve, Step, Warning
from minxin.party.rules import LIFE_EVERY, MONTH, QUARTER

MODULE = gettext_lazy("基层党建")
HUNDRED = Decimal(100)
# What is due in a quarter: the quarterly kinds once, the monthly kinds three times.
DUE = {kind: {QUARTER: 1, MONTH: 3}[every] for kind, every in LIFE_EVERY.items() if every in (QUARTER, MONTH)}


def _branch_url(obj) -> str:
    return link("party:branch-detail", obj.branch_id)


def _events(window, villages):
    return Event.objects.filter(branch__village_id__in=list(villages), kind__in=list(DUE), held_on__gte=window.start,
                                held_on__lte=window.end)


@automatic("organize.life", heart="organize", label=gettext_lazy("组织生活按期开展率"), unit="%", module=MODULE,
           weight="3", target="100", missing=None, evidence=lambda cid, v, w: _events(w, [v]), evidence_date="held_on",
           evidence_url=_branch_url,
           description=gettext_lazy("本季度应开展的三会一课和主题党日（党员大会、党课各 1 次，支委会、党小组会、主题党日每月 1 次）按期开展的比例（全队共同指标）"))
def life(window, cohort, scheme=None):
    villages = set(cohort.village_of.values())
    with_branch = set(Branch.objects.filter(village_id__in=villages).values_list("village_id", flat=True))
    held: dict[str, set] = defaultdict(set)
    for village, kind, day in _events(window, villages).values_list("branch__village_id", "kind", "held_on"):
        held[village].add((kind, day.month if LIFE_EVERY[kind] == MONTH else 0))
    total = sum(DUE.values())
    return cohort.spread({village: (HUNDRED * len(held[village]) / total).quantize(Decimal("0.1"))
                          for village in with_branch})


def _developed(window, villages):
    return Step.objects.filter(case__branch__village_id__in=list(villages), kind__in=[Step.Kind.ACTIVIST, Step.Kind.TARGET],
                               on__gte=window.start, on__lte=window.end)


@automatic("organize.developed", heart="organize", label=gettext_lazy("确定入党积极分子和发展对象"), unit=gettext_lazy("名"),
           module=MODULE, weight="3", target="1", evidence=lambda cid, v, w: _developed(w, [v]), evidence_date="on",
           evidence_url=lambda obj: link("party:case-detail", obj.case_id),
           description=gettext_lazy("本季度本村党组织确定的入党积极分子和发展对象人数（全队共同指标）"))
def developed(window, cohort, scheme=None):
    rows = _developed(window, set(cohort.village_of.values())).values_list("case__branch__village_id", flat=True)
    return cohort.spread(dict(Counter(rows)))


def _reserves(window, villages):
    return Reserve.objects.filter(village_id__in=list(villages), since__lte=window.end).exclude(
        outcome=Reserve.Outcome.DROPPED, outcome_on__lte=window.end)


@automatic("organize.reserve", heart="organize", label=gettext_lazy("后备干部和领头雁"), unit=gettext_lazy("名"),
           module=MODULE, weight="2", target="2", evidence=lambda cid, v, w: _reserves(w, [v]), evidence_date="since",
           evidence_url=lambda obj: link("party:reserve-list") + f"?village={obj.village_id}",
           description=gettext_lazy("季度末本村在培养（或已进入村两委、已入党）的村级后备干部和领头雁人数（全队共同指标）"))
def reserve(window, cohort, scheme=None):
    rows = _reserves(window, set(cohort.village_of.values())).values_list("village_id", flat=True)
    return cohort.spread(dict(Counter(rows)))


def _warnings(window, villages):
    latest = Warning.objects.filter(branch__village_id__in=list(villages), computed_on__lte=window.end).values(
        "branch").annotate(day=Max("computed_on"))
    days = {row["branch"]: row["day"] for row in latest}
    return Warning.objects.filter(branch_id__in=list(days), computed_on__in=set(days.values())).select_related(
        "branch"), days


@automatic("organize.standing", heart="organize", label=gettext_lazy("党组织预警状况"), unit=gettext_lazy("分"),
           module=MODULE, weight="2", target="100", missing=None,
           evidence=lambda cid, v, w: _warnings(w, [v])[0], evidence_date="computed_on", evidence_url=_branch_url,
           description=gettext_lazy("季度末本村党组织软弱涣散预警：无预警 100 分，每高一级减 20 分（全队共同指标）"))
def standing(window, cohort, scheme=None):
    rows, days = _warnings(window, set(cohort.village_of.values()))
    out = {row.branch.village_id: HUNDRED - 20 * row.level for row in rows if days.get(row.branch_id) == row.computed_on}
    return cohort.spread(out)


@warnings.rule("last_assessed", gettext_lazy("年度考核末位"))
def _last_assessed(branches, day: datetime.date, params: dict):
    """A cadre of the village graded 不称职 in the latest year whose grades the county confirmed by
    `day`, or with the county's lowest composite that year (proposed grades do not count)."""
    villages = {branch.village_id: branch.pk for branch in branches}
    confirmed = AnnualGrade.objects.filter(status=AnnualGrade.Status.CONFIRMED, confirmed_at__date__lte=day)
    year = confirmed.filter(village_code__in=villages).aggregate(year=Max("year"))["year"]
    if year is None:
        return {}
    lowest = {county: confirmed.filter(year=year, village_code__startswith=county).aggregate(
        low=Min("composite"))["low"] for county in {code[:6] for code in villages}}
    found: dict[int, list] = defaultdict(list)
    for grade in confirmed.filter(year=year, village_code__in=villages).select_related("cadre"):
        if grade.grade == Grade.INCOMPETENT or grade.composite == lowest[grade.village_code[:6]]:
            found[villages[grade.village_code]].append((_("%(year)d 年度考核：%(cadre)s %(grade)s（综合 %(score)s 分）") % {
                "year": year, "cadre": grade.cadre.name, "grade": grade.get_grade_display(), "score": grade.composite},
                ""))  # no link: the grade list is not every role's page
    return found
