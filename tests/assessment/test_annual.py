"""Annual grades: thresholds, absence rules, the cap on 优秀 (ties included), confirmation."""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from minxin.assessment import grading, services
from minxin.assessment.models import AnnualGrade, CadreResult, Grade, Scheme
from minxin.core.errors import DomainError
from tests.assessment.world import current_quarter


def _rows(*values):
    return [grading.Proposal(n, D(str(composite)), absences) for n, (composite, absences) in enumerate(values, 1)]


def test_thresholds_and_absence_rules():
    scheme = Scheme(excellent_cap_pct=100)  # no cap here
    rows = grading.propose(_rows((95, 0), (95, 1), (95, 2), (95, 3), (80, 0), (65, 0), (59.99, 0), (80, 1)), scheme)
    assert [r.grade for r in rows] == [
        Grade.EXCELLENT,  # ≥ 90
        Grade.COMPETENT,  # one absence: no 优秀
        Grade.BASIC,  # two: at most 基本称职
        Grade.INCOMPETENT,  # three: 不称职
        Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT,
        Grade.COMPETENT,  # one absence does not lower 称职
    ]
    assert "无故不在岗 2 次" in rows[2].explanation[-1]


def test_cap_on_excellent_and_ties_at_the_cap():
    scheme = Scheme()  # 20 %
    # Ten cadres → cap 2. Three reach 优秀 with 98, 96, 93 → the third drops to 称职.
    rows = grading.propose(_rows((98, 0), (96, 0), (93, 0), *[(80, 0)] * 7), scheme)
    assert [r.grade for r in rows[:3]] == [Grade.EXCELLENT, Grade.EXCELLENT, Grade.COMPETENT]
    assert "上限 2 名" in rows[2].explanation[-1]
    # A tie across the cap (98, 95, 95): both tied drop, so the cap (2) is never exceeded.
    rows = grading.propose(_rows((98, 0), (95, 0), (95, 0), *[(80, 0)] * 7), scheme)
    assert [r.grade for r in rows[:3]] == [Grade.EXCELLENT, Grade.COMPETENT, Grade.COMPETENT]
    # Fewer than five cadres: 20 % rounds down to 0 places.
    assert grading.excellent_cap(4, 20) == 0 and grading.excellent_cap(1400, 20) == 280


def test_composite_leaves_out_missing_parts():
    assert grading.composite([(D(80), 70), (D(100), 20), (D(90), 10)]) == D("85.00")
    # No year-end supervision score: 80 × 70/90 + 100 × 20/90 = 84.44
    assert grading.composite([(D(80), 70), (D(100), 20), (None, 10)]) == D("84.44")
    assert grading.pledge_score(["fulfilled", "partly", "not", ""]) == D(50)
    assert grading.pledge_score(["", ""]) is None


@pytest.mark.django_db
def test_grades_compute_and_confirm_with_cap_blocked_with_numbers(world):
    admin = world.users["county_admin"]
    year = timezone.localdate().year
    with pytest.raises(DomainError, match="还没有已发布"):
        services.grades_compute(actor=admin, year=year)
    period = services.period_publish(actor=admin, period=services.period_assess(actor=admin,
                                                                                  quarter=current_quarter()))
    # Unexcused absences for one cadre, found in two spot checks.
    tdw = world.cadres["tdw"]
    for _ in range(2):
        inspection = services.inspection_record(actor=world.users["tdw_supervisor"], kind="daily",
                                                village=world.village("tdw"), date=timezone.localdate())
        services.finding_record(actor=world.users["tdw_supervisor"], inspection=inspection, cadre=tdw[1],
                                text="抽查不在村，无请假", unexcused_absence=True)
    CadreResult.objects.filter(period=period).update(total=D(95))  # every quarter total 95 → all could be 优秀
    grades = {g.cadre_id: g for g in services.grades_compute(actor=admin, year=year)}
    assert len(grades) == 6  # six cadres; cap 20 % of 6 = 1
    # No pledges → pledge part 0: composite = 95 × 70 + 0 × 20, over 90 → 73.89 → 基本称职
    assert grades[tdw[0].pk].composite == D("73.89") and grades[tdw[0].pk].computed_grade == Grade.BASIC
    assert grades[tdw[1].pk].unexcused_absences == 2
    # Override to 优秀 for one (with a reason) is allowed: cap 1.
    first = grades[tdw[0].pk]
    with pytest.raises(DomainError, match="理由"):
        services.grade_confirm(actor=admin, grade=first, final=Grade.EXCELLENT)
    services.grade_confirm(actor=admin, grade=first, final=Grade.EXCELLENT, reason="县委常委会研究决定")
    # A second 优秀 exceeds the cap: blocked with the numbers.
    second = grades[tdw[2].pk]
    with pytest.raises(DomainError) as err:
        services.grade_confirm(actor=admin, grade=second, final=Grade.EXCELLENT, reason="表现突出")
    assert err.value.code == "excellent_cap"
    assert "上限为 1 名" in err.value.message and "6 人的 20%" in err.value.message and "已有 1 名" in err.value.message
    # Two absences: at most 基本称职, even by override.
    with pytest.raises(DomainError, match="最高只能评为“基本称职”"):
        services.grade_confirm(actor=admin, grade=grades[tdw[1].pk], final=Grade.COMPETENT, reason="x")
    assert AnnualGrade.objects.filter(status=AnnualGrade.Status.CONFIRMED).count() == 1
    with pytest.raises(DomainError, match="已有等次经县级确认"):
        services.grades_compute(actor=admin, year=year)
    record = services.consequence_record(actor=admin, cadre=tdw[0], year=year, kind="commendation",
                                         title="“十颗心”最美第一书记", basis="年度考核优秀，季度排名第一",
                                         decided_on=timezone.localdate(), grade=first)
    assert record.village_code == tdw[0].region_code
    with pytest.raises(DomainError, match="依据"):
        services.consequence_record(actor=admin, cadre=tdw[0], year=year, kind="promotion", title="提拔",
                                    basis=" ", decided_on=timezone.localdate())


@pytest.mark.django_db
def test_recording_a_recall_ends_the_cadres_posting_as_recalled(world):
    from minxin.cadres.models import Assignment

    admin, cadre = world.users["county_admin"], world.cadres["gz"][1]
    services.consequence_record(actor=admin, cadre=cadre, year=timezone.localdate().year, kind="recall",
                                title="召回", basis="连续两次抽查不在岗", decided_on=timezone.localdate())
    assignment = Assignment.objects.get(cadre=cadre)
    assert assignment.status == Assignment.Status.RECALLED
    assert assignment.end_date == timezone.localdate() and "连续两次抽查不在岗" in assignment.end_reason
    # A township admin may not record a recall: nothing is written.
    with pytest.raises(DomainError):
        services.consequence_record(actor=world.users["tdw_admin"], cadre=world.cadres["tdw"][1],
                                    year=timezone.localdate().year, kind="recall", title="召回", basis="x",
                                    decided_on=timezone.localdate())
    assert Assignment.objects.get(cadre=world.cadres["tdw"][1]).status == Assignment.Status.ACTIVE
