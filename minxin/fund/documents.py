"""The fund's official documents (GB/T 9704 layout, core.officialdoc): the fund statement of a
period and the county's decision notice on an application. No identifier: a household is named by
its head's surname only."""

import datetime

from django.utils import timezone

from minxin.core.officialdoc import OfficialDocument, date_cn
from minxin.fund.models import Application
from minxin.fund.services_grant import aggregate
from minxin.ledger.money import to_yuan
from minxin.regions import issuers


def _yuan(fen: int | None) -> str:
    return f"{to_yuan(fen or 0):,}"


def statement_docx(statement: dict) -> bytes:
    doc = OfficialDocument()
    start, end = statement["start"], statement["end"]
    county = issuers.county_name(statement["county"])
    issuer = issuers.organisation_department(county)
    doc.header(issuer=issuer, number=f"{issuers.abbreviation(county)}组扶基〔{end.year}〕号")
    doc.title("精准扶贫基金收支情况表", subtitle=f"{date_cn(start)}至{date_cn(end)}")
    doc.heading1("一、基金收支")
    doc.table(["项目", "金额（元）"], [
        ["期初可用余额", _yuan(statement["opening"])],
        *[[f"筹集：{label}", _yuan(fen)] for _v, label, fen in statement["sources"]],
        ["本期批准项目资金", _yuan(statement["approved"])],
        ["结项结余退回", _yuan(statement["released"])],
        ["期末可用余额", _yuan(statement["closing"])],
        ["本期拨付项目资金", _yuan(statement["paid"])],
    ], widths_mm=[100, 56])
    doc.heading1("二、资金投向")
    share = statement["productive_share"]
    doc.body(f"本期批准项目资金 {_yuan(statement['approved_total'])} 元，其中造血式项目 {_yuan(statement['productive'])} 元、"
             f"输血式项目 {_yuan(statement['relief'])} 元，造血式占比 "
             f"{'—' if share is None else f'{share}%'}（县定目标 {statement['target']}%）。")
    doc.table(["受益对象", "批准金额（元）"], [[str(label), _yuan(fen)] for label, fen in statement["by_beneficiary"]],
              widths_mm=[100, 56])
    if statement["by_township"]:
        doc.table(["乡镇", "批准金额（元）"], [[name, _yuan(fen)] for name, fen in statement["by_township"]],
                  widths_mm=[100, 56])
    doc.signature(issuer=issuer, day=timezone.localdate())
    return doc.save()


def _beneficiary(application: Application) -> str:
    if application.household_id:
        return f"{application.village.name}{application.household.head_name[:1]}某户"
    return application.village.name


def decision_docx(application: Application) -> bytes:
    doc = OfficialDocument()
    day = application.decided_on or datetime.date.today()
    county = issuers.county_name(application.village_id)
    issuer = issuers.organisation_department(county)
    doc.header(issuer=issuer, number=f"{issuers.abbreviation(county)}组扶基决〔{day.year}〕{application.number[-5:]}号")
    approved = application.state in (Application.State.APPROVED, Application.State.CLOSED)
    doc.title("关于精准扶贫基金项目申报的决定", subtitle=application.title)
    doc.addressee(f"{application.village.parent.name}党委、{application.village.name}党组织：")
    score = aggregate([seat.total for seat in application.seats.all() if seat.total is not None])
    doc.body(f"你村申报的“{application.title}”项目（编号 {application.number}，{application.get_kind_display()}，"
             f"受益对象：{_beneficiary(application)}，申请金额 {_yuan(application.requested_fen)} 元），经乡镇审核、"
             f"公示（{date_cn(application.notice_from)}至{date_cn(application.notice_until)}）和专家评审"
             f"（{application.seats.count()} 名专家，综合得分 {score if score is not None else '—'} 分），县委组织部研究决定：")
    if approved:
        doc.body(f"同意支持该项目，安排精准扶贫基金 {_yuan(application.approved_fen)} 元。{application.direction}")
        doc.body("资金按预拨、完工拨付、验收后拨付（质保金）分期拨付，专款专用，不得用于负面清单所列支出。")
    else:
        doc.body(f"不予支持。{application.direction}")
    doc.body(f"本决定公示至{date_cn(application.decision_notice_until)}，公示期内如有异议，可向县委组织部反映。")
    doc.signature(issuer=issuer, day=day)
    return doc.save()
