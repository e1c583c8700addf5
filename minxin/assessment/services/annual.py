"""年度考核等次: compute proposals for the year, the county confirms or overrides; results' use."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.assessment import grading
from minxin.assessment.models import (
    AnnualGrade,
    CadreResult,
    Consequence,
    Finding,
    Grade,
    Inspection,
    ManualScore,
    Period,
    PledgeItem,
)
from minxin.assessment.services.common import assessed_county, clean_text
from minxin.assessment.services.scheme import scheme_ensure
from minxin.cadres.models import Assignment, Cadre
from minxin.cadres.services import assignment_end
from minxin.core.audit import audit_record
from minxin.core.errors import DomainError
from minxin.core.figures import within
from minxin.core.guards import require, require_scope
from minxin.regions import codes


def _year_records(year: int, county: str) -> tuple:
    """Per cadre: quarterly totals (the county's published quarters), pledge results, year-end
    supervision average and unexcused absences — four grouped queries for the whole county."""
    prefix = codes.prefix_of(county)
    quarters = defaultdict(list)
    villages = {}
    for cadre_id, total, village, _quarter in (
            CadreResult.objects.filter(period__county_code=county, period__year=year,
                                       period__status=Period.Status.PUBLISHED)
            .order_by("period__quarter").values_list("cadre_id", "total", "village_code", "period__quarter")):
        quarters[cadre_id].append(total)
        villages[cadre_id] = village
    pledges = defaultdict(list)
    for cadre_id, result in (PledgeItem.objects.filter(within("pledge__village_id", prefix), pledge__year=year)
                             .values_list("pledge__cadre_id", "result")):
        pledges[cadre_id].append(result)
    supervision = {
        row["cadre_id"]: Decimal(str(row["avg"])).quantize(Decimal("0.01"))
        for row in ManualScore.objects.filter(within("inspection__village_id", prefix),
                                              inspection__kind=Inspection.Kind.ANNUAL, inspection__date__year=year)
        .values("cadre_id").annotate(avg=Avg("score")).order_by()
    }
    absences = {
        row["cadre_id"]: row["n"]
        for row in Finding.objects.filter(within("inspection__village_id", prefix), unexcused_absence=True,
                                          inspection__date__year=year, cadre__isnull=False)
        .values("cadre_id").annotate(n=Count("pk")).order_by()
    }
    return quarters, villages, pledges, supervision, absences


@transaction.atomic
def grades_compute(*, actor: User | None, year: int, county_code: str | None = None) -> list[AnnualGrade]:
    """Propose the grade for the year of every cadre of the county from its published quarters.
    Refused once any of the county's grades of the year is confirmed (it would lose its decisions)."""
    require(actor, roles.CONFIGURE_ASSESSMENT)
    county = assessed_county(actor, county_code)
    if not Period.objects.filter(county_code=county, year=year, status=Period.Status.PUBLISHED).exists():
        raise DomainError("no_published_quarter", _("%(year)s 年还没有已发布的季度考核。") % {"year": year})
    county_grades = AnnualGrade.objects.of_county(county).filter(year=year)
    if county_grades.filter(status=AnnualGrade.Status.CONFIRMED).exists():
        raise DomainError("grades_confirmed", _("%(year)s 年已有等次经县级确认，不能重新计算。") % {"year": year})
    scheme = scheme_ensure(actor=actor, county_code=county)
    quarters, villages, pledges, supervision, absences = _year_records(year, county)
    rows, parts = [], {}
    for cadre_id, totals in quarters.items():
        q = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01"))
        p = grading.pledge_score(pledges.get(cadre_id, [])) if cadre_id in pledges else Decimal(0)
        s = supervision.get(cadre_id)
        parts[cadre_id] = (q, len(totals), p, s)
        value = grading.composite([(q, scheme.annual_quarters_pct), (p, scheme.annual_pledge_pct),
                                   (s, scheme.annual_supervision_pct)])
        rows.append(grading.Proposal(cadre_id, value, absences.get(cadre_id, 0)))
    grading.propose(rows, scheme)
    county_grades.delete()
    grades = AnnualGrade.objects.bulk_create([
        AnnualGrade(year=year, cadre_id=r.cadre_id, village_code=villages[r.cadre_id], quarters_score=parts[r.cadre_id][0],
                    quarters_count=parts[r.cadre_id][1], pledge_score=parts[r.cadre_id][2],
                    supervision_score=parts[r.cadre_id][3], composite=r.composite, unexcused_absences=r.absences,
                    computed_grade=r.grade, grade=r.grade, explanation=r.explanation)
        for r in rows
    ], batch_size=2000)
    counts: defaultdict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.grade] += 1
    audit_record(actor=actor, action="grades.compute", object_type="assessment.annualgrade", object_id=str(year),
                 object_repr=_("%(year)s 年度考核等次") % {"year": year}, region_code=county,
                 after={"year": year, "scheme": scheme.version, "counts": dict(counts)})
    return grades


@transaction.atomic
def grade_confirm(*, actor: User | None, grade: AnnualGrade, final: str, reason: str = "") -> AnnualGrade:
    """The county confirms the proposed grade or overrides it with a reason. The absence rules and
    the cap on 优秀 still hold: a breach is refused with the numbers."""
    require(actor, roles.CONFIGURE_ASSESSMENT)
    # Lock the county's grades of the year: two confirmations at once must not both take its last
    # 优秀 place (the cap is the county's).
    county = codes.county_of(grade.village_code) or ""
    year_grades = list(AnnualGrade.objects.of_county(county).select_for_update().filter(year=grade.year).order_by("pk"))
    grade = next(g for g in year_grades if g.pk == grade.pk)
    require_scope(actor, grade.village_code)
    if final not in Grade.values:
        raise DomainError("invalid_grade", _("请选择等次。"), field="final")
    reason = reason.strip()
    if final != grade.computed_grade and not reason:
        raise DomainError("reason_required", _("调整计算等次必须填写理由。"), field="reason")
    ceiling = grading.absence_ceiling(grade.unexcused_absences)
    if grading.at_most(final, ceiling) != final:
        raise DomainError("absence_rule", _("抽查发现无故不在岗 %(n)d 次，最高只能评为“%(grade)s”。")
                          % {"n": grade.unexcused_absences, "grade": Grade(ceiling).label}, field="final")
    scheme = scheme_ensure(actor=actor, county_code=county)
    if final == Grade.EXCELLENT:
        cap = grading.excellent_cap(len(year_grades), scheme.excellent_cap_pct)
        others = sum(1 for g in year_grades if g.pk != grade.pk and g.grade == Grade.EXCELLENT)
        if others + 1 > cap:
            raise DomainError("excellent_cap", _("优秀名额已满：上限为 %(cap)d 名（%(total)d 人的 %(pct)d%%），"
                                                 "已有 %(count)d 名评为优秀，不能再增加。")
                              % {"cap": cap, "total": len(year_grades), "pct": scheme.excellent_cap_pct,
                                 "count": others}, field="final")
    before = {"grade": grade.grade, "status": grade.status}
    grade.grade, grade.status, grade.override_reason = final, AnnualGrade.Status.CONFIRMED, reason
    grade.confirmed_by, grade.confirmed_at = actor, timezone.now()
    grade.save()
    audit_record(actor=actor, action="grade.confirm" if final == grade.computed_grade else "grade.override",
                 obj=grade, region_code=grade.village_code, before=before,
                 after={"grade": final, "computed": grade.computed_grade, "reason": reason})
    return grade


@transaction.atomic
def consequence_record(*, actor: User, cadre: Cadre, year: int, kind: str, title: str, basis: str,
                       decided_on: datetime.date, grade: AnnualGrade | None = None) -> Consequence:
    """Record a commendation, promotion recommendation, accountability or recall, with its basis."""
    require(actor, roles.CONFIGURE_ASSESSMENT)
    require_scope(actor, cadre.region_code)
    if kind not in Consequence.Kind.values:
        raise DomainError("invalid_kind", _("请选择类别。"), field="kind")
    title = clean_text(title, field="title", message=_("请填写名称。"))
    basis = clean_text(basis, field="basis", message=_("请填写依据。"))
    if grade is not None and grade.cadre_id != cadre.pk:
        raise DomainError("grade_mismatch", _("所选年度等次不属于该干部。"), field="grade")
    record = Consequence.objects.create(cadre=cadre, village_code=cadre.region_code, year=year, kind=kind,
                                        title=title, basis=basis, decided_on=decided_on, grade=grade,
                                        recorded_by=actor)
    audit_record(actor=actor, action=f"consequence.{kind}", obj=record, region_code=cadre.region_code,
                 after={"title": title, "basis": basis, "year": year})
    if kind == Consequence.Kind.RECALL:
        # A recall takes the cadre out of the village: its postings end, recorded as recalled.
        for assignment in cadre.assignments.filter(status=Assignment.Status.ACTIVE):
            assignment_end(actor=actor, assignment=assignment, end_date=decided_on, recall=True,
                           reason=f"{title}：{basis}"[:500])
    return record
