"""年度考核等次 from the year's record (pure functions; see docs/assessment.md).

composite = quarters × q% + pledge review × p% + year-end supervision × s% (a part with no data
is left out and the others share its weight). Grade by thresholds (default 优秀 ≥ 90, 称职 ≥ 75,
基本称职 ≥ 60, else 不称职), then the absence rules of SPEC §4.4 (unexcused absences found in spot
checks: one → no 优秀, two → at most 基本称职, three or more → 不称职), then the cap on 优秀
(default 20 % of the cadres graded, rounded down): the best composites keep 优秀; if the cap falls
inside a tie, the whole tie drops to 称职, so the cap is never exceeded.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from minxin.assessment.models import GRADE_ORDER, Grade

PLEDGE_POINTS = {"fulfilled": Decimal(100), "partly": Decimal(50), "not": Decimal(0)}


@dataclass
class Proposal:
    cadre_id: int
    composite: Decimal
    absences: int
    grade: str = ""
    explanation: list[str] = field(default_factory=list)


def composite(parts: list[tuple[Decimal | None, int]]) -> Decimal:
    """Weighted mean of (value, percent) pairs, leaving out missing values."""
    counted = [(value, pct) for value, pct in parts if value is not None and pct > 0]
    weight = sum(pct for _v, pct in counted)
    if not weight:
        return Decimal(0)
    total = sum((value * pct for value, pct in counted), Decimal(0)) / weight
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def pledge_score(results: list[str]) -> Decimal | None:
    reviewed = [PLEDGE_POINTS[r] for r in results if r in PLEDGE_POINTS]
    if not reviewed:
        return None
    return (sum(reviewed, Decimal(0)) / len(reviewed)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def absence_ceiling(absences: int) -> str:
    """The best grade the absence rules allow."""
    if absences >= 3:
        return Grade.INCOMPETENT
    if absences == 2:
        return Grade.BASIC
    if absences == 1:
        return Grade.COMPETENT
    return Grade.EXCELLENT


def at_most(grade: str, ceiling: str) -> str:
    return GRADE_ORDER[max(GRADE_ORDER.index(grade), GRADE_ORDER.index(ceiling))]


def excellent_cap(total: int, pct: int) -> int:
    return total * pct // 100


def propose(rows: list[Proposal], scheme) -> list[Proposal]:
    for row in rows:
        if row.composite >= scheme.excellent_min:
            row.grade = Grade.EXCELLENT
        elif row.composite >= scheme.competent_min:
            row.grade = Grade.COMPETENT
        elif row.composite >= scheme.basic_min:
            row.grade = Grade.BASIC
        else:
            row.grade = Grade.INCOMPETENT
        row.explanation.append(_("综合得分 %(score)s，按分数线为“%(grade)s”。")
                               % {"score": row.composite, "grade": Grade(row.grade).label})
        ceiling = absence_ceiling(row.absences)
        capped = at_most(row.grade, ceiling)
        if capped != row.grade:
            row.explanation.append(_("抽查发现无故不在岗 %(n)d 次，最高只能评为“%(grade)s”。")
                                   % {"n": row.absences, "grade": Grade(ceiling).label})
            row.grade = capped
    cap = excellent_cap(len(rows), scheme.excellent_cap_pct)
    candidates = sorted((r for r in rows if r.grade == Grade.EXCELLENT), key=lambda r: -r.composite)
    if len(candidates) > cap:
        cutoff = candidates[cap].composite if cap < len(candidates) else None
        for index, row in enumerate(candidates):
            if index >= cap or row.composite == cutoff:
                row.grade = Grade.COMPETENT
                row.explanation.append(_("优秀名额上限 %(cap)d 名（%(total)d 人的 %(pct)d%%），按综合得分排序未进入，评为“称职”。")
                                       % {"cap": cap, "total": len(rows), "pct": scheme.excellent_cap_pct})
    return rows
