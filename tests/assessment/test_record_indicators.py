"""The hearts records now score (issue 19.3): gaps closed, paired households' income and exit, study
hours and the village plan — raw values against hand counts, their evidence, and the scheme's new
version that moved the hand-scored weight (each heart keeps its total)."""

import datetime
import importlib
from decimal import Decimal as D

import pytest
from django.utils import timezone

from minxin.assessment import engine, services
from minxin.assessment import indicators as registry
from minxin.assessment.window import Window
from minxin.cadres import services_study
from minxin.cadres.models import Assignment, StudySession
from minxin.core.errors import DomainError, PermissionDenied
from minxin.registry import services as registry_services
from minxin.registry import services_plan
from minxin.registry.models import (
    ChecklistChange,
    Helper,
    Household,
    Income,
    PlanItem,
    Registration,
    VillagePlan,
)
from tests.assessment.test_fieldwork_indicators import _at

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(world):
    """Last year's Q2, ended; the tdw team (A, B) posted for all of it to 五七村."""
    window = Window(timezone.localdate().year - 1, 2)
    a, b = world.cadres["tdw"][0], world.cadres["tdw"][1]
    Assignment.objects.filter(cadre__in=[a, b]).update(start_date=window.start - datetime.timedelta(days=1))
    village = Assignment.objects.get(cadre=a, status="active").village
    homes = [Household.objects.create(village=village, number=f"R{n}", head_name=f"户主{n}") for n in range(5)]
    return window, a, b, village, homes


def _raw(window):
    scheme = services.scheme_ensure(actor=None)
    return {r.cadre_id: {s.indicator: s.raw for s in r.scores} for r in engine.compute(window, scheme)}


def test_gaps_closed_in_the_quarter_against_those_still_open_at_its_end(world, setting):
    window, a, b, _village, homes = setting
    before, inside, after = (window.start - datetime.timedelta(days=5), window.start + datetime.timedelta(days=10),
                             window.end + datetime.timedelta(days=3))
    changes = [
        (homes[0], "water", "", "gap", before), (homes[0], "water", "gap", "met", inside),  # closed in the quarter
        (homes[1], "housing", "", "gap", inside),  # opened, still open at the end
        (homes[2], "medical", "", "gap", before), (homes[2], "medical", "gap", "met", after),  # closed too late
        (homes[3], "food", "", "met", before),  # never a gap
        (homes[4], "education", "", "gap", before), (homes[4], "education", "gap", "na", inside),  # 不涉及 closes
    ]
    for home, item, old, new, day in changes:
        ChecklistChange.objects.create(household=home, item=item, before=old, after=new, changed_at=_at(day))
    rows = _raw(window)
    # closed: homes 0 and 4 = 2; open at the end: homes 1 and 2 = 2 → 2 / 4; a team figure.
    assert rows[a.pk]["livelihood.gaps"] == D("50.00") and rows[b.pk]["livelihood.gaps"] == D("50.00")
    evidence = registry.get("livelihood.gaps").evidence(a.pk, homes[0].village_id, window)
    assert sorted(c.household_id for c in evidence) == [homes[0].pk, homes[4].pk]


def test_the_checklist_service_writes_the_history_the_indicator_reads(world, setting):
    _window, _a, _b, _village, homes = setting
    admin = world.users["tdw_admin"]
    home = homes[0]
    registry_services.checklist_save(actor=admin, household=home, version=home.version, water="gap", food="met")
    home.refresh_from_db()
    registry_services.checklist_save(actor=admin, household=home, version=home.version, water="met", food="met")
    rows = list(ChecklistChange.objects.filter(household=home).values_list("item", "before", "after"))
    assert rows == [("food", "", "met"), ("water", "", "gap"), ("water", "gap", "met")]


def _income(home, year, per_capita):
    Income.objects.create(household=home, year=year, persons=2, wage=D(per_capita) * 2)


def test_paired_households_income_growth_and_exit(world, setting):
    window, a, b, _village, homes = setting
    year = window.year
    for home in homes[:4]:
        Helper.objects.create(household=home, name=a.name, cadre=a)
    _income(homes[0], year - 1, 5000), _income(homes[0], year, "6000.50")  # grew
    _income(homes[1], year - 1, 6000), _income(homes[1], year, 5000)  # fell
    _income(homes[2], year, 7000)  # one year only: not compared
    _income(homes[3], year - 2, 3000), _income(homes[3], year - 1, 4000), _income(homes[3], year + 1, 1000)  # grew by Y-1
    statuses = [("exited", year - 1), ("not_exited", None), ("exited", year + 1), ("cancelled", None)]
    for home, (status, exit_year) in zip(homes, statuses, strict=False):
        Registration.objects.create(household=home, year=2014, attribute="general", status=status,
                                    exit_year=exit_year)
    rows = _raw(window)
    # income: homes 0 (grew), 1 (fell), 3 (grew, its newest year after the quarter left out) → 2 / 3
    assert rows[a.pk]["pair.income"] == D("66.67")
    # exit: homes 0 (exited the year before), 1 (not), 2 (exits after the quarter's year); 3 cancelled → 1 / 3
    assert rows[a.pk]["pair.exit"] == D("33.33")
    assert rows[b.pk].get("pair.income") is None and rows[b.pk].get("pair.exit") is None  # B pairs nobody


def test_study_hours_per_cadre_and_who_may_record_them(world, setting):
    window, a, b, _village, _homes = setting
    admin = world.users["tdw_admin"]
    inside = window.start + datetime.timedelta(days=3)
    services_study.study_session_save(actor=admin, title="乡村振兴政策专题培训", kind="training", held_on=inside,
                                      hours="8", attendees=[a, b])
    services_study.study_session_save(actor=admin, title="向老支书请教产业", kind="consult", held_on=inside,
                                      hours="3.5", attendees=[a])
    services_study.study_session_save(actor=admin, title="季度外的学习", kind="collective",
                                      held_on=window.end + datetime.timedelta(days=1), hours="2", attendees=[a])
    rows = _raw(window)
    assert rows[a.pk]["learn.hours"] == D("11.5") and rows[b.pk]["learn.hours"] == D("8")
    evidence = registry.get("learn.hours").evidence(a.pk, "", window)
    assert sorted(s.title for s in evidence) == ["乡村振兴政策专题培训", "向老支书请教产业"]
    with pytest.raises(DomainError, match="学时"):
        services_study.study_session_save(actor=admin, title="x", kind="online", held_on=inside, hours="0",
                                          attendees=[a])
    with pytest.raises(DomainError, match="学时"):
        services_study.study_session_save(actor=admin, title="x", kind="online", held_on=inside, hours="1.25",
                                          attendees=[a])
    with pytest.raises(DomainError, match="晚于今天"):
        services_study.study_session_save(actor=admin, title="x", kind="online", attendees=[a], hours="1",
                                          held_on=timezone.localdate() + datetime.timedelta(days=1))
    other_side = world.cadres["gz"][0]
    with pytest.raises(DomainError, match="管辖范围"):  # a cadre the recorder does not see
        services_study.study_session_save(actor=admin, title="x", kind="online", held_on=inside, hours="1",
                                          attendees=[other_side])
    a.user = world.users["tdw_cadre"]
    a.save()
    with pytest.raises(PermissionDenied):  # a cadre records its own study only
        services_study.study_session_save(actor=a.user, title="x", kind="online", held_on=inside, hours="1",
                                          attendees=[a, b])
    own = services_study.study_session_save(actor=a.user, title="网络学院课程", kind="online", held_on=inside,
                                            hours="2", attendees=[a])
    assert list(own.attendees.all()) == [a]
    assert StudySession.objects.filter(held_on=inside).count() == 3  # the refused ones wrote nothing


def test_plan_items_completed_by_the_quarters_end(world, setting):
    window, a, _b, village, _homes = setting
    admin = world.users["tdw_admin"]
    rows = _raw(window)
    assert rows[a.pk]["plan.items"] == D(0)  # no plan covering the year counts 0
    plan = services_plan.plan_save(actor=admin, village=village, title="五七村三年发展规划", start_year=window.year,
                                   end_year=window.year + 2)
    later = services_plan.plan_item_save(actor=admin, plan=plan, title="明年的事", category="industry",
                                         due_on=window.end + datetime.timedelta(days=200))
    assert _raw(window)[a.pk].get("plan.items") is None  # a plan, nothing due yet: not applicable
    due = window.start + datetime.timedelta(days=20)
    items = [("修通组路", "done", due), ("建冷库", "done", window.end + datetime.timedelta(days=5)),
             ("改厕", "active", None), ("旧项目", "dropped", None)]
    for title, status, done_on in items:
        item = services_plan.plan_item_save(actor=admin, plan=plan, title=title, category="infrastructure",
                                            due_on=due)
        if status != "planned":
            PlanItem.objects.filter(pk=item.pk).update(status=status, done_on=done_on)
    # due by the end and not dropped: 3; done by the end: 1 (the cold store was finished after it)
    assert _raw(window)[a.pk]["plan.items"] == D("33.33")
    evidence = registry.get("plan.items").evidence(a.pk, village.code, window)
    assert sorted(i.title for i in evidence) == ["修通组路", "建冷库", "改厕"] and later not in evidence
    with pytest.raises(DomainError, match="完成日期"):
        services_plan.plan_item_save(actor=admin, plan=plan, title="x", category="other", due_on=due, status="done")
    with pytest.raises(DomainError, match="截止年度"):
        services_plan.plan_save(actor=admin, village=village, title="x", start_year=2027, end_year=2026)
    other = world.village("gz")
    with pytest.raises(DomainError, match="管辖范围"):
        services_plan.plan_save(actor=admin, village=other, title="越界", start_year=2026, end_year=2027)
    assert not VillagePlan.objects.filter(title="越界").exists()


def test_the_new_scheme_version_moves_the_hand_scored_weight_and_keeps_each_hearts_total(world):
    migration = importlib.import_module("minxin.assessment.migrations.0004_hearts_from_records")
    old = {"learn.diary": D(5), "learn.study": D(5), "plan.plan": D(5), "plan.pledge": D(5),
           "pair.coverage": D(4), "pair.paired": D(3), "pair.help": D(3),
           "livelihood.answered": D(4), "livelihood.response": D(3), "livelihood.needs": D(3)}
    moved = {code: row["weight"] for code, row in migration._moved(
        {code: {"weight": w, "target": D(1), "step": D(0)} for code, w in old.items()}).items()}
    assert moved == {
        "learn.diary": D(5), "learn.hours": D(5), "plan.plan": D(2), "plan.items": D(3), "plan.pledge": D(5),
        # pair: 10 → income and exit 20 % each (2 + 2); the rest 6 in the old proportions 4:3:3
        "pair.income": D(2), "pair.exit": D(2), "pair.coverage": D("2.40"), "pair.paired": D("1.80"),
        "pair.help": D("1.80"),
        # livelihood: 10 → gaps 30 % (3); the rest 7 as 4:3:3 = 2.80, 2.10, 2.10
        "livelihood.gaps": D(3), "livelihood.answered": D("2.80"), "livelihood.response": D("2.10"),
        "livelihood.needs": D("2.10")}
    assert sum(moved.values()) == sum(old.values())
    assert registry.get("learn.study") is None  # no hand score left for what the records show
    assert sum(i.default_weight for i in registry.registered()) == 100
