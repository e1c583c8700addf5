"""Assessment objects for each side of the test world (tests/world.py), built once per world.

Built lazily by `assessment_world(world)` so the shared world builder stays untouched: a current
quarter computed and published, and per side a result, a score, an appeal, a public pledge, an
inspection with a finding, a rectification task and a manual score, an annual grade.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from minxin.assessment import services
from minxin.assessment.models import AnnualGrade, CadreResult
from tests.world import SIDES


@dataclass
class AssessmentWorld:
    period: object = None
    results: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)
    appeals: dict = field(default_factory=dict)
    pledges: dict = field(default_factory=dict)
    inspections: dict = field(default_factory=dict)
    rectifications: dict = field(default_factory=dict)
    grades: dict = field(default_factory=dict)
    consequences: dict = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.period.code


def current_quarter(today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def assessment_world(world) -> AssessmentWorld:
    cached = getattr(world, "assessment", None)
    if cached is not None:
        return cached
    a = AssessmentWorld()
    admin = world.users["county_admin"]
    today = timezone.localdate()
    for side in SIDES:
        cadre_user = world.users[f"{side}_cadre"]
        cadre = world.cadres[side][0]
        pledge = services.pledge_save(actor=cadre_user, cadre=cadre, year=today.year, items=[
            {"heart": "publicize", "text": f"{side}每季度召开群众会", "measure": "每季度不少于 2 次"},
            {"heart": "care", "text": f"{side}走访留守老人", "measure": "每月走访 1 次"}])
        services.pledge_submit(actor=cadre_user, pledge=pledge)
        a.pledges[side] = services.pledge_publish(actor=world.users[f"{side}_admin"], pledge=pledge)
        inspection = services.inspection_record(actor=world.users[f"{side}_supervisor"], kind="annual",
                                                village=world.village(side), date=today, summary="年终考核")
        services.manual_score_record(actor=world.users[f"{side}_supervisor"], inspection=inspection, cadre=cadre,
                                     indicator="plan.plan", score="85", note="支部活动规范")
        finding = services.finding_record(actor=world.users[f"{side}_supervisor"], inspection=inspection, cadre=cadre,
                                          text="民情日记不全", deadline=today + datetime.timedelta(days=30))
        a.inspections[side], a.rectifications[side] = inspection, finding.rectification
    period = services.period_assess(actor=admin, quarter=current_quarter(today))
    a.period = services.period_publish(actor=admin, period=period)
    for side in SIDES:
        result = CadreResult.objects.get(period=a.period, cadre=world.cadres[side][0])
        a.results[side] = result
        a.scores[side] = result.scores.get(indicator="plan.plan")
        a.appeals[side] = services.appeal_file(actor=world.users[f"{side}_cadre"], score=a.scores[side],
                                               reason="支部活动记录已补齐")
    services.grades_compute(actor=admin, year=today.year)
    for side in SIDES:
        a.grades[side] = AnnualGrade.objects.get(year=today.year, cadre=world.cadres[side][0])
        a.consequences[side] = services.consequence_record(
            actor=admin, cadre=world.cadres[side][0], year=today.year, kind="commendation",
            title="“十颗心”最美第一书记", basis="年度考核综合得分全县前列", decided_on=today, grade=a.grades[side])
    world.assessment = a
    return a
