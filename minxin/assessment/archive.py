"""驻村工作档案: one cadre's year — postings, pledge and its review, quarterly scores and ranks,
supervision findings, the annual grade and what followed from it. A page and a Word document."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from docx.shared import Pt

from minxin.assessment import selectors
from minxin.assessment.hearts import heart_label
from minxin.assessment.models import AnnualGrade, CadreResult, Pledge
from minxin.cadres.models import Cadre
from minxin.core.officialdoc import OfficialDocument, date_cn
from minxin.regions import issuers


@dataclass
class ArchiveData:
    cadre: Cadre
    year: int
    assignments: list = field(default_factory=list)
    pledge: Pledge | None = None
    items: list = field(default_factory=list)
    results: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    grade: AnnualGrade | None = None
    consequences: list = field(default_factory=list)


def collect(*, user, cadre: Cadre, year: int) -> ArchiveData:
    """Everything of the year the user may see (the cadre itself was resolved in scope)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    data = ArchiveData(cadre, year)
    data.assignments = list(cadre.assignments.select_related("village__parent").filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last).order_by("start_date"))
    data.pledge = (selectors.pledge_list(user=user, year=year).filter(cadre=cadre)
                   .prefetch_related("items__reviewed_by").first())
    data.items = list(data.pledge.items.all()) if data.pledge else []
    data.results = list(CadreResult.objects.visible_to(user).filter(cadre=cadre, period__year=year)
                        .select_related("period").order_by("period__quarter"))
    data.findings = list(selectors.finding_list(user=user, cadre_id=cadre.pk, year=year))
    data.grade = selectors.grade_list(user=user, year=year).filter(cadre=cadre).first()
    data.consequences = list(selectors.consequence_list(user=user, cadre_id=cadre.pk, year=year))
    return data


def render_docx(data: ArchiveData) -> bytes:
    cadre = data.cadre
    doc = OfficialDocument()
    doc.title(f"驻村工作档案（{data.year}年度）", subtitle=cadre.name)
    doc.heading1("一、基本情况")
    doc.table(["姓名", "性别", "派出单位", "原单位职务", "政治面貌"],
              [[cadre.name, cadre.get_sex_display(), cadre.sending_unit.name, cadre.post or "—",
                "中共党员" if cadre.is_party_member else "—"]], widths_mm=[24, 14, 60, 36, 22], font_size=Pt(12))
    doc.heading1("二、驻村任职")
    doc.table(["驻村", "职务", "起止", "状态"],
              [[f"{a.village.parent.name}{a.village.name}", a.get_role_display(),
                f"{date_cn(a.start_date)}—{date_cn(a.end_date) if a.end_date else '至今'}", a.get_status_display()]
               for a in data.assignments] or [["—", "—", "—", "—"]], widths_mm=[46, 26, 60, 24], font_size=Pt(12))
    doc.heading1("三、年初承诺与年终评诺")
    if data.pledge:
        doc.body(f"承诺状态：{data.pledge.get_status_display()}；提交时间："
                 f"{date_cn(timezone.localdate(data.pledge.submitted_at)) if data.pledge.submitted_at else '未提交'}。")
        doc.table(["所属", "承诺事项", "衡量标准", "评诺结果", "评诺依据"],
                  [[str(heart_label(i.heart)), i.text, i.measure, i.get_result_display() or "待评", i.evidence or "—"]
                   for i in data.items], widths_mm=[14, 50, 36, 18, 38], font_size=Pt(10.5))
    else:
        doc.body("本年度未填报承诺。")
    doc.heading1("四、季度考核")
    doc.table(["季度", "总分", "全县排名", "乡镇排名", "状态"],
              [[r.period.window.label(), f"{r.total:.2f}", f"{r.rank_county}/{r.cohort_county}",
                f"{r.rank_township}/{r.cohort_township}", r.period.get_status_display()] for r in data.results]
              or [["—"] * 5], widths_mm=[40, 24, 32, 32, 28], font_size=Pt(12))
    doc.heading1("五、督查发现")
    doc.table(["日期", "类型", "问题", "整改"],
              [[date_cn(f.inspection.date), f.inspection.get_kind_display(),
                f.text + ("（无故不在岗）" if f.unexcused_absence else ""),
                _rectification(f)] for f in data.findings] or [["—"] * 4],
              widths_mm=[30, 24, 66, 36], font_size=Pt(10.5))
    doc.heading1("六、年度考核等次及运用")
    if data.grade:
        g = data.grade
        text = (f"综合得分{g.composite}分（季度平均{g.quarters_score or '—'}，评诺{g.pledge_score or '—'}，"
                f"年终考核{g.supervision_score or '—'}），计算等次“{g.get_computed_grade_display()}”，"
                f"确定等次“{g.get_grade_display()}”（{g.get_status_display()}）。")
        if g.override_reason:
            text += f"调整理由：{g.override_reason}。"
        doc.body(text)
    else:
        doc.body("年度考核等次尚未评定。")
    for c in data.consequences:
        doc.body(f"{date_cn(c.decided_on)}，{c.get_kind_display()}：{c.title}。依据：{c.basis}")
    doc.signature(issuer=issuers.organisation_department(issuers.county_name(cadre.region_code)), day=timezone.localdate())
    return doc.save()


def _rectification(finding) -> str:
    task = getattr(finding, "rectification", None)
    if task is None:
        return "—"
    return f"{task.get_status_display()}（期限{date_cn(task.deadline)}）"
