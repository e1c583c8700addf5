"""Writes of the disputes module: screenings and the county's sensitive periods. Each is atomic,
checks the actor's right and scope, and writes an audit event."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.core.audit import audit_record, snapshot
from minxin.core.errors import DomainError
from minxin.core.guards import require, require_scope
from minxin.core.validation import check_text
from minxin.disputes.checks import past_date
from minxin.disputes.models import Screening, SensitivePeriod
from minxin.regions import codes
from minxin.regions.models import Region

MAX_FOUND = 999


@transaction.atomic
def screening_record(*, actor: User | None, village: Region, screened_on: datetime.date, found: int = 0,
                     note: str = "") -> Screening:
    """A village's screening; `found` 0 is a nil report (零报告). What was found must be described."""
    require(actor, roles.RECORD_FIELDWORK)
    if village.level != codes.VILLAGE:
        raise DomainError("not_village", _("排查按村填报，请选择村。"), field="village")
    require_scope(actor, village.code, field="village")
    past_date(screened_on, "screened_on")
    if not 0 <= found <= MAX_FOUND:
        raise DomainError("bad_found", _("件数应在 0 到 %(max)d 之间。") % {"max": MAX_FOUND}, field="found")
    note = check_text(note, field="note")
    if found and not note:
        raise DomainError("note_required", _("排查出矛盾纠纷时，请写明是什么纠纷、涉及哪些人。"), field="note")
    screening = Screening.objects.create(village=village, screened_on=screened_on, found=found, note=note,
                                         recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="screening.record", obj=screening, region_code=village.code,
                 after=snapshot(screening, exclude=("recorded_by",)))
    return screening


@transaction.atomic
def sensitive_period_declare(*, actor: User | None, name: str, start: datetime.date,
                             end: datetime.date) -> SensitivePeriod:
    """A county declares a sensitive period: its villages screen weekly during it. The county is the
    declaring administrator's (the system's, MINXIN_COUNTY_CODE, for a command)."""
    require(actor, roles.DECLARE_SENSITIVE)
    county = codes.county_of(actor.scope_id or "") if actor is not None else settings.MINXIN_COUNTY_CODE
    if county is None:
        raise DomainError("not_county", _("敏感时期由县里发布。"))
    name = check_text(name, field="name", required=True, max_length=100)
    if end < start:
        raise DomainError("end_before_start", _("结束日期早于开始日期。"), field="end")
    if (end - start).days > 366:
        raise DomainError("too_long", _("敏感时期不超过一年。"), field="end")
    period = SensitivePeriod.objects.create(county_code=county, name=name, start=start, end=end,
                                            declared_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="sensitive_period.declare", obj=period, region_code=county,
                 after=snapshot(period, exclude=("declared_by",)))
    return period
