"""The checks the disputes module's writes share: dates (none in the future, none before the step
they follow), a party or petitioner from the registry inside the actor's scope, an outsider's phone."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts.models import User
from minxin.core.errors import DomainError
from minxin.core.guards import require_scope
from minxin.core.identifiers import InvalidIdentifier, normalize_phone
from minxin.core.types import Actor
from minxin.registry.models import Member


def past_date(day: datetime.date | None, field: str, *, required: bool = True) -> None:
    """A date of something done: not in the future (in Asia/Shanghai), not before 2000."""
    if day is None:
        if required:
            raise DomainError("date_required", _("请填写日期。"), field=field)
        return
    if day > timezone.localdate():
        raise DomainError("future_date", _("日期不能晚于今天。"), field=field)
    if day.year < 2000:
        raise DomainError("bad_date", _("日期不能早于 2000 年。"), field=field)


def not_before(day: datetime.date, earlier: datetime.date | None, *, field: str, what: str) -> None:
    """`day` is on or after `earlier` (the date of the step it follows, named by `what`)."""
    if earlier is not None and day < earlier:
        raise DomainError("before_previous", _("日期不能早于%(what)s（%(date)s）。") % {
            "what": what, "date": f"{earlier:%Y-%m-%d}"}, field=field)


def deadline_not_before(day: datetime.date | None, start: datetime.date, *, field: str) -> None:
    """A deadline set for later is not earlier than the day it was recorded for."""
    if day is not None and day < start:
        raise DomainError("deadline_before", _("期限不能早于记录日期（%(date)s）。") % {"date": f"{start:%Y-%m-%d}"},
                          field=field)


def phone(value: str, field: str = "phone") -> str:
    try:
        return normalize_phone(value)
    except InvalidIdentifier as exc:
        raise DomainError("bad_phone", str(exc), field=field) from None


def member_in_scope(actor: Actor | None, member_id: int | None, *, field: str) -> Member | None:
    """The villager `member_id` when the actor sees it; anything else is answered as not found."""
    if member_id is None:
        return None
    member = Member.objects.filter(pk=member_id).select_related("household").first()
    message = _("该村民不存在或不在您的管辖范围内。")
    if member is None:
        raise DomainError("member_outside", message, field=field)
    require_scope(actor, member.village_code, field=field, error="member_outside", message=message)
    return member


def step_date(day: datetime.date, case: Any) -> None:
    """The date of a case's step: not in the future, not before the case's last step."""
    past_date(day, "done_on")
    last = case.steps.order_by("-done_on").values_list("done_on", flat=True).first()
    not_before(day, last, field="done_on", what=_("上一环节的日期"))


def needs_note(note: str, message: str) -> None:
    """A step whose note is what it records (measures, findings, a reason) refuses it empty."""
    if not note:
        raise DomainError("note_required", message, field="note")


def acting_user(actor: User | None) -> User | None:
    """The user a record names as its author (none for the system: a command, a job)."""
    return actor if getattr(actor, "is_authenticated", False) else None
