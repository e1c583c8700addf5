"""Writes to the household and village records. Each is atomic, checks the actor's right and scope,
refuses a stale edit (optimistic `version`), and writes an audit event.

Member, registration, income, checklist, helper and care events are recorded against the household
(object_type "registry.household"), so a household's history is one indexed query.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts.models import User
from minxin.cadres.models import Cadre
from minxin.cadres.selectors import village_unit_staff
from minxin.core import sealing
from minxin.core.audit import audit_record, changed_fields, locked, snapshot
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.guards import require_scope
from minxin.core.identifiers import InvalidIdentifier, parse_id_number
from minxin.core.masking import kept
from minxin.core.pinyin import pinyin_key
from minxin.core.privacy import check_identifiers, log_identifier_matches
from minxin.core.validation import check_phone, check_text
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry import choices, derive, permissions
from minxin.registry.io.rows import RowError, parse_group, parse_number
from minxin.registry.models import (
    CareOverride,
    Checklist,
    ChecklistChange,
    Helper,
    Household,
    Income,
    Member,
    Registration,
    VillageFile,
)

HOUSEHOLD_TYPE = "registry.household"
MEMBER_FIELDS = ["name", "relation", "ethnicity", "education", "school_status", "health", "labour", "migrant",
                 "migrant_months", "medical_insurance", "pension_insurance", "dibao", "extreme_support", "disabled",
                 "family_planning", "party_member"]


class Conflict(DomainError):
    """Someone else saved the record since this edit began."""

    status = 409

    def __init__(self, current_version: int):
        super().__init__("conflict", _("此记录已被他人修改（当前版本 %(v)d），您的修改未保存。下面显示的是最新数据，请核对后重新填写。")
                         % {"v": current_version})
        self.current_version = current_version


def _require_edit(actor: User | None) -> None:
    if actor is not None and not permissions.can_edit(actor):
        raise PermissionDenied(_("您的角色不能修改户档案。"))


def _event(actor: User | None, action: str, household: Household, *, before: Any = None, after: Any = None) -> None:
    audit_record(actor=actor, action=action, object_type=HOUSEHOLD_TYPE, object_id=str(household.pk),
                 object_repr=str(household)[:255], region_code=household.village_id, before=before or None,
                 after=after)


def _claim_version(household: Household, version: int | None) -> None:
    """Move the household to its next version, if it is still at `version` (else Conflict)."""
    if version is None:
        version = household.version
    updated = Household.objects.filter(pk=household.pk, version=version).update(version=F("version") + 1)
    if not updated:
        current = Household.objects.filter(pk=household.pk).values_list("version", flat=True).first() or 0
        raise Conflict(current)
    household.version = version + 1


def clean_id_number(value: str, *, actor: Any = None, exclude_pk: int | None = None) -> Any:
    """The parsed ID number, or DomainError(field="id_number") saying why not, in Chinese."""
    try:
        person = parse_id_number(value)
    except InvalidIdentifier as exc:
        raise DomainError("invalid_id_number", str(exc), field="id_number") from None
    # Typing guesses and watching for "already registered" would confirm a masked number's hidden
    # digits: checks by roles that may not reveal are limited, and the hits logged.
    check_identifiers(actor=actor)
    others = Member.objects.filter(id_number_hash=sealing.digest(person.number))
    clash = (others if exclude_pk is None else others.exclude(pk=exclude_pk)).select_related("household").first()
    if clash is not None:
        log_identifier_matches(actor=actor, numbers=[person.number])
        if actor is None or actor.in_scope(clash.village_code):
            message = _("此人已登记在户 %(number)s（户主 %(head)s）；一人只能属于一户。") % {
                "number": clash.household.number, "head": clash.household.head_name}
        else:
            message = _("此人已登记在其他户（不在您的管辖范围内）；一人只能属于一户。")
        raise DomainError("duplicate_person", message, field="id_number")
    return person


def _clean_number(value: str) -> str:
    try:
        return parse_number(value or "")
    except RowError as exc:
        raise DomainError("invalid_number", str(exc), field="number") from None


def _clean_group(value: str) -> str:
    """The same normal form as the importer ("3" → "3组"), so export → import changes nothing."""
    try:
        return parse_group((value or "").strip())
    except RowError as exc:
        raise DomainError("invalid_group", str(exc), field="group") from None


def household_refresh(household: Household) -> None:
    """Recompute the columns derived from the members (head, search key, flags, care)."""
    members = list(household.members.all())
    overrides = dict(household.care_overrides.values_list("category", "value"))
    fields = derive.household_fields(members, overrides)
    for name, value in fields.items():
        setattr(household, name, value)
    Household.objects.filter(pk=household.pk).update(**fields)


def households_refresh_all(*, today: datetime.date | None = None, batch: int = 1000) -> int:
    """Recompute every household's derived columns as of `today` and write those that changed;
    returns how many changed. Ages move on (a child turns 16, a man 60) and rules change, so this
    runs daily (`minxin refresh-households`). Each batch that changes households commits them with
    its audit event (without a region: the dashboard counts every county's households again in one
    pass), so a pass cut off halfway leaves no change unrecorded."""
    today = today or timezone.localdate()
    changed = 0
    last = 0
    while ids := list(Household.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]):
        last = ids[-1]
        members: dict[int, list[Member]] = {}
        for member in Member.objects.filter(household_id__in=ids).order_by("household", "id"):
            members.setdefault(member.household_id, []).append(member)
        overrides: dict[int, dict[str, bool]] = {}
        for household_id, category, value in (CareOverride.objects.filter(household_id__in=ids)
                                              .values_list("household_id", "category", "value")):
            overrides.setdefault(household_id, {})[category] = value
        stale = []
        for row in Household.objects.filter(pk__in=ids).only("pk", *derive.DERIVED_FIELDS):
            fields = derive.household_fields(members.get(row.pk, []), overrides.get(row.pk), today)
            if any(getattr(row, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(row, name, value)
                stale.append(row)
        if stale:
            with transaction.atomic():
                Household.objects.bulk_update(stale, derive.DERIVED_FIELDS, batch_size=batch)
                audit_record(actor=None, action="household.refresh_all", object_type="registry.household",
                             object_repr=f"{today:%Y-%m-%d}", after={"changed": len(stale)})
            changed += len(stale)
    return changed


# --- households -----------------------------------------------------------------------------------

def household_create(*, actor: User | None, village: Region, number: str, group: str = "", address: str = "", phone: str = "",
                     lat: Decimal | None = None, lon: Decimal | None = None, head: dict) -> Household:
    """Register a household with its head (a household always has exactly one head)."""
    _require_edit(actor)
    if village.level != codes.VILLAGE:
        raise DomainError("not_a_village", _("请选择一个村（社区）。"), field="village")
    require_scope(actor, village.code, field="village")
    number, group = _clean_number(number), _clean_group(group)
    # Checked before the transaction: a refused guess still counts against the limit and stays logged.
    person = clean_id_number(head["id_number"], actor=actor)
    with transaction.atomic():
        if Household.objects.filter(number=number).exists():
            raise DomainError("duplicate_number", _("户编号 %(n)s 已被使用。") % {"n": number}, field="number")
        household = Household.objects.create(village=village, number=number, group=group, address=address,
                                             phone=check_phone(phone), lat=lat, lon=lon)
        Member.objects.create(household=household, village_code=village.code, id_number=person.number,
                              sex=person.sex, birth_date=person.birth_date,
                              name_pinyin=pinyin_key(head["name"]),
                              **{**{k: v for k, v in head.items() if k in MEMBER_FIELDS},
                                 "relation": choices.Relation.HEAD})
        household_refresh(household)
        _event(actor, "household.create", household, after=snapshot(household, exclude=("search_key",)))
        return household


@transaction.atomic
def household_update(*, actor: User | None, household: Household, version: int, group: str, address: str, phone: str,
                     lat: Decimal | None, lon: Decimal | None) -> Household:
    _require_edit(actor)
    household = locked(household)
    before = snapshot(household, exclude=("search_key",))
    _claim_version(household, version)
    address = check_text(address, field="address", max_length=Household._meta.get_field("address").max_length)
    phone = phone if kept(phone, household.phone) else check_phone(phone)
    household.group, household.address, household.phone = _clean_group(group), address, phone
    household.lat, household.lon = lat, lon
    household.save(update_fields=["group", "address", "phone", "lat", "lon", "updated_at"])
    old, new = changed_fields(before, snapshot(household, exclude=("search_key",)))
    _event(actor, "household.update", household, before=old, after=new)
    return household


# --- members --------------------------------------------------------------------------------------

def member_save(*, actor: User | None, household: Household, version: int, member: Member | None = None, id_number: str,
                **fields: Any) -> Member:
    """Add a member (member=None) or change one. Sex and birth date come from the ID number.

    Making someone the head turns the former head into "其他" (and says so in the log): a household
    keeps exactly one head at every moment.
    """
    _require_edit(actor)
    months = fields.get("migrant_months")
    if months is not None and not (isinstance(months, int) and 0 <= months <= 12):
        raise DomainError("invalid_months", _("务工时间应为 0–12 的整数（月）。"), field="migrant_months")
    # Checked before the transaction: a refused guess still counts against the limit and stays logged.
    person = None if member is not None and kept(id_number, member.id_number) else clean_id_number(
        id_number, actor=actor, exclude_pk=getattr(member, "pk", None))
    with transaction.atomic():
        member = None if member is None else locked(member)
        relation = fields.get("relation")
        if member is not None and member.relation == choices.Relation.HEAD and relation != choices.Relation.HEAD:
            raise DomainError("head_required", _("户主不能直接改为其他关系：请把另一位成员设为户主，原户主会自动改为“其他”。"),
                              field="relation")
        _claim_version(household, version)
        creating = member is None
        before = {} if member is None else snapshot(member)
        demoted = None
        if relation == choices.Relation.HEAD:
            heads = household.members.filter(relation=choices.Relation.HEAD)
            demoted = (heads if member is None else heads.exclude(pk=member.pk)).first()
            if demoted is not None:
                demoted.relation = choices.Relation.OTHER
                demoted.save(update_fields=["relation", "updated_at"])
        member = member or Member(household=household, village_code=household.village_id)
        for name in MEMBER_FIELDS:
            if name in fields:
                setattr(member, name, fields[name])
        member.name = member.name.strip()
        member.name_pinyin = pinyin_key(member.name)
        if person is not None:
            member.id_number = person.number
            member.sex, member.birth_date = person.sex, person.birth_date
        member.save()
        household_refresh(household)
        old, new = changed_fields(before, snapshot(member))
        new.update(member=member.pk, member_name=member.name)
        if demoted is not None:
            new["demoted_head"] = demoted.name
        _event(actor, "member.create" if creating else "member.update", household, before=old, after=new)
        return member


@transaction.atomic
def member_remove(*, actor: User | None, member: Member, version: int, reason: str) -> None:
    """Take a member off the household (moved away, deceased); the head cannot be removed."""
    _require_edit(actor)
    if member.relation == choices.Relation.HEAD:
        raise DomainError("head_required", _("不能移除户主：请先把另一位成员设为户主。"))
    if not reason.strip():
        raise DomainError("reason_required", _("请填写移除原因。"), field="reason")
    household = member.household
    _claim_version(household, version)
    before = snapshot(member)
    member.delete()
    household_refresh(household)
    _event(actor, "member.remove", household, before=before, after={"member": before["id"], "reason": reason})


# --- registration, income, checklist ---------------------------------------------------------------

@transaction.atomic
def registration_save(*, actor: User | None, household: Household, version: int, registered: bool, year: Any = None, attribute: str = "",
                      status: str = "", exit_year: Any = None, main_cause: str = "", other_causes: Any = ()) -> Registration | None:
    _require_edit(actor)
    other = [c for c in dict.fromkeys(other_causes) if c]
    if len(other) > 2:
        raise DomainError("too_many_causes", _("其他致贫原因最多选两项。"), field="other_causes")
    current = Registration.objects.filter(household=household).first()
    if registered:
        if not attribute or not status:
            raise DomainError("registration_incomplete", _("建档立卡户须选择贫困户属性和脱贫状态。"), field="attribute")
        if exit_year and year and exit_year < year:
            raise DomainError("exit_before_year", _("脱贫年度不能早于建档立卡年度。"), field="exit_year")
    _claim_version(household, version)
    before = snapshot(current) if current else {}
    if not registered:
        if current:
            current.delete()
            _event(actor, "registration.remove", household, before=before, after={})
        return None
    reg = current or Registration(household=household)
    reg.year, reg.attribute, reg.status, reg.exit_year, reg.main_cause = year, attribute, status, exit_year, main_cause
    reg.other_cause_1, reg.other_cause_2 = (other + ["", ""])[:2]
    reg.save()
    old, new = changed_fields(before, snapshot(reg))
    _event(actor, "registration.update" if current else "registration.create", household, before=old, after=new)
    return reg


@transaction.atomic
def income_save(*, actor: User | None, household: Household, version: int, year: int, wage: Decimal, business: Decimal,
                transfer: Decimal, assets: Decimal, costs: Decimal, persons: int | None = None) -> Income:
    _require_edit(actor)
    if not 2000 <= year <= timezone.localdate().year:
        raise DomainError("bad_year", _("年度不正确。"), field="year")
    if any(v < 0 for v in (wage, business, transfer, assets, costs)):
        raise DomainError("negative", _("收入和支出不能为负数。"))
    _claim_version(household, version)
    income = Income.objects.filter(household=household, year=year).first()
    before = snapshot(income) if income else {}
    income = income or Income(household=household, year=year)
    income.persons = persons or household.member_count or 1
    income.wage, income.business, income.transfer, income.assets, income.costs = (
        wage, business, transfer, assets, costs)
    income.save()
    old, new = changed_fields(before, snapshot(income))
    new["per_capita"] = str(income.per_capita)
    _event(actor, "income.save", household, before=old, after=new)
    return income


@transaction.atomic
def checklist_save(*, actor: User | None, household: Household, version: int, checked_on: datetime.date | None = None,
                   note: str = "", **items: Any) -> Checklist:
    _require_edit(actor)
    _claim_version(household, version)
    checklist = Checklist.objects.filter(household=household).first()
    if checklist is None and checked_on is None and not note and not any(items.values()):
        return Checklist(household=household)  # an empty form saved: nothing to record
    before = snapshot(checklist) if checklist else {}
    checklist = checklist or Checklist(household=household)
    now, changes = timezone.now(), []
    for name, _label in choices.CHECK_ITEMS:
        value = items.get(name, "")
        if value not in choices.Check.values:
            raise DomainError("bad_value", _("核查结果不正确。"), field=name)
        if value != getattr(checklist, name):
            changes.append(ChecklistChange(household=household, item=name, before=getattr(checklist, name),
                                           after=value, changed_at=now))
        setattr(checklist, name, value)
    checklist.checked_on, checklist.note = checked_on, note
    checklist.save()
    ChecklistChange.objects.bulk_create(changes)
    old, new = changed_fields(before, snapshot(checklist))
    _event(actor, "checklist.save", household, before=old, after=new)
    return checklist


@transaction.atomic
def helpers_save(*, actor: User | None, household: Household, version: int, cadres: Any = (), staff: Any = (),
                 names: Any = ()) -> list[Helper]:
    """Set the pairing helpers: resident cadres and sending-unit staff chosen from the records, and
    typed names only for helpers who are neither (a typed name that is a listed cadre's or staff
    member's is refused: chosen, the pairing counts for the person and the unit)."""
    _require_edit(actor)
    _claim_version(household, version)
    before = sorted(household.helpers.values_list("name", flat=True))
    wanted: dict[str, tuple[int | None, int | None]] = {}
    for person, link in [*((c, (c.pk, None)) for c in cadres), *((s, (None, s.pk)) for s in staff)]:
        if person.name in wanted:
            raise DomainError("same_name", _("两位帮扶责任人同名（%(name)s），请只选其中一位。") % {"name": person.name},
                              field="staff")
        wanted[person.name] = link
    listed = _listed_helpers(actor, household)
    for name in names:
        name = name.strip()
        if name in listed and name not in wanted:
            raise DomainError("choose_from_list", _("“%(name)s”是本村的%(kind)s，请在上面的名单中勾选，不要手填。")
                              % {"name": name, "kind": listed[name]}, field="names")
        if name and name not in wanted:
            wanted[check_text(name, field="names", max_length=64)] = (None, None)
    household.helpers.exclude(name__in=list(wanted)).delete()
    have = {h.name: h for h in household.helpers.all()}
    for name, (cadre_id, staff_id) in wanted.items():
        if name in have:
            if (have[name].cadre_id, have[name].staff_id) != (cadre_id, staff_id):
                Helper.objects.filter(pk=have[name].pk).update(cadre_id=cadre_id, staff_id=staff_id)
        else:
            Helper.objects.create(household=household, name=name, cadre_id=cadre_id, staff_id=staff_id)
    _event(actor, "helpers.save", household, before={"helpers": before}, after={"helpers": sorted(wanted)})
    return list(household.helpers.all())


def _listed_helpers(actor: User | None, household: Household) -> dict[str, Any]:
    """Name → kind of the people a helper of this household is chosen from."""
    listed: dict[str, Any] = {name: _("驻村干部") for name in Cadre.objects.filter(
        assignments__village_id=household.village_id, assignments__status="active").values_list("name", flat=True)}
    if actor is not None:
        for name in village_unit_staff(user=actor, village_code=household.village_id).values_list("name", flat=True):
            listed.setdefault(name, _("单位帮扶干部"))
    return listed


@transaction.atomic
def care_override_set(*, actor: User | None, household: Household, version: int, category: str, value: bool | None,
                      reason: str = "") -> None:
    """Override a derived care category (value True/False, with a reason), or clear it (value None)."""
    _require_edit(actor)
    if category not in choices.Care.values:
        raise DomainError("bad_category", _("关爱类别不正确。"), field="category")
    if value is not None and not reason.strip():
        raise DomainError("reason_required", _("改变自动认定的结果须填写理由。"), field="reason")
    _claim_version(household, version)
    if value is None:
        CareOverride.objects.filter(household=household, category=category).delete()
    else:
        CareOverride.objects.update_or_create(household=household, category=category,
                                              defaults={"value": value, "reason": reason.strip(), "decided_by": actor})
    before = getattr(household, f"care_{category}")
    household_refresh(household)
    _event(actor, "care.override" if value is not None else "care.clear", household,
           before={"category": category, "value": before},
           after={"category": category, "value": getattr(household, f"care_{category}"), "reason": reason})


# --- the village file ---------------------------------------------------------------------------------

VILLAGE_FILE_FIELDS = ["road", "water", "electricity", "broadband", "clinic", "collective_income", "committees",
                       "party_branch", "liaison_room", "notes"]


@transaction.atomic
def village_file_update(*, actor: User | None, village: Region, version: int, **fields: object) -> VillageFile:
    """Change a village's file (一村一档). A save that changes nothing writes nothing (no version, no
    "updated by", no event), and an empty form saved for a village without a file creates none."""
    _require_edit(actor)
    require_scope(actor, village.code)
    file = VillageFile.objects.select_for_update().filter(village=village).first()
    if file is None:
        if all(fields.get(name) in (None, "") for name in VILLAGE_FILE_FIELDS):
            return VillageFile(village=village)
        file = VillageFile.objects.create(village=village)
    if file.version != version:
        raise Conflict(file.version)
    before = snapshot(file)
    for name in VILLAGE_FILE_FIELDS:
        if name in fields:
            setattr(file, name, fields[name])
    old, new = changed_fields(before, snapshot(file))
    if not new:
        return file
    file.version += 1
    file.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    file.save()
    audit_record(actor=actor, action="village_file.update", obj=file, region_code=village.code, before=old or None,
                 after=new)
    return file
