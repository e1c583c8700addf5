"""Excel exports of the party module — exactly the rows the list pages show, scoped like them. No
identifier and no birth date: people are named, nothing more."""

from django.utils.translation import gettext_lazy as _

from minxin.core.xlsx import columns_response
from minxin.party.selectors import latest_facts


def _village(branch):
    return f"{branch.village.parent.name} {branch.village.name}"


BRANCHES = [
    (_("乡镇 村"), _village), (_("党组织名称"), lambda b: b.name), (_("正式党员"), lambda b: b.full_count),
    (_("预备党员"), lambda b: b.probationary_count), (_("入党积极分子"), lambda b: b.activist_count),
    (_("发展对象"), lambda b: b.target_count), (_("联建单位"), lambda b: b.joint_unit.name if b.joint_unit else ""),
    (_("预警等级"), lambda b: b.warning_level or ""), (_("预警计算日期"), lambda b: b.warning_on or ""),
]
CASES = [
    (_("乡镇 村"), lambda c: _village(c.branch)), (_("申请人"), lambda c: c.person.name),
    (_("阶段"), lambda c: c.get_stage_display()), (_("递交申请日期"), lambda c: c.applied_on),
    (_("进入本阶段日期"), lambda c: c.stage_on), (_("执行规定版本"), lambda c: c.rules_version),
]
RESERVES = [
    (_("乡镇 村"), lambda r: f"{r.village.parent.name} {r.village.name}"), (_("姓名"), lambda r: r.person.name),
    (_("类别"), lambda r: r.get_pool_display()), (_("纳入日期"), lambda r: r.since),
    (_("培养措施"), lambda r: r.training), (_("培养联系人"), lambda r: r.mentor.name if r.mentor else ""),
    (_("培养结果"), lambda r: r.get_outcome_display()), (_("结果日期"), lambda r: r.outcome_on or ""),
]
RECTIFICATIONS = [
    (_("乡镇 村"), lambda r: _village(r.branch)), (_("年度"), lambda r: r.year), (_("确定日期"), lambda r: r.listed_on),
    (_("主要原因"), lambda r: r.reasons), (_("联系县领导"), lambda r: r.leader), (_("结对共建单位"), lambda r: r.unit.name),
    (_("整改事项"), lambda r: r.item_count), (_("已销号"), lambda r: r.done_count),
    (_("验收日期"), lambda r: r.accepted_on or ""), (_("验收得分"), lambda r: r.score if r.score is not None else ""),
    (_("回头看结束"), lambda r: r.closed_on or ""),
]


def branches(rows):
    return columns_response(filename="村党组织.xlsx", sheet=str(_("村党组织")), columns=BRANCHES, objects=rows)


def cases(rows):
    return columns_response(filename="发展党员.xlsx", sheet=str(_("发展党员")), columns=CASES, objects=rows)


def reserves(rows):
    return columns_response(filename="后备干部.xlsx", sheet=str(_("后备干部")), columns=RESERVES, objects=rows)


def warnings(rows):
    shown = list(rows)
    facts = latest_facts(shown)
    columns = [*BRANCHES[:2], (_("预警等级"), lambda b: b.warning_level), (_("计算日期"), lambda b: b.warning_on or ""),
               (_("触发事实"), lambda b: "；".join(f"{fact['label']}：{fact['detail']}" for fact in facts.get(b.pk, [])))]
    return columns_response(filename="软弱涣散预警.xlsx", sheet=str(_("预警")), columns=columns, objects=shown)


def rectifications(rows):
    return columns_response(filename="软弱涣散整顿.xlsx", sheet=str(_("整顿")), columns=RECTIFICATIONS, objects=rows)
