"""Scoped reads of the party module: branches with their counts and latest warning, a branch's
committees, members, organisational-life calendar, cases, reserve cadres, surveys and flags; the
development cases, the reserve pool, the warning list, rectifications and demonstration sites.
Out of scope is a 404 like a missing record."""

import datetime

from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.cadres.models import Assignment
from minxin.core import guards
from minxin.party.models import (
    Branch,
    Case,
    Contact,
    Event,
    Flag,
    PartyMember,
    Post,
    Rectification,
    Reserve,
    Site,
    Survey,
    Warning,
)
from minxin.party.rules import LIFE, MONTH, periods_in
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry.models import Household, Member

can_view, require_view = guards.read_gate(roles.VIEW_PARTY)  # every read of the module that takes a user checks it


def _count(model: type[Model], field: str, **filters: object) -> Coalesce:
    rows = model._default_manager.filter(**{field: OuterRef("pk")}, **filters).order_by().values(field).annotate(
        n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _latest_warning(field: str) -> Subquery:
    return Subquery(Warning.objects.filter(branch=OuterRef("pk")).order_by("-computed_on").values(field)[:1])


def branch_list(*, user: User, region: str | None = None, level: int | None = None, search: str = "") -> QuerySet[Branch]:
    """Branches in scope with their members (full, probationary), activists and targets in training,
    reserve cadres and latest warning (level, day)."""
    require_view(user)
    qs = Branch.objects.visible_to(user).select_related("village__parent", "joint_unit").annotate(
        full_count=_count(PartyMember, "branch", status=PartyMember.Status.FULL, left_on__isnull=True),
        probationary_count=_count(PartyMember, "branch", status=PartyMember.Status.PROBATIONARY, left_on__isnull=True),
        activist_count=_count(Case, "branch", stage=Case.Stage.ACTIVIST),
        target_count=_count(Case, "branch", stage=Case.Stage.TARGET),
        warning_level=Coalesce(_latest_warning("level"), Value(0)), warning_on=_latest_warning("computed_on"))
    if region:
        qs = qs.filter(village__code__startswith=region)
    if level is not None:
        qs = qs.filter(warning_level__gte=level) if level else qs.filter(warning_level=0)
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(village__name__contains=search))
    return qs.order_by("village__code")


def branch_get(*, user: User, pk: int) -> Branch:
    return get_object_or_404(branch_list(user=user), pk=pk)


def villages_without_branch(*, user: User) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(level=codes.VILLAGE, party_branch__isnull=True).select_related(
        "parent").order_by("code")


def members(branch: Branch, *, current: bool = True) -> QuerySet[PartyMember]:
    qs = PartyMember.objects.filter(branch=branch).select_related("person", "cadre")
    return qs.filter(left_on__isnull=True) if current else qs


def posts(branch: Branch) -> QuerySet[Post]:
    return Post.objects.filter(branch=branch).select_related("holder").order_by("committee", "title", "id")


def contacts(branch: Branch) -> QuerySet[Contact]:
    return Contact.objects.filter(branch=branch).select_related("member__person", "member__cadre", "household").order_by(
        "member_id", "household__number")


def households(branch: Branch) -> QuerySet[Household]:
    return Household.objects.filter(village_id=branch.village_id).order_by("number")


def villagers(branch: Branch) -> QuerySet[Member]:
    """People of the branch's village, to choose an applicant, a committee member or a reserve cadre."""
    return Member.objects.filter(village_code=branch.village_id).order_by("name", "id")


def calendar(branch: Branch, year: int, today: datetime.date) -> list[dict]:
    """The year's organisational life by kind: each month, quarter or year the kind is due in, with
    the meetings held in it and its state — held, missed (over and none held), due (running, none
    yet) or ahead. Periods before the branch was founded are not due."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    held: dict[tuple[str, datetime.date], list[Event]] = {}
    events = Event.objects.filter(branch=branch, held_on__gte=start, held_on__lte=end).order_by("held_on")
    rows = []
    for code, label, every in LIFE:
        cells = []
        for first, last in periods_in(start, end, every):
            found = [event for event in events if event.kind == code and first <= event.held_on <= last]
            held[(code, first)] = found
            if found:
                state = "held"
            elif branch.founded_on and last < branch.founded_on:
                state = "none"
            elif last < today:
                state = "missed"
            elif first <= today:
                state = "due"
            else:
                state = "ahead"
            name = f"{first.month}" if every == MONTH else (f"Q{(first.month - 1) // 3 + 1}" if last.month - first.month == 2
                                                              else str(year))
            cells.append({"name": name, "state": state, "events": found, "first": first, "last": last})
        rows.append({"kind": code, "label": label, "every": every, "cells": cells,
                     "missed": sum(1 for cell in cells if cell["state"] == "missed"),
                     "held": sum(1 for cell in cells if cell["state"] == "held")})
    return rows


def cases(*, user: User, region: str | None = None, stage: str = "", branch: Branch | None = None) -> QuerySet[Case]:
    require_view(user)
    qs = Case.objects.visible_to(user).select_related("branch__village__parent", "person")
    if region:
        qs = qs.filter(branch__village__code__startswith=region)
    if stage:
        qs = qs.filter(stage=stage)
    if branch is not None:
        qs = qs.filter(branch=branch)
    return qs.order_by("-applied_on", "-id")


def case_get(*, user: User, pk: int) -> Case:
    return get_object_or_404(cases(user=user).prefetch_related("sponsors__person", "sponsors__cadre"), pk=pk)


def reserves(*, user: User, region: str | None = None, pool: str = "", outcome: str = "") -> QuerySet[Reserve]:
    require_view(user)
    qs = Reserve.objects.visible_to(user).select_related("village__parent", "person", "mentor__person",
                                                          "mentor__cadre")
    if region:
        qs = qs.filter(village__code__startswith=region)
    if pool:
        qs = qs.filter(pool=pool)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("village__code", "-since", "id")


def reserve_get(*, user: User, pk: int) -> Reserve:
    return get_object_or_404(reserves(user=user), pk=pk)


def surveys(branch: Branch) -> QuerySet[Survey]:
    return Survey.objects.filter(branch=branch)


def flags(branch: Branch) -> QuerySet[Flag]:
    return Flag.objects.filter(branch=branch).select_related("raised_by")


def flag_get(*, user: User, pk: int) -> Flag:
    require_view(user)
    return get_object_or_404(Flag.objects.visible_to(user).select_related("branch"), pk=pk)


def latest_warning(branch: Branch) -> Warning | None:
    """The branch's warning as last computed (None before the first computation)."""
    return branch.warnings.order_by("-computed_on").first()


def warning_history(branch: Branch, *, limit: int = 12) -> list[Warning]:
    """The branch's warning on each day it changed level (newest first), from the daily rows."""
    changes: list[Warning] = []
    for row in Warning.objects.filter(branch=branch).order_by("computed_on"):
        if not changes or changes[-1].level != row.level:
            changes.append(row)
    return list(reversed(changes))[:limit]


def rectifications(*, user: User, region: str | None = None, year: int | None = None,
                   branch: Branch | None = None) -> QuerySet[Rectification]:
    require_view(user)
    qs = Rectification.objects.visible_to(user).select_related("branch__village__parent", "unit").annotate(
        item_count=Count("items", distinct=True),
        done_count=Count("items", filter=Q(items__done_on__isnull=False), distinct=True))
    if region:
        qs = qs.filter(branch__village__code__startswith=region)
    if year:
        qs = qs.filter(year=year)
    if branch is not None:
        qs = qs.filter(branch=branch)
    return qs.order_by("-year", "branch__village__code")


def rectification_get(*, user: User, pk: int) -> Rectification:
    return get_object_or_404(rectifications(user=user), pk=pk)


def sites(*, user: User, region: str | None = None, year: int | None = None, status: str = "",
          branch: Branch | None = None) -> QuerySet[Site]:
    require_view(user)
    qs = Site.objects.visible_to(user).select_related("branch__village__parent")
    if branch is not None:
        qs = qs.filter(branch=branch)
    if region:
        qs = qs.filter(branch__village__code__startswith=region)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "branch__village__code")


def site_get(*, user: User, pk: int) -> Site:
    return get_object_or_404(sites(user=user), pk=pk)


def team(branch: Branch) -> list[Assignment]:
    """The village's resident team (the third level of the rectification linkage)."""
    return list(Assignment.objects.filter(village_id=branch.village_id).active().select_related("cadre").order_by(
        "role", "id"))


def latest_facts(branches: list[Branch]) -> dict[int, list]:
    """The facts of each shown branch's latest warning (one query for the page)."""
    wanted = Q()
    for branch in branches:
        if getattr(branch, "warning_on", None):
            wanted |= Q(branch_id=branch.pk, computed_on=branch.warning_on)  # type: ignore[attr-defined]
    return dict(Warning.objects.filter(wanted).values_list("branch", "facts")) if wanted else {}
