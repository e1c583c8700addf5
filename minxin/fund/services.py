"""Writes of the fund up to its public notice: contributions (each a ledger transaction into the
county's available balance), the expert pool, applications and their budget lines (every line
checked against the negative list), submission by the village, the township's check, the public
notice and the objections raised during it. Panels, scores, decisions and tranches are in
`services_grant`. Every write is an audit event."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.cadres.models import SendingUnit
from minxin.core.audit import audit_record, changed_fields, locked, snapshot
from minxin.core.errors import DomainError
from minxin.core.guards import acting_user, require, require_scope
from minxin.core.validation import check_text, not_before, past_date
from minxin.fund import books
from minxin.fund.models import Application, BudgetLine, Contribution, Expert, Objection
from minxin.fund.rules import BARRED_CATEGORIES, CHECKLIST, CHECKLIST_CODES, LINE_CATEGORIES, barred_word
from minxin.ledger import services as ledger
from minxin.ledger.money import to_fen, to_yuan
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry.models import Household

State = Application.State
MAX_LINES = 50
CATEGORY_LABELS = dict(LINE_CATEGORIES)


def _county_of(actor: User | None, county_code: str) -> str:
    if codes.level_of(county_code) != codes.COUNTY:
        raise DomainError("not_county", _("基金按县设立，请选择县。"))
    require_scope(actor, county_code)
    return county_code


def contribution_record(*, actor: User | None, county_code: str, source: str, donor: str, amount: object,
                        received_on: datetime.date, receipt_no: str, memo: str = "",
                        idempotency_key: str | None = None) -> Contribution:
    """Money received into the fund (the county's), from a government, enterprise or society source."""
    require(actor, roles.MANAGE_FUND)
    county = _county_of(actor, county_code)
    if source not in Contribution.Source.values:
        raise DomainError("bad_source", _("资金来源不正确。"), field="source")
    donor = check_text(donor, field="donor", required=True, max_length=100)
    receipt_no = check_text(receipt_no, field="receipt_no", required=True, max_length=64)
    memo = check_text(memo, field="memo", max_length=200)
    fen = to_fen(amount)
    past_date(received_on, "received_on")
    label = Contribution.Source(source).label
    posting: dict[str, Any] = {"kind": "fund.contribution", "region_code": county, "occurred_on": received_on,
               "memo": (_("%(donor)s（%(source)s）收据 %(no)s") % {"donor": donor, "source": label, "no": receipt_no})[:200],
               "legs": [(books.available(county), fen), (books.income(county, source, str(label)), -fen)],
               "idempotency_key": ledger.caller_key(actor, idempotency_key)}
    with transaction.atomic():
        earlier = ledger.replayed(**posting)
        if earlier is not None:
            return Contribution.objects.get(transaction=earlier)
        if Contribution.objects.filter(county_code=county, receipt_no=receipt_no).exists():
            raise DomainError("receipt_used", _("收据编号 %(no)s 已登记过。") % {"no": receipt_no}, field="receipt_no")
        posted = ledger.post(actor=acting_user(actor), **posting)
        contribution = Contribution.objects.create(
            county_code=county, source=source, donor=donor, amount_fen=fen, received_on=received_on,
            receipt_no=receipt_no, memo=memo, transaction=posted, recorded_by=acting_user(actor))
        audit_record(actor=actor, action="fund.contribution", obj=contribution, region_code=county,
                     after={"source": source, "donor": donor, "amount": str(to_yuan(fen)), "receipt_no": receipt_no})
    return contribution


@transaction.atomic
def expert_save(*, actor: User | None, county_code: str, name: str, organisation: str, specialty: str = "",
                user: User | None = None, sending_unit: SendingUnit | None = None,
                tied_villages: Iterable[Region] = (), active: bool = True,
                expert: Expert | None = None) -> Expert:
    """Add an expert to the county's pool, or correct one (who it may not judge included)."""
    require(actor, roles.MANAGE_FUND)
    county = _county_of(actor, county_code)
    fields = {"name": check_text(name, field="name", required=True, max_length=64),
              "organisation": check_text(organisation, field="organisation", required=True, max_length=100),
              "specialty": check_text(specialty, field="specialty", max_length=100), "user": user,
              "sending_unit": sending_unit, "active": bool(active)}
    others = Expert.objects.filter(user=user).exclude(pk=expert.pk) if expert else Expert.objects.filter(user=user)
    if user is not None and (user.role != "expert" or others.exists() or not user.scope_id
                             or not user.scope_id.startswith(codes.prefix_of(county))):
        raise DomainError("bad_user", _("登录账号须是本县的评审专家角色，且未关联其他专家。"), field="user")
    villages = list(tied_villages)
    if any(not village.code.startswith(county[:6]) or village.level != codes.VILLAGE for village in villages):
        raise DomainError("bad_village", _("回避的村须是本县的村。"), field="tied_villages")
    if expert is None:
        expert = Expert.objects.create(county_code=county, **fields)
        before: dict = {}
    else:
        expert = locked(expert)
        before = {**snapshot(expert), "tied_villages": sorted(expert.tied_villages.values_list("code", flat=True))}
        for key, value in fields.items():
            setattr(expert, key, value)
        expert.save()
    expert.tied_villages.set(villages)
    after = {**snapshot(expert), "tied_villages": sorted(v.code for v in villages)}
    changed_before, changed_after = changed_fields(before, after)
    audit_record(actor=actor, action="fund.expert", obj=expert, region_code=county, before=changed_before,
                 after=changed_after)
    return expert


@dataclass(frozen=True)
class Line:
    category: str
    item: str
    amount: object


def _lines(lines: list[Line]) -> list[tuple[str, str, int]]:
    """Budget lines checked one by one (the row named in every message): a known category not on
    the negative list, a description without a barred word, an amount in whole fen above zero."""
    if not lines:
        raise DomainError("no_lines", _("请至少填写一条预算明细。"), field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError("too_many_lines", _("预算明细最多 %(n)d 条。") % {"n": MAX_LINES}, field="lines")
    checked = []
    for row, line in enumerate(lines, start=1):
        if line.category not in CATEGORY_LABELS:
            raise DomainError("bad_category", _("第 %(row)d 条预算：支出类别不正确。") % {"row": row}, field="lines")
        item = check_text(line.item, field="lines", required=True, max_length=100)
        word = barred_word(item)
        if line.category in BARRED_CATEGORIES or word:
            raise DomainError("negative_list", _("第 %(row)d 条预算“%(item)s”属于负面清单（%(what)s），扶贫资金不得用于"
                                                 "行政经费、交通工具和通讯设备、楼堂馆所、偿还债务、弥补企业亏损"
                                                 "（财农〔2017〕8号）。") % {
                "row": row, "item": item, "what": word or CATEGORY_LABELS[line.category]}, field="lines")
        try:
            fen = to_fen(line.amount, field="lines")
        except DomainError as exc:
            raise DomainError(exc.code, _("第 %(row)d 条预算：%(reason)s") % {"row": row, "reason": exc.message},
                              field="lines") from None
        checked.append((line.category, item, fen))
    return checked


def _beneficiary(actor: User | None, village: Region, beneficiary: str, household_id: int | None) -> Household | None:
    if beneficiary not in Application.Beneficiary.values:
        raise DomainError("bad_beneficiary", _("受益对象不正确。"), field="beneficiary")
    if beneficiary == Application.Beneficiary.VILLAGE:
        return None
    household = Household.objects.filter(pk=household_id, village=village).first() if household_id else None
    if household is None or (actor is not None and not actor.in_scope(household.village_id)):
        raise DomainError("household_required", _("贫困户、贫困党员申报须选择本村的建档户。"), field="household")
    return household


def _number(village: Region, year: int) -> str:
    count = Application.objects.filter(number__startswith=f"{year}{village.code[6:9]}").count() + 1
    return f"{year}{village.code[6:9]}{count:05d}"


def application_save(*, actor: User | None, village: Region, title: str, beneficiary: str, kind: str, plan: str,
                     mechanism: str, targets: str, beneficiaries: int, lines: list[Line],
                     household_id: int | None = None, application: Application | None = None) -> Application:
    """Draft an application (or correct a draft, or one the township returned): the village's
    proposal with its plan, mechanism, targets and budget lines; the amount requested is their sum."""
    require(actor, roles.APPLY_FUND)
    require_scope(actor, village.code, field="village")
    if village.level != codes.VILLAGE:
        raise DomainError("not_village", _("请选择申报的村。"), field="village")
    if kind not in Application.Kind.values:
        raise DomainError("bad_kind", _("项目类型不正确。"), field="kind")
    if not isinstance(beneficiaries, int) or not 0 <= beneficiaries <= 100000:
        raise DomainError("bad_count", _("带动贫困户数不正确。"), field="beneficiaries")
    fields = {"title": check_text(title, field="title", required=True, max_length=100),
              "plan": check_text(plan, field="plan", required=True),
              "mechanism": check_text(mechanism, field="mechanism", required=True),
              "targets": check_text(targets, field="targets", required=True), "kind": kind,
              "beneficiary": beneficiary, "beneficiaries": beneficiaries,
              "household": _beneficiary(actor, village, beneficiary, household_id)}
    checked = _lines(lines)
    fields["requested_fen"] = sum(fen for _c, _i, fen in checked)
    with transaction.atomic():
        if application is None:
            for _attempt in range(3):
                try:
                    with transaction.atomic():
                        application = Application.objects.create(
                            village=village, number=_number(village, timezone.localdate().year),
                            created_by=acting_user(actor), **fields)
                    break
                except IntegrityError:
                    continue  # another draft took the number: take the next
            else:
                raise DomainError("busy", _("申报编号冲突，请重试。"))
            before: dict = {}
        else:
            application = locked(application)
            if application.state not in (State.DRAFT, State.RETURNED) or application.village_id != village.code:
                raise DomainError("not_editable", _("只有拟报或被退回的申报可以修改。"))
            before = snapshot(application)
            for key, value in fields.items():
                setattr(application, key, value)
            application.save()
        stored = list(application.lines.order_by("id").values_list("category", "item", "amount_fen"))
        if stored != checked:  # saved untouched, the lines stay the rows they were
            application.lines.all().delete()
            BudgetLine.objects.bulk_create([BudgetLine(application=application, category=c, item=i, amount_fen=fen)
                                            for c, i, fen in checked])
        changed_before, changed_after = changed_fields(before, snapshot(application))
        audit_record(actor=actor, action="fund.application_save", obj=application, region_code=village.code,
                     before=changed_before, after={**changed_after, "lines": len(checked)})
    return application


def _move(actor: User | None, application: Application, *, allowed: tuple[str, ...], to: str, action: str, rule: str,
          **fields: Any) -> Application:
    application = locked(application)
    if application.state not in allowed:
        raise DomainError("bad_state", rule)
    application.state = to
    for key, value in fields.items():
        setattr(application, key, value)
    application.save()
    audit_record(actor=actor, action=action, obj=application, region_code=application.village_id,
                 after={"state": to, **{key: str(value) for key, value in fields.items()}})
    return application


@transaction.atomic
def application_submit(*, actor: User | None, application: Application, on: datetime.date) -> Application:
    """The village sends its proposal to the township."""
    require(actor, roles.APPLY_FUND)
    require_scope(actor, application.village_id)
    past_date(on, "on")
    return _move(actor, application, allowed=(State.DRAFT, State.RETURNED), to=State.SUBMITTED,
                 action="fund.submit", rule=_("只有拟报或被退回的申报可以报送乡镇。"), submitted_on=on)


@transaction.atomic
def application_check(*, actor: User | None, application: Application, on: datetime.date,
                      results: dict[str, bool], notes: dict[str, str] | None = None) -> Application:
    """The township's check on every item of the checklist: all passed, the application goes on to
    the county; any failed, it returns to the village with the notes."""
    require(actor, roles.CHECK_FUND)
    require_scope(actor, application.village_id)
    application = locked(application)
    if application.state != State.SUBMITTED:
        raise DomainError("bad_state", _("只有待乡镇审核的申报可以审核。"))
    past_date(on, "on")
    not_before(on, application.submitted_on, field="on", what=_("报送日期"))
    if set(results) != set(CHECKLIST_CODES) or not all(isinstance(v, bool) for v in results.values()):
        raise DomainError("check_incomplete", _("请逐项填写审核结论。"), field="results")
    notes = {code: check_text((notes or {}).get(code, ""), field=f"note_{code}", max_length=500)
             for code in CHECKLIST_CODES}
    failed = [str(label) for code, label in CHECKLIST if not results[code]]
    if failed and not any(notes.values()):
        raise DomainError("reason_required", _("未通过的审核项请写明理由，以便村里修改。"), field="results")
    check = {code: {"passed": results[code], "note": notes[code]} for code in CHECKLIST_CODES}
    return _move(actor, application, allowed=(State.SUBMITTED,), to=State.RETURNED if failed else State.CHECKED,
                 action="fund.check", rule=_("只有待乡镇审核的申报可以审核。"), checked_on=on, check_result=check)


def notice_end(start: datetime.date) -> datetime.date:
    """The last day of a public notice that starts on `start` (MINXIN_FUND_NOTICE_DAYS days in all)."""
    return start + datetime.timedelta(days=max(settings.MINXIN_FUND_NOTICE_DAYS - 1, 0))


@transaction.atomic
def notice_start(*, actor: User | None, application: Application, on: datetime.date) -> Application:
    """Post a checked application publicly (its experts may be drawn from then on)."""
    require(actor, roles.MANAGE_FUND)
    require_scope(actor, application.village_id)
    if on < timezone.localdate():
        raise DomainError("past_notice", _("公示不能从过去的日期开始。"), field="on")
    if on > timezone.localdate() + datetime.timedelta(days=30):
        raise DomainError("far_notice", _("公示开始日期最多提前 30 天安排。"), field="on")
    return _move(actor, application, allowed=(State.CHECKED,), to=State.NOTICE, action="fund.notice",
                 rule=_("只有乡镇审核通过的申报可以公示。"), notice_from=on, notice_until=notice_end(on))


def in_notice(application: Application, day: datetime.date) -> bool:
    """Whether `day` falls in the application's notice or its decision's notice."""
    if application.notice_from and application.notice_from <= day <= (application.notice_until or day):
        return True
    return bool(application.decided_on and application.decision_notice_until
                and application.decided_on <= day <= application.decision_notice_until)


@transaction.atomic
def objection_record(*, actor: User | None, application: Application, received_on: datetime.date, content: str,
                     raised_by: str = "", answer: str = "") -> Objection:
    """An objection raised while the application or its decision is posted (a name is optional)."""
    require(actor, roles.MANAGE_FUND)
    require_scope(actor, application.village_id)
    past_date(received_on, "received_on")
    if not in_notice(application, received_on):
        raise DomainError("not_in_notice", _("异议须在公示期内提出。"), field="received_on")
    objection = Objection.objects.create(
        application=application, received_on=received_on, content=check_text(content, field="content", required=True),
        raised_by=check_text(raised_by, field="raised_by", max_length=64), answer=check_text(answer, field="answer"),
        recorded_by=acting_user(actor))
    audit_record(actor=actor, action="fund.objection", obj=objection, region_code=application.village_id,
                 after={"received_on": received_on.isoformat()})
    return objection
