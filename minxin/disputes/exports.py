"""Excel exports of the dispute and petition lists: the rows the list shows (all pages), scoped like
the page; phones masked, registry parties by name only."""

from django.utils.translation import gettext_lazy as _

from minxin.core.xlsx import columns_response


def _region(obj):
    region = getattr(obj, "village", None) or obj.region
    return f"{region.parent.name} {region.name}" if region.parent_id else region.name


def _value(attr):
    return lambda obj: getattr(obj, attr) if getattr(obj, attr) not in (None, "") else ""


def _display(attr):
    return lambda obj: getattr(obj, f"get_{attr}_display")()


DISPUTES = [
    (_("案号"), lambda d: d.case_no), (_("村"), _region), (_("案由"), _value("title")),
    (_("纠纷类别"), _display("category")), (_("风险等级"), _display("risk")), (_("受理方式"), _display("intake")),
    (_("发现日期"), _value("arose_on")), (_("报告日期"), _value("reported_on")), (_("进度"), _display("state")),
    (_("调处层级"), _display("level")), (_("办结期限"), _value("due_on")), (_("调解员"), _value("mediator")),
    (_("调解结果"), lambda d: d.get_result_display() if d.result else ""), (_("办结日期"), _value("concluded_on")),
    (_("协议"), lambda d: d.get_agreement_display() if d.agreement else ""), (_("协议金额（元）"), _value("amount")),
    (_("回访日期"), _value("follow_up_on")), (_("申请司法确认日期"), _value("judicial_applied_on")),
]
PETITIONS = [
    (_("编号"), lambda p: p.case_no), (_("所在村（乡镇）"), _region), (_("信访事项"), _value("title")),
    (_("信访人"), _value("petitioner")), (_("人数"), _value("persons")), (_("信访形式"), _display("channel")),
    (_("性质"), _display("nature")), (_("登记日期"), _value("received_on")), (_("状态"), _display("state")),
    (_("当前期限"), _value("due_on")), (_("受理决定日期"), _value("decided_on")), (_("承办单位"), _value("handler")),
    (_("办理期限"), _value("handling_due")), (_("答复日期"), _value("replied_on")),
    (_("包案领导"), _value("backlog_leader")), (_("化解期限"), _value("backlog_deadline")),
    (_("办结日期"), _value("closed_on")),
]


def disputes(rows):
    return columns_response(filename="矛盾纠纷台账.xlsx", sheet="矛盾纠纷", columns=DISPUTES, objects=rows.iterator())


def petitions(rows):
    return columns_response(filename="信访事项台账.xlsx", sheet="信访事项", columns=PETITIONS, objects=rows.iterator())
