"""The branch's record (村党组织档案) as .docx, in the layout of the county's official documents
(core.officialdoc): the branch and its committees, members by category, the year's organisational
life (held and missed by kind), the development cases, reserve cadres, its warning and why, and its
rectifications. People are named only — no identifier, no birth date."""

import datetime

from minxin.core.officialdoc import OfficialDocument, date_cn
from minxin.party import selectors
from minxin.party.models import Branch, PartyMember
from minxin.party.rules import branch_kind
from minxin.regions import issuers


def branch_record(branch: Branch, *, user, today: datetime.date) -> bytes:
    members = list(selectors.members(branch))
    doc = OfficialDocument()
    doc.title(f"{branch.name}档案", subtitle=f"截至{date_cn(today)}")
    doc.heading1("一、基本情况")
    full = sum(1 for member in members if member.status == PartyMember.Status.FULL)
    doc.body(f"{branch.village.parent.name}{branch.village.name}，{branch_kind(len(members))}，"
             f"{'成立于' + date_cn(branch.founded_on) + '，' if branch.founded_on else ''}"
             f"现有党员 {len(members)} 名（正式党员 {full} 名、预备党员 {len(members) - full} 名）。"
             f"{'联建单位：' + branch.joint_unit.name + '。' if branch.joint_unit else ''}"
             f"{'联系机关单位：' + branch.contact_unit.name + '。' if branch.contact_unit else ''}")
    posts = list(selectors.posts(branch))
    if posts:
        doc.table(["班子", "职务", "任职人", "届期"], [
            [post.get_committee_display(), post.get_title_display(),
             post.holder.name if post.holder else f"空缺（{post.vacant_since:%Y-%m-%d} 起）", f"{post.term_start}—{post.term_end}"]
            for post in posts], widths_mm=[40, 26, 50, 40])
    doc.heading1(f"二、{today.year} 年组织生活")
    doc.table(["类别", "应开展", "已开展", "未开展"], [
        [str(row["label"]), str(sum(1 for cell in row["cells"] if cell["state"] in ("held", "missed", "due"))),
         str(row["held"]), str(row["missed"])] for row in selectors.calendar(branch, today.year, today)],
        widths_mm=[60, 32, 32, 32])
    doc.heading1("三、发展党员")
    cases = list(selectors.cases(user=user, branch=branch)[:100])
    if cases:
        doc.table(["姓名", "阶段", "递交申请", "进入本阶段", "规定版本"], [
            [case.person.name, case.get_stage_display(), f"{case.applied_on:%Y-%m-%d}", f"{case.stage_on:%Y-%m-%d}",
             case.rules_version] for case in cases], widths_mm=[30, 30, 32, 32, 32])
    else:
        doc.body("无发展党员记录。")
    doc.heading1("四、后备干部和领头雁")
    reserves = list(selectors.reserves(user=user, region=branch.village_id))
    if reserves:
        doc.table(["姓名", "类别", "纳入日期", "培养结果"], [
            [reserve.person.name, reserve.get_pool_display(), f"{reserve.since:%Y-%m-%d}", reserve.get_outcome_display()]
            for reserve in reserves], widths_mm=[36, 40, 40, 40])
    else:
        doc.body("无。")
    doc.heading1("五、预警与整顿")
    warning = selectors.latest_warning(branch)
    if warning is None or not warning.level:
        doc.body("目前无软弱涣散预警。")
    else:
        doc.body(f"{date_cn(warning.computed_on)}计算为 {warning.level} 级预警：" + "；".join(
            f"{fact['label']}（{fact['detail']}）" for fact in warning.facts) + "。")
    for rect in selectors.rectifications(user=user, branch=branch):
        state = (f"已于{date_cn(rect.accepted_on)}验收（{rect.score} 分）" if rect.accepted_on else
                 f"整改事项 {rect.item_count} 项，已销号 {rect.done_count} 项")
        doc.body(f"{rect.year} 年列入软弱涣散整顿（{date_cn(rect.listed_on)}），联系县领导{rect.leader}，"
                 f"结对共建单位{rect.unit.name}；{state}。")
    doc.signature(issuer=issuers.organisation_department(issuers.county_name(branch.village_id)), day=today)
    return doc.save()
