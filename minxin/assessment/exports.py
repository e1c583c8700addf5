"""Excel exports of the assessment lists, scoped like the pages (no personal identifiers)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.core.xlsx import columns_response


def _local(value):
    return timezone.localtime(value) if value else None


def _str(value):
    return str(value) if value is not None else ""


INSPECTIONS = [
    (_("日期"), lambda i: i.date), (_("类别"), lambda i: i.get_kind_display()),
    (_("村"), lambda i: f"{i.village.parent.name} {i.village.name}"), (_("督查人"), lambda i: _str(i.inspector)),
    (_("概况"), lambda i: i.summary),
]
RECTIFICATIONS = [
    (_("督查日期"), lambda r: r.finding.inspection.date), (_("村"), lambda r: r.finding.inspection.village.name),
    (_("驻村干部"), lambda r: _str(r.finding.cadre)), (_("发现问题"), lambda r: r.finding.text),
    (_("整改期限"), lambda r: r.deadline), (_("状态"), lambda r: r.get_status_display()),
    (_("整改结果"), lambda r: r.result), (_("完成时间"), lambda r: _local(r.closed_at)),
]
APPEALS = [
    (_("季度"), lambda a: _str(a.score.result.period)), (_("驻村干部"), lambda a: a.score.result.cadre.name),
    (_("指标"), lambda a: a.score.indicator), (_("原得分"), lambda a: a.score.score),
    (_("申诉理由"), lambda a: a.reason), (_("状态"), lambda a: a.get_status_display()),
    (_("决定"), lambda a: a.decision), (_("更正后得分"), lambda a: a.corrected_score),
    (_("决定时间"), lambda a: _local(a.decided_at)),
]
PLEDGES = [
    (_("年度"), lambda p: p.year), (_("驻村干部"), lambda p: p.cadre.name),
    (_("村"), lambda p: f"{p.village.parent.name} {p.village.name}"), (_("状态"), lambda p: p.get_status_display()),
    (_("提交时间"), lambda p: _local(p.submitted_at)), (_("公开时间"), lambda p: _local(p.published_at)),
]
GRADES = [
    (_("年度"), lambda g: g.year), (_("驻村干部"), lambda g: g.cadre.name),
    (_("派出单位"), lambda g: g.cadre.sending_unit.name), (_("季度平均分"), lambda g: g.quarters_score),
    (_("评诺得分"), lambda g: g.pledge_score), (_("年终考核得分"), lambda g: g.supervision_score),
    (_("综合得分"), lambda g: g.composite), (_("无故不在岗次数"), lambda g: g.unexcused_absences),
    (_("建议等次"), lambda g: g.get_computed_grade_display()), (_("确定等次"), lambda g: g.get_grade_display()),
    (_("状态"), lambda g: g.get_status_display()), (_("调整理由"), lambda g: g.override_reason),
]


CONSEQUENCES = [
    (_("年度"), lambda c: c.year), (_("驻村干部"), lambda c: c.cadre.name),
    (_("派出单位"), lambda c: c.cadre.sending_unit.name), (_("驻村"), lambda c: c.village_code),
    (_("类别"), lambda c: c.get_kind_display()), (_("名称"), lambda c: c.title), (_("依据"), lambda c: c.basis),
    (_("决定日期"), lambda c: c.decided_on), (_("登记人"), lambda c: _str(c.recorded_by)),
]


def export(kind: str, objects, *, name: str):
    columns = {"inspections": INSPECTIONS, "rectifications": RECTIFICATIONS, "appeals": APPEALS,
               "pledges": PLEDGES, "grades": GRADES, "consequences": CONSEQUENCES}[kind]
    return columns_response(filename=f"{name}.xlsx", sheet=name, columns=columns, objects=objects)
