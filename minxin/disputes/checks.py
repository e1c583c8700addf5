"""The checks the disputes module's writes share (dates not in the future and not before the step
they follow are `core.validation`'s): a deadline, a party or petitioner from the registry inside the
actor's scope, an outsider's phone."""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from minxin.core.errors import DomainError
from minxin.core.guards import require_scope
from minxin.core.types import Actor
from minxin.core.validation import not_before, past_date
from minxin.regions import codes
from minxin.registry.models import Member


def deadline_not_before(day: datetime.date | None, start: datetime.date, *, field: str) -> None:
    """A deadline set for later is not earlier than the day it was recorded for."""
    if day is not None and day < start:
        raise DomainError("deadline_before", _("期限不能早于记录日期（%(date)s）。") % {"date": f"{start:%Y-%m-%d}"},
                          field=field)


def member_in_scope(actor: Actor | None, member_id: int | None, *, within: str, field: str) -> Member | None:
    """The villager `member_id` when the actor sees it and it lives in the region `within` (the case's
    village, the petition's village or township): whoever reads the case there reads its parties.
    One the actor does not see is answered as not found; one from elsewhere is entered by name."""
    if member_id is None:
        return None
    member = Member.objects.filter(pk=member_id).select_related("household").first()
    message = _("该村民不存在或不在您的管辖范围内。")
    if member is None:
        raise DomainError("member_outside", message, field=field)
    require_scope(actor, member.village_code, field=field, error="member_outside", message=message)
    if not member.village_code.startswith(codes.prefix_of(within)):
        raise DomainError("member_elsewhere", _("该村民不属于本案所在的村（乡镇）；外村（乡镇）的当事人请只填写姓名、电话和住址。"),
                          field=field)
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
