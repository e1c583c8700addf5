"""The Word documents of a dispute: its case file (调解案卷) and its written mediation agreement
(人民调解协议书), laid out like official documents (core.officialdoc). Parties' identifiers are
masked as on every page: a villager's ID number keeps its area code and last four characters (no
birth date beside it), an outsider's phone its first three and last four digits."""

from django.utils import timezone

from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.core.officialdoc import OfficialDocument, date_cn
from minxin.disputes.models import Dispute, DisputeParty


def _committee(dispute: Dispute) -> str:
    village = dispute.village
    township = village.parent.name if village.parent_id else ""
    return f"{township}{village.name}人民调解委员会"


def _who(party: DisputeParty) -> str:
    if party.member is not None:
        member = party.member
        parts = [member.name, member.get_sex_display(), member.ethnicity, f"身份证号{mask_id_number(member.id_number)}",
                 f"住{party.address or member.household.address or party.dispute.village.name}"]
    else:
        parts = [party.name, f"联系电话{mask_phone(party.phone)}" if party.phone else "",
                 f"住{party.address}" if party.address else ""]
    return "，".join(part for part in parts if part)


def _parties(doc: OfficialDocument, dispute: Dispute) -> None:
    for party in dispute.parties.all():
        doc.body(f"{party.get_side_display()}：{_who(party)}")


def _day(value) -> str:
    return date_cn(value) if value else "—"


def case_file_docx(dispute: Dispute) -> bytes:
    doc = OfficialDocument()
    doc.title("矛盾纠纷调解案卷", subtitle=f"{dispute.case_no}")
    rows = [
        ["调解组织", _committee(dispute)], ["案由", dispute.title], ["纠纷类别", dispute.get_category_display()],
        ["风险等级", dispute.get_risk_display()], ["受理方式", dispute.get_intake_display()],
        ["发现日期", _day(dispute.arose_on)], ["报告日期", _day(dispute.reported_on)],
        ["调处层级", dispute.get_level_display()], ["调解员", dispute.mediator or "—"],
        ["调解结果", dispute.get_result_display() if dispute.result else "未办结"],
        ["办结日期", _day(dispute.concluded_on)],
    ]
    doc.table(["项目", "内容"], rows, widths_mm=[40, 116])
    doc.heading1("一、当事人")
    _parties(doc, dispute)
    doc.heading1("二、纠纷简要情况")
    doc.body(dispute.summary)
    doc.heading1("三、办理经过")
    doc.table(["环节", "日期", "经办人", "情况"],
              [[step.get_step_display(), f"{step.done_on:%Y-%m-%d}", str(step.by or "—"), step.note or "—"]
               for step in dispute.steps.all()], widths_mm=[28, 26, 26, 76])
    if dispute.result:
        doc.heading1("四、调解结果")
        doc.body(f"{dispute.get_result_display()}。{dispute.mediation_record}")
        if dispute.agreement:
            amount = f"，金额 {dispute.amount} 元" if dispute.amount is not None else ""
            doc.body(f"达成{dispute.get_agreement_display()}{amount}：{dispute.agreement_terms}")
            doc.body(f"履行期限：{_day(dispute.perform_by)}；履行情况："
                     f"{'已于' + date_cn(dispute.performed_on) + '履行' if dispute.performed_on else '尚未登记履行'}。")
        doc.body(f"回访：{date_cn(dispute.follow_up_on) + '，' + dispute.follow_up_note if dispute.follow_up_on else '尚未回访'}。")
        if dispute.judicial_applied_on:
            doc.body(f"司法确认：{date_cn(dispute.judicial_applied_on)}向{dispute.judicial_court}申请。")
    doc.signature(issuer=_committee(dispute), day=timezone.localdate())
    return doc.save()


def agreement_docx(dispute: Dispute) -> bytes:
    """人民调解协议书 of a case mediated to a written agreement."""
    doc = OfficialDocument()
    doc.title("人民调解协议书", subtitle=f"编号：{dispute.case_no}")
    _parties(doc, dispute)
    doc.heading1("纠纷主要事实、争议事项：")
    doc.body(dispute.summary)
    doc.heading1("经调解，自愿达成如下协议：")
    doc.body(dispute.agreement_terms)
    if dispute.amount is not None:
        doc.body(f"协议金额：人民币 {dispute.amount} 元。")
    doc.heading1("履行方式、时限：")
    doc.body(f"于{_day(dispute.perform_by)}前履行完毕。" if dispute.perform_by else "协议生效后即时履行。")
    doc.body("本协议经双方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章后生效。"
             "当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。")
    doc.body("本协议一式三份，双方当事人、人民调解委员会各持一份。")
    for party in dispute.parties.all():
        doc.body(f"{party.get_side_display()}（签名盖章或按指印）：")
    doc.body(f"人民调解员（签名）：{dispute.mediator}")
    doc.signature(issuer=f"{_committee(dispute)}（印）", day=dispute.concluded_on or timezone.localdate())
    return doc.save()
