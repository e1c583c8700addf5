"""Excel exports of the fund: applications and contributions — exactly the rows the page shows,
scoped like it. Amounts in yuan; a household by its number only (its identifiers stay in the
registry)."""

from django.utils.translation import gettext_lazy as _

from minxin.core.xlsx import columns_response
from minxin.ledger.money import to_yuan


def _yuan(value):
    return to_yuan(value) if value is not None else ""


APPLICATIONS = [
    (_("申报编号"), lambda a: a.number), (_("乡镇 村"), lambda a: f"{a.village.parent.name} {a.village.name}"),
    (_("项目名称"), lambda a: a.title), (_("受益对象"), lambda a: a.get_beneficiary_display()),
    (_("项目类型"), lambda a: a.get_kind_display()), (_("带动贫困户数"), lambda a: a.beneficiaries),
    (_("申请金额（元）"), lambda a: _yuan(a.requested_fen)), (_("状态"), lambda a: a.get_state_display()),
    (_("报送日期"), lambda a: a.submitted_on or ""), (_("乡镇审核日期"), lambda a: a.checked_on or ""),
    (_("公示期"), lambda a: f"{a.notice_from}—{a.notice_until}" if a.notice_from else ""),
    (_("决定日期"), lambda a: a.decided_on or ""), (_("批准金额（元）"), lambda a: _yuan(a.approved_fen)),
    (_("已拨付（元）"), lambda a: _yuan(a.paid or 0)), (_("验收日期"), lambda a: a.closed_on or ""),
]
CONTRIBUTIONS = [
    (_("到账日期"), lambda c: c.received_on), (_("来源"), lambda c: c.get_source_display()),
    (_("出资单位或个人"), lambda c: c.donor), (_("金额（元）"), lambda c: to_yuan(c.amount_fen)),
    (_("收据编号"), lambda c: c.receipt_no), (_("凭证号"), lambda c: c.transaction_id), (_("备注"), lambda c: c.memo),
]

EXPERTS = [
    (_("姓名"), lambda e: e.name), (_("工作单位"), lambda e: e.organisation), (_("专业领域"), lambda e: e.specialty),
    (_("登录账号"), lambda e: e.user.username if e.user else ""),
    (_("所属派出单位"), lambda e: e.sending_unit.name if e.sending_unit else ""),
    (_("回避的村"), lambda e: "、".join(v.name for v in e.tied_villages.all())),
    (_("在库"), lambda e: _("是") if e.active else _("否")), (_("参评"), lambda e: e.seats_count),
]


def applications(rows):
    return columns_response(filename="精准扶贫基金项目申报.xlsx", sheet="项目申报", columns=APPLICATIONS,
                            objects=rows.iterator())


def contributions(rows):
    return columns_response(filename="精准扶贫基金筹集.xlsx", sheet="基金筹集", columns=CONTRIBUTIONS,
                            objects=rows.iterator())


def experts(rows):
    return columns_response(filename="扶贫基金评审专家库.xlsx", sheet="专家库", columns=EXPERTS,
                            objects=rows.iterator(chunk_size=500))
