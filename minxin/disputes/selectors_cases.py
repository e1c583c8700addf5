"""Scoped reads of dispute case files and petitions, and what is overdue in them per township."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts.models import User
from minxin.core.errors import DomainError
from minxin.core.params import id_param
from minxin.disputes.models import Dispute, DisputeParty, DisputeStep, Petition, PetitionStep
from minxin.disputes.selectors import require_view
from minxin.fieldwork.models import Need, VillagerRequest, Visit
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry.models import Member

OPEN_PETITION = ~Q(state__in=[Petition.State.REJECTED, Petition.State.CLOSED])


def dispute_list(*, user: User, region: str | None = None, state: str = "", risk: str = "", level: str = "",
                 year: int | None = None, overdue: bool = False) -> QuerySet[Dispute]:
    """Cases in the user's scope, newest first; `region` a code prefix of any level."""
    require_view(user)
    qs = Dispute.objects.visible_to(user).select_related("village__parent")
    if region:
        qs = qs.filter(village__code__startswith=region)
    if state in Dispute.State.values:
        qs = qs.filter(state=state)
    if risk in Dispute.Risk.values:
        qs = qs.filter(risk=risk)
    if level in Dispute.Level.values:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(reported_on__year=year)
    if overdue:
        qs = qs.filter(due_on__lt=timezone.localdate())
    return qs.order_by("-reported_on", "-id")


def dispute_get(*, user: User, pk: int) -> Dispute:
    qs = dispute_list(user=user).select_related(
        "source_visit", "source_need", "source_request", "recorded_by").prefetch_related(
        Prefetch("parties", DisputeParty.objects.select_related("member__household")),
        Prefetch("steps", DisputeStep.objects.select_related("by")))
    return get_object_or_404(qs, pk=pk)


def petition_list(*, user: User, region: str | None = None, state: str = "", year: int | None = None,
                  overdue: bool = False, backlog: bool = False) -> QuerySet[Petition]:
    require_view(user)
    qs = Petition.objects.visible_to(user).select_related("region__parent")
    if region:
        qs = qs.filter(region__code__startswith=region)
    if state in Petition.State.values:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(received_on__year=year)
    if overdue:
        today = timezone.localdate()
        qs = qs.filter(Q(due_on__lt=today) | Q(OPEN_PETITION, backlog_deadline__lt=today))
    if backlog:
        qs = qs.exclude(backlog_leader="")
    return qs.order_by("-received_on", "-id")


def petition_get(*, user: User, pk: int) -> Petition:
    qs = petition_list(user=user).select_related("member__household", "recorded_by").prefetch_related(
        Prefetch("steps", PetitionStep.objects.select_related("by")))
    return get_object_or_404(qs, pk=pk)


def overdue_by_township(*, user: User) -> list[dict]:
    """Per township of the user's scope (code order): its overdue dispute cases and petitions — a
    petition is overdue past its current deadline, or as a backlog case past its leader's deadline."""
    disputes = list(dispute_list(user=user, overdue=True).order_by("due_on", "id"))
    petitions = list(petition_list(user=user, overdue=True).order_by("due_on", "id"))
    townships: dict[str, dict] = {}
    for kind, rows in (("disputes", disputes), ("petitions", petitions)):
        for row in rows:
            code = (row.village_id if kind == "disputes" else row.region_id)[:9].ljust(12, "0")
            entry = townships.setdefault(code, {"code": code, "disputes": [], "petitions": []})
            entry[kind].append(row)
    names = Region.objects.in_bulk(list(townships))
    return [{**townships[code], "township": names.get(code)} for code in sorted(townships)]


@dataclass(frozen=True)
class Source:
    """The record a new case starts from, with what the case's form begins with."""

    kind: str  # "visit", "need" or "request": the case's `<kind>_id`
    record: Any
    text: str
    day: datetime.date


# kind → the model, its text field and its time field
SOURCES = {"visit": (Visit, "notes", "occurred_at"), "need": (Need, "text", "raised_at"),
           "request": (VillagerRequest, "text", "submitted_at")}


def source_record(*, user: User, params: Mapping[str, str]) -> Source | None:
    """The visit, need or villager request a query string names (?visit= / ?need= / ?request=), or
    None when it names none; one the user does not see is a 404, like a missing one."""
    for kind, (model, text, at) in SOURCES.items():
        value = params.get(kind)
        if value:
            pk = id_param(value)
            if pk is None:
                raise Http404(kind)
            record = get_object_or_404(model.objects.visible_to(user).select_related("household"), pk=pk)
            return Source(kind, record, getattr(record, text), timezone.localdate(getattr(record, at)))
    return None


def petition_regions(*, user: User) -> QuerySet[Region]:
    """The villages and townships of the user's scope a petition may be registered in."""
    return (Region.objects.visible_to(user).filter(level__in=[codes.TOWNSHIP, codes.VILLAGE])
            .select_related("parent").order_by("code"))


def member_id(*, user: User, household: str, name: str, field: str) -> int:
    """The villager named `name` in the household numbered `household`, in the user's scope."""
    found = list(Member.objects.visible_to(user).filter(household__number=household.strip(), name=name.strip())
                 .values_list("pk", flat=True)[:2])
    if len(found) != 1:
        raise DomainError("member_not_found", _("户编号 %(number)s 中没有名为“%(name)s”的成员（或不在您的管辖范围内）。") % {
            "number": household, "name": name}, field=field)
    return found[0]
