"""Writes of study and training sessions (学习培训, the learn heart): recorded by the administrators
who manage cadres for any cadres they see, or by a cadre for itself."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.cadres.models import Cadre, StudyAttendance, StudySession
from minxin.core.audit import audit_record, changed_fields, snapshot
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.validation import check_text

MAX_HOURS = Decimal(200)


def own_cadre(actor: User | None) -> Cadre | None:
    """The cadre a cadre's account belongs to (None for anyone else)."""
    if actor is None or actor.role != Role.CADRE:
        return None
    return Cadre.objects.filter(user=actor).first()


def may_record(actor: User | None, session: StudySession | None = None) -> bool:
    if actor is None or actor.can(roles.MANAGE_CADRES):
        return True
    if own_cadre(actor) is None:
        return False
    return session is None or session.recorded_by_id == actor.pk


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite() or not Decimal(0) < hours <= MAX_HOURS or hours != hours.quantize(
            Decimal("0.1")):
        raise DomainError("bad_hours", _("学时应大于 0、不超过 %(max)s，最多一位小数。") % {"max": MAX_HOURS}, field="hours")
    return hours


def _attendees(actor: User | None, cadres) -> list[Cadre]:
    cadres = list(cadres)
    if not cadres:
        raise DomainError("attendees_required", _("请选择参加的驻村干部。"), field="attendees")
    own = own_cadre(actor)
    if own is not None and any(cadre.pk != own.pk for cadre in cadres):
        raise PermissionDenied(_("只能记录自己参加的学习培训。"))
    if actor is not None:
        visible = set(Cadre.objects.visible_to(actor).filter(pk__in=[c.pk for c in cadres]).values_list("pk", flat=True))
        if len(visible) != len({c.pk for c in cadres}):
            raise DomainError("unknown_cadre", _("所选的驻村干部不存在，或不在您的管辖范围内。"), field="attendees")
    return cadres


@transaction.atomic
def study_session_save(*, actor: User | None, session: StudySession | None = None, title: str, kind: str,
                       held_on: datetime.date, hours, organiser: str = "", note: str = "",
                       attendees) -> StudySession:
    if not may_record(actor, session):
        raise PermissionDenied(_("您的角色不能记录学习培训。"))
    if kind not in StudySession.Kind.values:
        raise DomainError("bad_kind", _("请选择学习形式。"), field="kind")
    if held_on > timezone.localdate() or held_on.year < 2000:
        raise DomainError("bad_date", _("日期不能晚于今天。"), field="held_on")
    cadres = _attendees(actor, attendees)
    is_new = session is None
    session = session or StudySession(recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                                      region_code=(getattr(actor, "scope_id", "") or ""))
    before = {} if is_new else {**snapshot(session), "attendees": sorted(session.attendance.values_list("cadre_id", flat=True))}
    session.title = check_text(title, field="title", required=True, max_length=200)
    session.organiser = check_text(organiser, field="organiser", max_length=100)
    session.note = check_text(note, field="note")
    session.kind, session.held_on, session.hours = kind, held_on, _hours(hours)
    session.save()
    wanted = {cadre.pk for cadre in cadres}
    session.attendance.exclude(cadre_id__in=wanted).delete()
    StudyAttendance.objects.bulk_create([StudyAttendance(session=session, cadre_id=pk) for pk in sorted(wanted)],
                                        ignore_conflicts=True)
    after = {**snapshot(session), "attendees": sorted(wanted)}
    old, new = changed_fields(before, after)
    if new:
        audit_record(actor=actor, action="study.save", obj=session, region_code=session.region_code,
                     before=old or None, after=new)
    return session
