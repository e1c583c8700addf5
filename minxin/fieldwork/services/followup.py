"""Writes for needs (民情), villager requests (群众诉求) and liaison cards (干群连心卡)."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.core.audit import audit_record
from minxin.core.errors import DomainError
from minxin.core.guards import require
from minxin.core.validation import check_phone
from minxin.fieldwork import checks
from minxin.fieldwork.models import LiaisonCard, Meeting, Need, VillagerRequest, Visit
from minxin.fieldwork.models.followup import new_reference
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry.models import Household

# --- needs -----------------------------------------------------------------------------------


def _origin(actor: User | None, *, village: Region | None, household: Household | None, visit: Visit | None,
            meeting: Meeting | None) -> str:
    """The village code of a need or request, from the most precise thing given, all in scope."""
    if household is not None:
        checks.require_household(actor, household)
        village_code = household.village_id
    elif visit is not None:
        village_code = visit.village_id
    elif meeting is not None:
        village_code = meeting.village_id
    elif village is not None and village.level == codes.VILLAGE:
        village_code = village.code
    else:
        raise DomainError("village_required", _("请选择村或农户。"), field="village")
    checks.require_village(actor, village_code)
    for source, name in ((visit, "visit"), (meeting, "meeting")):
        if source is not None and source.village_id != village_code:
            raise DomainError("wrong_village", _("关联的记录不属于同一个村。"), field=name)
    return village_code


@transaction.atomic
def need_record(*, actor: User | None, category: str, text: str, village: Region | None = None, household: Household | None = None, visit: Visit | None = None, meeting: Meeting | None = None,
                raised_at: datetime.datetime | None = None, uuid: Any = None) -> Need:
    """Capture a villager's need or opinion; it stays open until someone closes it."""
    require(actor, roles.RECORD_FIELDWORK)
    village_code = _origin(actor, village=village, household=household, visit=visit, meeting=meeting)
    if category not in Need.Category.values:
        raise DomainError("unknown_category", _("民情类别“%(c)s”不存在。") % {"c": category}, field="category")
    need = Need(village_id=village_code, household=household, visit=visit, meeting=meeting, category=category,
                text=checks.check_text(text, field="text", required=True, max_length=2000), recorded_by=actor,
                raised_at=checks.check_time(raised_at or timezone.now(), field="raised_at"))
    if uuid is not None:
        need.uuid = uuid
    need.save()
    audit_record(actor=actor, action="need.create", obj=need, region_code=village_code,
                 after={"category": category, "household": getattr(household, "pk", None)})
    return need


@transaction.atomic
def need_update(*, actor: User | None, need: Need, status: str, owner: User | None = None, progress: str = "") -> Need:
    """Give a need an owner and move it along (待办 → 办理中 → 已办结)."""
    require(actor, roles.HANDLE_REQUESTS)
    checks.require_village(actor, need.village_id)
    if status not in Need.Status.values:
        raise DomainError("unknown_status", _("状态“%(s)s”不存在。") % {"s": status}, field="status")
    if owner is not None and not owner.in_scope(need.village_id):
        raise DomainError("owner_outside_scope", _("责任人不负责该村。"), field="owner")
    if status == Need.Status.CLOSED and not (progress or need.progress).strip():
        raise DomainError("progress_required", _("办结前请填写办理情况。"), field="progress")
    before = {"status": need.status, "owner": need.owner_id}
    need.status, need.owner = status, owner or need.owner
    if progress.strip():
        need.progress = checks.check_text(progress, field="progress", max_length=5000)
    need.closed_at = timezone.now() if status == Need.Status.CLOSED else None
    need.save()
    audit_record(actor=actor, action="need.update", obj=need, region_code=need.village_id, before=before,
                 after={"status": need.status, "owner": need.owner_id})
    return need


# --- villager requests -----------------------------------------------------------------------


def _save_new(request: VillagerRequest) -> None:
    """Insert a new request; draw its reference again on the (rare) chance it is taken."""
    while VillagerRequest.objects.filter(reference=request.reference).exists():
        request.reference = new_reference()
    request.save()


@transaction.atomic
def request_record(*, actor: User | None, text: str, source: str, village: Region | None = None, household: Household | None = None, visit: Visit | None = None, meeting: Meeting | None = None,
                   contact_name: str = "", contact_phone: str = "", submitted_at: datetime.datetime | None = None, uuid: Any = None) -> VillagerRequest:
    """A request a cadre heard on a visit or at a meeting."""
    require(actor, roles.RECORD_FIELDWORK)
    if source not in (VillagerRequest.Source.VISIT, VillagerRequest.Source.MEETING):
        raise DomainError("unknown_source", _("诉求来源只能是走访或会议。"), field="source")
    village_code = _origin(actor, village=village, household=household, visit=visit, meeting=meeting)
    request = VillagerRequest(
        village_id=village_code, household=household, visit=visit, meeting=meeting, source=source,
        text=checks.check_text(text, field="text", required=True, max_length=2000),
        contact_name=checks.check_text(contact_name, field="contact_name", max_length=64),
        contact_phone=check_phone(contact_phone, field="contact_phone"), recorded_by=actor,
        submitted_at=checks.check_time(submitted_at or timezone.now(), field="submitted_at"),
    )
    if uuid is not None:
        request.uuid = uuid
    _save_new(request)
    audit_record(actor=actor, action="request.create", obj=request, region_code=village_code,
                 after={"source": source, "household": getattr(household, "pk", None)})
    return request


@transaction.atomic
def request_submit_public(*, card: LiaisonCard, text: str, contact_name: str = "", contact_phone: str = "",
                          ip_address: str | None = None) -> VillagerRequest:
    """A villager's request from the card's QR page (no login). The card names the household."""
    if card.revoked_at is not None:
        raise DomainError("card_revoked", _("这张连心卡已作废，请使用新卡。"))
    request = VillagerRequest(
        village_id=card.village_id, household_id=card.household_id, card=card, source=VillagerRequest.Source.CARD,
        text=checks.check_text(text, field="text", required=True, max_length=1000),
        contact_name=checks.check_text(contact_name, field="contact_name", max_length=64),
        contact_phone=check_phone(contact_phone, field="contact_phone"), submitted_at=timezone.now(),
    )
    _save_new(request)
    audit_record(actor=None, action="request.submit_public", obj=request, region_code=card.village_id,
                 after={"card": card.pk}, ip_address=ip_address)
    return request


def _locked(request: VillagerRequest) -> VillagerRequest:
    return VillagerRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_assign(*, actor: User | None, request: VillagerRequest, assignee: User) -> VillagerRequest:
    """Hand the request to someone responsible for its village."""
    require(actor, roles.HANDLE_REQUESTS)
    checks.require_village(actor, request.village_id)
    request = _locked(request)
    if request.status == VillagerRequest.Status.CLOSED:
        raise DomainError("already_closed", _("该诉求已办结。"))
    if assignee is None or not assignee.is_active or not assignee.in_scope(request.village_id):
        raise DomainError("assignee_outside_scope", _("承办人不负责该村。"), field="assignee")
    before = {"status": request.status, "assignee": request.assignee_id}
    request.assignee, request.assigned_at = assignee, timezone.now()
    if request.status == VillagerRequest.Status.NEW:
        request.status = VillagerRequest.Status.ASSIGNED
    request.save()
    audit_record(actor=actor, action="request.assign", obj=request, region_code=request.village_id, before=before,
                 after={"status": request.status, "assignee": assignee.pk})
    return request


@transaction.atomic
def request_answer(*, actor: User | None, request: VillagerRequest, answer: str) -> VillagerRequest:
    """Reply to the villager; the first answer fixes the response time."""
    require(actor, roles.HANDLE_REQUESTS)
    checks.require_village(actor, request.village_id)
    request = _locked(request)
    if request.status == VillagerRequest.Status.CLOSED:
        raise DomainError("already_closed", _("该诉求已办结。"))
    text = checks.check_text(answer, field="answer", required=True, max_length=5000)
    before = {"status": request.status, "answer": request.answer}  # a corrected answer keeps what was said first
    request.answer = text
    request.answered_at = request.answered_at or timezone.now()
    request.status = VillagerRequest.Status.ANSWERED
    request.assignee = request.assignee or actor
    request.assigned_at = request.assigned_at or request.answered_at
    request.save()
    audit_record(actor=actor, action="request.answer", obj=request, region_code=request.village_id, before=before,
                 after={"status": request.status, "response_hours": request.response_hours, "answer": text})
    return request


@transaction.atomic
def request_close(*, actor: User | None, request: VillagerRequest, satisfaction: str) -> VillagerRequest:
    """Close an answered request with the villager's satisfaction (asked on a return visit or call)."""
    require(actor, roles.HANDLE_REQUESTS)
    checks.require_village(actor, request.village_id)
    request = _locked(request)
    if request.status == VillagerRequest.Status.CLOSED:
        raise DomainError("already_closed", _("该诉求已办结。"))
    if request.answered_at is None:
        raise DomainError("not_answered", _("请先答复群众，再办结。"), field="satisfaction")
    if satisfaction not in VillagerRequest.Satisfaction.values:
        raise DomainError("satisfaction_required", _("请选择群众满意度。"), field="satisfaction")
    request.status, request.satisfaction, request.closed_at = (VillagerRequest.Status.CLOSED, satisfaction,
                                                               timezone.now())
    request.save()
    audit_record(actor=actor, action="request.close", obj=request, region_code=request.village_id,
                 before={"status": VillagerRequest.Status.ANSWERED}, after={"status": request.status,
                                                                           "satisfaction": satisfaction})
    return request


# --- liaison cards ---------------------------------------------------------------------------


@transaction.atomic
def card_issue(*, actor: User | None, household: Household, reissue: bool = False) -> LiaisonCard:
    """Issue a household's liaison card. Re-issuing revokes the old card, whose QR stops working."""
    require(actor, roles.ISSUE_CARDS)
    checks.require_household(actor, household)
    current = LiaisonCard.objects.select_for_update().filter(household=household, revoked_at__isnull=True).first()
    if current is not None:
        if not reissue:
            return current
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at", "updated_at"])
    card = LiaisonCard.objects.create(village_id=household.village_id, household=household, issued_by=actor)
    audit_record(actor=actor, action="card.reissue" if current else "card.issue", obj=card,
                 region_code=household.village_id, after={"household": household.pk})
    return card


@transaction.atomic
def cards_issue_village(*, actor: User | None, village: Region) -> int:
    """Issue a card to every household of the village that has none yet; returns how many."""
    require(actor, roles.ISSUE_CARDS)
    checks.require_village(actor, village.code)
    holding = LiaisonCard.objects.filter(village_id=village.code, revoked_at__isnull=True).values("household_id")
    missing = Household.objects.filter(village_id=village.code).exclude(pk__in=holding).values_list("pk", flat=True)
    now = timezone.now()
    cards = [LiaisonCard(village_id=village.code, household_id=pk, issued_by=actor, issued_at=now) for pk in missing]
    LiaisonCard.objects.bulk_create(cards, batch_size=1000)
    audit_record(actor=actor, action="card.issue_village", object_type="regions.region", object_id=village.code,
                 object_repr=village.name, region_code=village.code, after={"cards": len(cards)})
    return len(cards)


def card_show_logged(*, actor: User | None, household: Household) -> None:
    """A card's QR code shown on screen (to print one card, or for a villager to scan): logged, as
    anyone holding the code can file requests in the household's name."""
    audit_record(actor=actor, action="card.show", obj=household, object_type="registry.household",
                 region_code=household.village_id)


def cards_print_logged(*, actor: User | None, village: Region, count: int) -> None:
    """Printing cards puts the team's phone numbers on paper: logged like any export."""
    audit_record(actor=actor, action="card.print", object_type="regions.region", object_id=village.code,
                 object_repr=village.name, region_code=village.code, after={"cards": count})
