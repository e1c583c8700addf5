"""Scoped reads of cadres, assignments, insurance and leave."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.cadres.models import (
    Assignment,
    Cadre,
    Insurance,
    LeaveRequest,
    SendingUnit,
    StudySession,
    UnitStaff,
)
from minxin.core import guards
from minxin.core.privacy import identifier_search
from minxin.core.sealedfields import lookup_q

can_view, require_view = guards.read_gate(roles.VIEW_CADRES)  # every read of the module that takes a user checks it


def assigned_village_codes(*, user: User) -> list[str]:
    """Villages where the user works (a cadre) or where its unit's cadres work (a liaison)."""
    active = Assignment.objects.filter(status=Assignment.Status.ACTIVE)
    if user.role == Role.CADRE:
        active = active.filter(cadre__user_id=user.pk)
    elif user.role == Role.SENDING_UNIT and user.sending_unit_id:
        active = active.filter(cadre__sending_unit_id=user.sending_unit_id)
    else:
        return []
    return sorted(set(active.values_list("village_id", flat=True)))


def _active_assignments() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.active().select_related("village__parent"),
        to_attr="active_assignments",
    )


def valid_cover_q(on: datetime.date) -> Q:
    return Q(start_date__lte=on, end_date__gte=on)


def cadre_list(*, user: User, village: str | None = None, q: str = "", sending_unit: int | None = None,
               uninsured: bool = False) -> QuerySet[Cadre]:
    """Cadres the user may see, with their current assignments, optionally narrowed."""
    require_view(user)
    today = timezone.localdate()
    qs = (
        Cadre.objects.visible_to(user)
        .select_related("sending_unit")
        .annotate(
            has_cover=Exists(Insurance.objects.filter(valid_cover_q(today), cadre_id=OuterRef("pk"))),
            is_assigned=Exists(Assignment.objects.active().filter(cadre_id=OuterRef("pk"))),
        )
        .prefetch_related(_active_assignments())
    )
    if village:
        qs = qs.filter(
            Exists(Assignment.objects.active().filter(cadre_id=OuterRef("pk"), village__code__startswith=village))
        )
    if sending_unit:
        qs = qs.filter(sending_unit_id=sending_unit)
    if uninsured:
        qs = qs.filter(is_assigned=True, has_cover=False)
    if q:
        term = q.strip().lower()
        match = Q(name__contains=term) | Q(name_pinyin__contains=term)
        tail = identifier_search(actor=user, term=term)  # the last four, or the whole if the role may reveal
        if tail:
            match |= lookup_q("id_number", tail)
        qs = qs.filter(match)
    return qs.order_by("name_pinyin", "id")


def cadre_get(*, user: User, pk: int) -> Cadre:
    return get_object_or_404(cadre_list(user=user), pk=pk)


def cadre_assignments(*, cadre: Cadre) -> QuerySet[Assignment]:
    return cadre.assignments.select_related("village__parent").order_by("-start_date", "-id")


def cadre_insurances(*, cadre: Cadre) -> QuerySet[Insurance]:
    return cadre.insurances.order_by("-end_date")


def cadre_leaves(*, cadre: Cadre) -> QuerySet[LeaveRequest]:
    return cadre.leaves.select_related("requested_by", "decided_by").order_by("-start_date")


def insurance_status(*, cadre: Cadre, today: datetime.date | None = None) -> dict:
    """Whether the cadre has valid accident cover today, and whether it expires soon."""
    today = today or timezone.localdate()
    current = cadre.insurances.filter(valid_cover_q(today)).order_by("-end_date").first()
    warn_until = today + datetime.timedelta(days=settings.MINXIN_INSURANCE_WARNING_DAYS)
    return {
        "current": current,
        "covered": current is not None,
        "expiring": current is not None and current.end_date <= warn_until
        and not cadre.insurances.filter(start_date__lte=current.end_date + datetime.timedelta(days=1),
                                        end_date__gt=current.end_date).exists(),
    }


def village_team(*, user: User, village_code: str) -> list[Assignment]:
    """The resident team of a village: its active assignments (first secretary first)."""
    require_view(user)
    order = {Assignment.Role.FIRST_SECRETARY: 0, Assignment.Role.TEAM_LEADER: 1, Assignment.Role.TEAM_MEMBER: 2}
    rows = list(
        Assignment.objects.visible_to(user).active().filter(village_id=village_code)
        .select_related("cadre__sending_unit")
    )
    return sorted(rows, key=lambda a: (order.get(a.role, 9), a.cadre.name_pinyin))


def sending_unit_list(*, user: User) -> QuerySet[SendingUnit]:
    require_view(user)
    return SendingUnit.objects.visible_to(user).order_by("level", "name")


def sending_unit_get(*, user: User, pk: int) -> SendingUnit:
    return get_object_or_404(sending_unit_list(user=user), pk=pk)


def unit_staff(*, unit: SendingUnit) -> QuerySet[UnitStaff]:
    """A (visible) unit's helping staff, those on the list first."""
    return UnitStaff.objects.filter(sending_unit=unit).order_by("-active", "name_pinyin", "id")


def unit_staff_get(*, user: User, pk: int) -> UnitStaff:
    require_view(user)
    return get_object_or_404(UnitStaff.objects.visible_to(user).select_related("sending_unit"), pk=pk)


def village_unit_staff(*, user: User, village_code: str) -> QuerySet[UnitStaff]:
    """The staff who may help a village's households: those of the units whose cadres are posted
    there ("一人驻村，全单位帮扶")."""
    require_view(user)
    units = Assignment.objects.visible_to(user).active().filter(village_id=village_code).values("cadre__sending_unit")
    return (UnitStaff.objects.visible_to(user).filter(active=True, sending_unit__in=units)
            .select_related("sending_unit").order_by("sending_unit__name", "name_pinyin"))


def leave_list(*, user: User, status: str | None = None) -> QuerySet[LeaveRequest]:
    require_view(user)
    qs = LeaveRequest.objects.visible_to(user).select_related("cadre", "requested_by", "decided_by")
    if user.role == Role.CADRE:
        qs = qs.filter(cadre__user_id=user.pk)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-start_date", "-id")


def leave_get(*, user: User, pk: int) -> LeaveRequest:
    return get_object_or_404(leave_list(user=user), pk=pk)


def assignment_get(*, user: User, pk: int) -> Assignment:
    require_view(user)
    return get_object_or_404(Assignment.objects.visible_to(user).select_related("cadre", "village"), pk=pk)


def unit_home(*, user: User) -> dict | None:
    """A sending unit's liaison at home: its unit's cadres in post, each with its village, whether an
    insurance covers it today, and its leave now or to come. None for anyone else."""
    if user.role != Role.SENDING_UNIT or not user.sending_unit_id:
        return None
    today = timezone.localdate()
    found: Any = cadre_list(user=user, sending_unit=user.sending_unit_id)  # annotated: is_assigned, has_cover
    cadres = [cadre for cadre in found if cadre.is_assigned]
    leaves: dict[int, list[LeaveRequest]] = {}
    for leave in (LeaveRequest.objects.filter(cadre__in=cadres, end_date__gte=today)
                  .exclude(status=LeaveRequest.Status.REJECTED).order_by("start_date")):
        leaves.setdefault(leave.cadre_id, []).append(leave)
    rows = [(cadre, cadre.active_assignments[0] if cadre.active_assignments else None, leaves.get(cadre.pk, []))
            for cadre in cadres]
    return {"unit": user.sending_unit, "rows": rows, "today": today,
            "uninsured": sum(1 for cadre in cadres if not cadre.has_cover)}


def study_list(*, user: User, year: int | None = None, kind: str = "", cadre: Cadre | None = None
               ) -> QuerySet[StudySession]:
    """Sessions attended by a cadre the user sees, each with `attendee_count`: the attendees the user sees."""
    require_view(user)
    visible = Cadre.objects.visible_to(user)
    qs = StudySession.objects.visible_to(user).annotate(
        attendee_count=Count("attendance", filter=Q(attendance__cadre__in=visible)))
    if year:
        qs = qs.filter(held_on__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if cadre is not None:
        qs = qs.filter(attendance__cadre=cadre)
    return qs.order_by("-held_on", "-id")


def study_get(*, user: User, pk: int) -> StudySession:
    require_view(user)
    return get_object_or_404(StudySession.objects.visible_to(user).select_related("recorded_by"), pk=pk)


def study_attendees(*, user: User, session: StudySession) -> QuerySet[Cadre]:
    """The session's attendees the user sees (others are neither named nor counted)."""
    require_view(user)
    return Cadre.objects.visible_to(user).filter(study_attendance__session=session).select_related("sending_unit")


def cadre_study(*, cadre: Cadre, year: int) -> dict:
    """A cadre's sessions of a year and their hours."""
    sessions = list(StudySession.objects.filter(attendance__cadre=cadre, held_on__year=year).order_by("-held_on"))
    return {"sessions": sessions, "hours": sum((s.hours for s in sessions), Decimal(0)), "year": year}
