"""Automatic indicators over the records that replaced hand scores (issue 19.3): the 两不愁三保障
checklist's history, paired households' income and exit, study and training sessions, and the
village development plan. Like fieldwork.py, each computes every cadre of the quarter at once.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from minxin.assessment.indicators import automatic, link, share
from minxin.cadres.models import StudySession
from minxin.registry import choices
from minxin.registry.models import ChecklistChange, Helper, Income, PlanItem, Registration, VillagePlan

MODULE = _("档案记录")
GAP, CLOSED = choices.Check.GAP, (choices.Check.MET, choices.Check.NA)
CENT = Decimal("0.01")


def _household_url(obj) -> str:
    return link("registry:household-detail", obj.household_id)


# --- 尽心: 两不愁三保障 gaps closed ------------------------------------------------------------------

def _closings(window, village_codes):
    return ChecklistChange.objects.filter(changed_at__gte=window.start_at, changed_at__lt=window.end_at, before=GAP,
                                          after__in=CLOSED, household__village_id__in=list(village_codes))


def _open_at_end(window, village_codes):
    """The (household, item) pairs whose last change before the quarter's end left them 未保障."""
    later = ChecklistChange.objects.filter(household_id=OuterRef("household_id"), item=OuterRef("item"),
                                           changed_at__gt=OuterRef("changed_at"), changed_at__lt=window.end_at)
    return ChecklistChange.objects.filter(after=GAP, changed_at__lt=window.end_at,
                                          household__village_id__in=list(village_codes)).exclude(Exists(later))


@automatic("livelihood.gaps", heart="livelihood", label=_("两不愁三保障问题清零率"), unit="%", module=MODULE,
           weight="2.4", target="100", missing=None,
           evidence=lambda cid, v, w: _closings(w, [v]).select_related("household"), evidence_date="changed_at",
           evidence_url=_household_url,
           description=_("本季度本村解决的两不愁三保障问题 ÷（本季度解决的 + 季度末仍未保障的）；"
                         "本村没有问题时不计（全队共同指标）"))
def gaps_closed(window, cohort, scheme=None):
    villages = set(cohort.village_of.values())

    def per_village(qs):
        return dict(qs.values("household__village_id").annotate(n=Count("pk"))
                    .values_list("household__village_id", "n").order_by())

    closed, still_open = per_village(_closings(window, villages)), per_village(_open_at_end(window, villages))
    return cohort.spread({code: share(closed.get(code, 0), closed.get(code, 0) + still_open.get(code, 0))
                          for code in villages if closed.get(code) or still_open.get(code)})


# --- 真心: paired households' income and exit --------------------------------------------------------

def _paired(cadre_ids):
    """cadre id → the households it is paired with (帮扶责任人)."""
    paired = defaultdict(set)
    for cadre_id, household_id in Helper.objects.filter(cadre_id__in=list(cadre_ids)).values_list(
            "cadre_id", "household_id"):
        paired[cadre_id].add(household_id)
    return paired


def _paired_incomes(cid, v, window):
    return (Income.objects.filter(household__helpers__cadre_id=cid, year__lte=window.end.year)
            .select_related("household").order_by("household_id", "-year"))


@automatic("pair.income", heart="pair", label=_("结对户人均纯收入增长户比例"), unit="%", module=MODULE, weight="2",
           target="80", missing=None, evidence=_paired_incomes, evidence_date="updated_at",
           evidence_url=_household_url,
           description=_("本人结对帮扶、已登记两个年度收入的户中，最近一年人均纯收入高于上一年的比例"))
def income_growth(window, cohort, scheme=None):
    paired = _paired(cohort.cadre_ids)
    latest: dict[int, list[Decimal]] = defaultdict(list)  # household → per-capita income, newest first (two)
    net = ExpressionWrapper(F("wage") + F("business") + F("transfer") + F("assets") - F("costs"),
                            output_field=DecimalField(max_digits=14, decimal_places=2))
    rows = (Income.objects.filter(household_id__in=Helper.objects.filter(cadre_id__in=cohort.cadre_ids)
                                  .values("household_id"), year__lte=window.end.year)
            .order_by("household_id", "-year").values_list("household_id", "persons", net))
    for household_id, persons, total in rows.iterator(chunk_size=5000):
        kept = latest[household_id]
        if len(kept) < 2:  # the same rounding as Income.per_capita
            kept.append((total / persons).quantize(CENT, ROUND_HALF_UP))
    values = {}
    for cadre_id, homes in paired.items():
        compared = [latest[h] for h in homes if len(latest[h]) == 2]
        values[cadre_id] = share(sum(1 for newer, older in compared if newer > older), len(compared))
    return {cid: value for cid, value in values.items() if value is not None}


EXIT_BASE = (choices.Status.NOT_EXITED, choices.Status.EXITED, choices.Status.RETURNED)


def _exited(window) -> Q:
    return Q(status=choices.Status.EXITED) & (Q(exit_year__isnull=True) | Q(exit_year__lte=window.end.year))


@automatic("pair.exit", heart="pair", label=_("结对贫困户脱贫率"), unit="%", module=MODULE, weight="2", target="100",
           missing=None,
           evidence=lambda cid, v, w: Registration.objects.filter(household__helpers__cadre_id=cid,
                                                                   status__in=EXIT_BASE).select_related("household"),
           evidence_date="updated_at", evidence_url=_household_url,
           description=_("本人结对帮扶的建档立卡户中，到本季度所在年度已脱贫（未返贫）的比例"))
def exit_progress(window, cohort, scheme=None):
    rows = (Registration.objects.filter(household__helpers__cadre_id__in=cohort.cadre_ids, status__in=EXIT_BASE)
            .values("household__helpers__cadre_id")
            .annotate(n=Count("pk", distinct=True), done=Count("pk", distinct=True, filter=_exited(window))).order_by())
    return {row["household__helpers__cadre_id"]: share(row["done"], row["n"]) for row in rows}


# --- 虚心: study and training ----------------------------------------------------------------------

def _study(window, **filters):
    return StudySession.objects.filter(held_on__gte=window.start, held_on__lte=window.end, **filters)


@automatic("learn.hours", heart="learn", label=_("参加学习培训学时"), unit=_("学时"), module=MODULE, weight="5",
           target="12", evidence=lambda cid, v, w: _study(w, attendance__cadre_id=cid), evidence_date="held_on",
           evidence_url=lambda s: link("cadres:study-detail", s.pk),
           description=_("本季度参加集中学习、专题培训、网络学习和向群众、村干部请教的学时合计"))
def study_hours(window, cohort, scheme=None):
    rows = (_study(window, attendance__cadre_id__in=cohort.cadre_ids).values("attendance__cadre_id")
            .annotate(hours=Sum("hours")).order_by())
    return {row["attendance__cadre_id"]: Decimal(row["hours"]) for row in rows}


# --- 精心: the village development plan ---------------------------------------------------------------

def _due_items(window, village_codes):
    return PlanItem.objects.filter(plan__village_id__in=list(village_codes), plan__start_year__lte=window.year,
                                   plan__end_year__gte=window.year, due_on__lte=window.end).exclude(
        status=PlanItem.Status.DROPPED)


@automatic("plan.items", heart="plan", label=_("村发展规划事项完成率"), unit="%", module=MODULE, weight="3",
           target="90", missing=None, evidence=lambda cid, v, w: _due_items(w, [v]).select_related("plan"),
           evidence_date="due_on", evidence_url=lambda item: link("registry:plan-detail", item.plan_id),
           description=_("本村覆盖本年度的发展规划中，到季度末已到期的事项里已完成的比例；"
                         "没有覆盖本年度的规划计 0，有规划但还没有到期事项时不计（全队共同指标）"))
def plan_items(window, cohort, scheme=None):
    villages = set(cohort.village_of.values())
    planned = set(VillagePlan.objects.filter(village_id__in=list(villages), start_year__lte=window.year,
                                             end_year__gte=window.year).values_list("village_id", flat=True))
    rows = {row["plan__village_id"]: row for row in _due_items(window, planned).values("plan__village_id").annotate(
        n=Count("pk"), done=Count("pk", filter=Q(status=PlanItem.Status.DONE, done_on__lte=window.end))).order_by()}
    values = {code: Decimal(0) for code in villages - planned}
    values.update({code: share(row["done"], row["n"]) for code, row in rows.items()})
    return cohort.spread(values)
