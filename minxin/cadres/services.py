"""Writes for sending units, cadres, assignments, insurance and leave. Each is atomic, checks the
actor's capability and scope, and writes an audit event."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.cadres.models import Assignment, Cadre, Insurance, LeaveRequest, SendingUnit, UnitStaff
from minxin.core import sealing
from minxin.core.audit import audit_record, changed_fields, locked, snapshot
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.guards import check_model, require, require_scope
from minxin.core.identifiers import InvalidIdentifier, parse_id_number
from minxin.core.masking import kept
from minxin.core.pinyin import pinyin_key
from minxin.core.validation import check_phone
from minxin.regions import codes
from minxin.regions.models import Region


def _clean_identity(*, id_number: str, phone: str, cadre: Cadre | None) -> tuple:
    """(parsed ID number or None if the stored one is kept, phone)."""
    person = None
    if cadre is None or not kept(id_number, cadre.id_number):
        try:
            person = parse_id_number(id_number)
        except InvalidIdentifier as exc:
            raise DomainError("invalid_id_number", str(exc), field="id_number") from None
    if cadre is None or not kept(phone, cadre.phone):
        phone = check_phone(phone)
    return person, phone


# --- sending units ---------------------------------------------------------------------------

@transaction.atomic
def sending_unit_save(*, actor: User | None, unit: SendingUnit | None = None, name: str, level: str, kind: str,
                      contact_name: str = "", contact_phone: str = "") -> SendingUnit:
    """Create (unit=None) or change a sending unit; county administrators only."""
    if not (may_manage_units(actor) if unit is None else may_manage_unit(actor, unit)):
        raise PermissionDenied(_("派出单位由县级管理员维护。"))
    # A unit serves its administrator's county (the deployment's county for a command).
    county = unit.county_code if unit is not None else (
        actor.scope_id if actor is not None and actor.scope_id else settings.MINXIN_COUNTY_CODE)
    clash = SendingUnit.objects.filter(county_code=county, name=name)
    if (clash if unit is None else clash.exclude(pk=unit.pk)).exists():
        raise DomainError("duplicate_name", _("已有同名派出单位“%(name)s”。") % {"name": name}, field="name")
    if not (unit is not None and kept(contact_phone, unit.contact_phone)):
        contact_phone = check_phone(contact_phone, field="contact_phone")
    creating = unit is None
    if unit is None:
        unit, before = SendingUnit(county_code=county), {}
    else:
        unit = locked(unit)
        before = snapshot(unit)
    unit.name, unit.level, unit.kind = name, level, kind
    unit.contact_name, unit.contact_phone = contact_name, contact_phone
    check_model(unit)
    unit.save()
    old, new = changed_fields(before, snapshot(unit))
    audit_record(actor=actor, action="sending_unit.create" if creating else "sending_unit.update", obj=unit,
                 region_code=unit.county_code, before=old or None, after=new)
    return unit


def may_manage_units(actor: User | None) -> bool:
    """Sending units are county-level organisations that serve villages of several townships, so
    only a cadre manager whose scope is the whole county (the county administrator) keeps them; a
    township administrator also manages cadres, but only those of its own villages (SPEC §1)."""
    if actor is None:  # the system: a command or a job, acting for the county
        return True
    return bool(actor.can(roles.MANAGE_CADRES) and actor.scope is not None and actor.scope.level == codes.COUNTY)


def may_manage_unit(actor: User | None, unit: SendingUnit) -> bool:
    """`may_manage_units`, for a unit of the administrator's own county."""
    return may_manage_units(actor) and (actor is None or actor.in_scope(unit.county_code))


def may_manage_staff(actor: User | None, unit: SendingUnit) -> bool:
    """The county administrator (`may_manage_unit`), or the unit's own liaison, keep its list of
    helping staff. A township administrator may not: the staff pair households in villages of other
    townships too."""
    return may_manage_unit(actor, unit) or (
        actor is not None and actor.role == Role.SENDING_UNIT and actor.is_active
        and actor.sending_unit_id == unit.pk)


@transaction.atomic
def unit_staff_save(*, actor: User | None, unit: SendingUnit, name: str, position: str = "") -> UnitStaff:
    """Add a staff member who helps paired households (or take back one who left)."""
    if not may_manage_staff(actor, unit):
        raise PermissionDenied(_("单位帮扶干部由县级管理员或本单位联络员维护。"))
    name, position = (name or "").strip(), (position or "").strip()
    if not name:
        raise DomainError("name_required", _("请填写姓名。"), field="name")
    staff = UnitStaff.objects.select_for_update().filter(sending_unit=unit, name=name).first()
    if staff is not None and staff.active:
        raise DomainError("duplicate_name", _("本单位已有帮扶干部“%(name)s”。") % {"name": name}, field="name")
    staff = staff or UnitStaff(sending_unit=unit, name=name)
    staff.position, staff.active, staff.name_pinyin = position, True, pinyin_key(name)
    check_model(staff)
    staff.save()
    audit_record(actor=actor, action="unit_staff.save", obj=staff, after={"unit": unit.pk, "position": position})
    return staff


@transaction.atomic
def unit_staff_retire(*, actor: User | None, staff: UnitStaff) -> UnitStaff:
    """Take a staff member off the list (left the unit); households already paired keep the link."""
    if not may_manage_staff(actor, staff.sending_unit):
        raise PermissionDenied(_("单位帮扶干部由县级管理员或本单位联络员维护。"))
    UnitStaff.objects.filter(pk=staff.pk).update(active=False)
    staff.active = False
    audit_record(actor=actor, action="unit_staff.retire", obj=staff, before={"active": True}, after={"active": False})
    return staff


# --- cadres ----------------------------------------------------------------------------------

@transaction.atomic
def cadre_save(*, actor: User | None, cadre: Cadre | None = None, name: str, id_number: str, phone: str,
               sending_unit: SendingUnit, is_party_member: bool = True, post: str = "",
               region_code: str | None = None) -> Cadre:
    """Register a cadre (cadre=None) or change one. Sex and birth date come from the ID number."""
    require(actor, roles.MANAGE_CADRES)
    person, phone = _clean_identity(id_number=id_number, phone=phone, cadre=cadre)
    clash = Cadre.objects.filter(id_number_hash=sealing.digest(person.number)) if person else Cadre.objects.none()
    if (clash if cadre is None else clash.exclude(pk=cadre.pk)).exists():
        raise DomainError("duplicate_id_number", _("该身份证号已登记为其他驻村干部。"), field="id_number")
    creating = cadre is None
    if cadre is None:
        region_code = region_code or (actor.scope_id if actor is not None else None) or settings.MINXIN_COUNTY_CODE
        require_scope(actor, region_code, field="region_code")
        cadre, before = Cadre(region_code=region_code), {}
    else:
        cadre = locked(cadre)
        before = snapshot(cadre)
    cadre.name, cadre.phone = name.strip(), phone
    if person is not None:
        cadre.id_number, cadre.sex, cadre.birth_date = person.number, person.sex, person.birth_date
    cadre.sending_unit, cadre.is_party_member, cadre.post = sending_unit, is_party_member, post
    cadre.name_pinyin = pinyin_key(cadre.name)
    cadre.save()
    old, new = changed_fields(before, snapshot(cadre))
    audit_record(actor=actor, action="cadre.create" if creating else "cadre.update", obj=cadre,
                 region_code=cadre.region_code, before=old or None, after=new)
    return cadre


# --- assignments -----------------------------------------------------------------------------

def _overlapping(cadre: Cadre, start: datetime.date, end: datetime.date | None, exclude_pk: int | None = None) -> QuerySet[Assignment]:
    """Active assignments of the cadre whose period meets [start, end] (open end = ongoing)."""
    qs = cadre.assignments.filter(status=Assignment.Status.ACTIVE)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    return qs


def _sync_region_code(cadre: Cadre) -> None:
    """Let the village of the posting in effect today manage the cadre (or, with none in effect, its
    latest active posting; with no active posting, its last village stays). A posting planned for
    later must not take the cadre out of the township where it works now."""
    today = timezone.localdate()
    active = cadre.assignments.filter(status=Assignment.Status.ACTIVE)
    current = (active.filter(start_date__lte=today).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
               .order_by("-start_date", "-id").first())
    chosen = current or active.order_by("-start_date", "-id").first()
    if chosen is not None and chosen.village_id != cadre.region_code:
        cadre.region_code = chosen.village_id
        cadre.save(update_fields=["region_code", "updated_at"])


@transaction.atomic
def assignment_create(*, actor: User | None, cadre: Cadre, village: Region, role: str, start_date: datetime.date,
                      end_date: datetime.date | None = None) -> Assignment:
    """Post a cadre to a village. A cadre cannot hold two overlapping active assignments."""
    require(actor, roles.MANAGE_ASSIGNMENTS)
    if village.level != codes.VILLAGE:
        raise DomainError("not_a_village", _("驻村地点必须是村（社区）。"), field="village")
    require_scope(actor, village.code, field="village")
    if end_date is not None and end_date < start_date:
        raise DomainError("end_before_start", _("结束日期 %(end)s 早于开始日期 %(start)s。")
                          % {"end": end_date, "start": start_date}, field="end_date")
    # Lock the cadre so that two simultaneous postings cannot both pass the overlap check.
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    clash = _overlapping(cadre, start_date, end_date).select_related("village").first()
    if clash is not None:
        raise DomainError(
            "overlapping_assignment",
            _("%(name)s 已在 %(village)s 驻村（%(start)s 起），与新任职时间重叠；请先结束原任职。")
            % {"name": cadre.name, "village": clash.village.name, "start": clash.start_date},
            field="start_date",
        )
    assignment = Assignment.objects.create(
        cadre=cadre, village=village, role=role, start_date=start_date, end_date=end_date
    )
    before_region = cadre.region_code
    _sync_region_code(cadre)
    audit_record(actor=actor, action="assignment.create", obj=assignment, region_code=village.code,
                 before={"cadre_region": before_region}, after=snapshot(assignment))
    return assignment


@transaction.atomic
def assignment_end(*, actor: User | None, assignment: Assignment, end_date: datetime.date, reason: str,
                   recall: bool = False) -> Assignment:
    """End an active assignment at term (期满) or recall the cadre (召回, a reason is required)."""
    require(actor, roles.MANAGE_ASSIGNMENTS)
    require_scope(actor, assignment.village_id)
    assignment = locked(assignment)
    if assignment.status != Assignment.Status.ACTIVE:
        raise DomainError("not_active", _("该任职已结束，不能再次结束或召回。"))
    if end_date < assignment.start_date:
        raise DomainError("end_before_start", _("结束日期 %(end)s 早于开始日期 %(start)s。")
                          % {"end": end_date, "start": assignment.start_date}, field="end_date")
    if recall and not reason.strip():
        raise DomainError("reason_required", _("召回必须填写原因。"), field="reason")
    before = snapshot(assignment)
    assignment.status = Assignment.Status.RECALLED if recall else Assignment.Status.ENDED
    assignment.end_date, assignment.end_reason = end_date, reason.strip()
    assignment.save()
    _sync_region_code(assignment.cadre)
    old, new = changed_fields(before, snapshot(assignment))
    audit_record(actor=actor, action="assignment.recall" if recall else "assignment.end", obj=assignment,
                 region_code=assignment.village_id, before=old, after=new)
    return assignment


# --- insurance -------------------------------------------------------------------------------

@transaction.atomic
def insurance_record(*, actor: User | None, cadre: Cadre, policy_number: str, insurer: str, start_date: datetime.date,
                     end_date: datetime.date, premium: Decimal | None = None) -> Insurance:
    """Record an accident-insurance policy bought for a cadre (county, or the cadre's own unit)."""
    require(actor, roles.MANAGE_INSURANCE)
    if actor is not None and actor.role == Role.SENDING_UNIT and actor.sending_unit_id != cadre.sending_unit_id:
        raise PermissionDenied(_("只能为本单位的驻村干部登记保险。"))
    if end_date < start_date:
        raise DomainError("end_before_start", _("保险止期早于起期。"), field="end_date")
    if premium is not None and premium < 0:
        raise DomainError("negative_amount", _("保费不能为负数。"), field="premium")
    if Insurance.objects.filter(insurer=insurer.strip(), policy_number=policy_number.strip()).exists():
        raise DomainError("duplicate_policy", _("该保险公司的保单号 %(no)s 已登记。") % {"no": policy_number},
                          field="policy_number")
    policy = Insurance.objects.create(
        cadre=cadre, policy_number=policy_number.strip(), insurer=insurer.strip(),
        start_date=start_date, end_date=end_date, premium=premium,
    )
    audit_record(actor=actor, action="insurance.create", obj=policy, region_code=cadre.region_code,
                 after=snapshot(policy))
    return policy


# --- leave -----------------------------------------------------------------------------------

LEAVE_MAX_DAYS = 180  # one request; a longer absence ends or changes the posting
LEAVE_EARLIEST = datetime.date(2000, 1, 1)
LEAVE_AHEAD = datetime.timedelta(days=366)


def leave_level(days: int) -> str:
    return (LeaveRequest.Level.TOWNSHIP if days <= settings.MINXIN_LEAVE_TOWNSHIP_MAX_DAYS
            else LeaveRequest.Level.COUNTY)


@transaction.atomic
def leave_request(*, actor: User, cadre: Cadre, start_date: datetime.date, end_date: datetime.date,
                  reason: str) -> LeaveRequest:
    """File a leave request for a cadre (by the cadre itself, or an administrator on its behalf)."""
    require(actor, roles.REQUEST_LEAVE)
    if actor.role == Role.CADRE and cadre.user_id != actor.pk:
        raise PermissionDenied(_("只能为自己申请请假。"))
    if end_date < start_date:
        raise DomainError("end_before_start", _("结束日期早于开始日期。"), field="end_date")
    if not LEAVE_EARLIEST <= start_date <= timezone.localdate() + LEAVE_AHEAD:
        raise DomainError("start_unlikely", _("开始日期应在 2000 年以后、一年之内。"), field="start_date")
    if (end_date - start_date).days + 1 > LEAVE_MAX_DAYS:
        raise DomainError("leave_too_long", _("一次请假不超过 %(n)d 天；更长时间离岗，请调整驻村任职。") % {"n": LEAVE_MAX_DAYS},
                          field="end_date")
    if not reason.strip():
        raise DomainError("reason_required", _("请填写请假事由。"), field="reason")
    # The posting in effect when the leave starts (a later posting may already be planned).
    active = cadre.assignments.filter(status=Assignment.Status.ACTIVE)
    assignment = (active.filter(start_date__lte=start_date)
                  .filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
                  .order_by("-start_date").first()) or active.order_by("-start_date").first()
    if assignment is None:
        raise DomainError("not_assigned", _("%(name)s 当前没有在岗的驻村任职，无需请假。") % {"name": cadre.name})
    require_scope(actor, assignment.village_id)
    overlap = cadre.leaves.filter(
        status__in=[LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED],
        start_date__lte=end_date, end_date__gte=start_date,
    )
    if overlap.exists():
        raise DomainError("overlapping_leave", _("该时间段已有请假申请。"), field="start_date")
    days = (end_date - start_date).days + 1
    leave = LeaveRequest.objects.create(
        cadre=cadre, village_code=assignment.village_id, start_date=start_date, end_date=end_date, days=days,
        reason=reason.strip(), approval_level=leave_level(days), requested_by=actor,
    )
    audit_record(actor=actor, action="leave.request", obj=leave, region_code=leave.village_code,
                 after=snapshot(leave))
    return leave


@transaction.atomic
def leave_decide(*, actor: User, leave: LeaveRequest, approve: bool, note: str = "") -> LeaveRequest:
    """Approve or refuse. ≤ 3 days: the township; longer: the county (SPEC §4.1)."""
    needed = (roles.APPROVE_LEAVE_TOWNSHIP if leave.approval_level == LeaveRequest.Level.TOWNSHIP
              else roles.APPROVE_LEAVE_COUNTY)
    if not actor.can(needed):
        raise PermissionDenied(
            _("%(days)d 天的请假应由%(level)s。") % {"days": leave.days, "level": leave.get_approval_level_display()}
        )
    require_scope(actor, leave.village_code)
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if leave.status != LeaveRequest.Status.PENDING:
        raise DomainError("already_decided", _("该请假申请已处理（%(status)s）。") % {"status": leave.get_status_display()})
    if not approve and not note.strip():
        raise DomainError("note_required", _("不批准时请填写意见。"), field="note")
    leave.status = LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REJECTED
    leave.decided_by, leave.decided_at, leave.decision_note = actor, timezone.now(), note.strip()
    leave.save()
    audit_record(actor=actor, action="leave.approve" if approve else "leave.reject", obj=leave,
                 region_code=leave.village_code, before={"status": "pending"},
                 after={"status": leave.status, "note": leave.decision_note})
    return leave


@transaction.atomic
def cadre_link_user(*, actor: User | None, cadre: Cadre, user: User) -> Cadre:
    """Give a cadre its login (the account's role must be `cadre`)."""
    require(actor, roles.MANAGE_CADRES)
    if user.role != Role.CADRE:
        raise DomainError("wrong_role", _("只能关联角色为“驻村干部”的账号。"), field="user")
    cadre.user = user
    cadre.save(update_fields=["user", "updated_at"])
    audit_record(actor=actor, action="cadre.link_user", obj=cadre, region_code=cadre.region_code,
                 after={"user": user.username})
    return cadre
