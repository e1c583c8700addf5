"""四位一体 supervision: inspections, findings, manual scores and rectification tasks."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.assessment import indicators as registry
from minxin.assessment.models import Finding, Inspection, ManualScore, Period, Rectification
from minxin.assessment.services.common import clean_text
from minxin.assessment.window import Window
from minxin.cadres.models import Cadre
from minxin.core.audit import audit_record, snapshot
from minxin.core.errors import DomainError
from minxin.core.guards import require, require_scope
from minxin.core.scoping import scope_q
from minxin.regions import codes
from minxin.regions.models import Region


@transaction.atomic
def inspection_record(*, actor: User, kind: str, village: Region, date: datetime.date, summary: str = "") -> Inspection:
    require(actor, roles.SUPERVISE)
    if village.level != codes.VILLAGE:
        raise DomainError("not_a_village", _("督查对象必须是村（社区）。"), field="village")
    require_scope(actor, village.code, field="village")
    if kind not in Inspection.Kind.values:
        raise DomainError("invalid_kind", _("请选择督查类型。"), field="kind")
    if date > timezone.localdate():
        raise DomainError("future_date", _("督查日期不能晚于今天。"), field="date")
    inspection = Inspection.objects.create(kind=kind, village=village, date=date, inspector=actor,
                                           summary=summary.strip())
    audit_record(actor=actor, action="inspection.create", obj=inspection, region_code=village.code,
                 after=snapshot(inspection))
    return inspection


def _cadre_here(actor: User | None, inspection: Inspection, cadre: Cadre, field: str = "cadre") -> None:
    """The cadre must be in the actor's scope and have served in the inspected village."""
    if actor is not None and not (actor.in_scope(cadre.region_code)
                                  or cadre.assignments.filter(scope_q(actor, "village__code")).exists()):
        raise DomainError("scope_outside", _("%(name)s 不在您的管辖范围内，不能评分或登记问题。")
                          % {"name": cadre.name}, field=field)
    if not cadre.assignments.filter(village_id=inspection.village_id).exists():
        raise DomainError("not_in_village", _("%(name)s 不在%(village)s驻村。")
                          % {"name": cadre.name, "village": inspection.village.name}, field=field)


@transaction.atomic
def finding_record(*, actor: User | None, inspection: Inspection, text: str, cadre: Cadre | None = None, indicator: str = "",
                   severity: str = Finding.Severity.GENERAL, unexcused_absence: bool = False,
                   deadline: datetime.date | None = None) -> Finding:
    """A problem found on an inspection; with a deadline it opens a rectification task."""
    require(actor, roles.SUPERVISE)
    require_scope(actor, inspection.village_id)
    text = clean_text(text, field="text", message=_("请填写发现的问题。"))
    if cadre is not None:
        _cadre_here(actor, inspection, cadre)
    if unexcused_absence and cadre is None:
        raise DomainError("cadre_required", _("无故不在岗必须指明驻村干部。"), field="cadre")
    if indicator and registry.get(indicator) is None:
        raise DomainError("unknown_indicator", _("未知指标：%(code)s") % {"code": indicator}, field="indicator")
    if deadline is not None and deadline < inspection.date:
        raise DomainError("deadline_before", _("整改期限不能早于督查日期。"), field="deadline")
    finding = Finding.objects.create(inspection=inspection, cadre=cadre, indicator=indicator, severity=severity,
                                     text=text, unexcused_absence=unexcused_absence)
    after = snapshot(finding)
    if deadline is not None:
        task = Rectification.objects.create(finding=finding, deadline=deadline)
        after["rectification_deadline"] = task.deadline.isoformat()
    audit_record(actor=actor, action="finding.create", obj=finding, region_code=inspection.village_id, after=after)
    return finding


def _window_published(inspection: Inspection) -> Period | None:
    """The inspected county's quarter of the inspection, if it is published already."""
    day = inspection.date
    return Period.objects.filter(county_code=codes.county_of(inspection.village_id), year=day.year,
                                 quarter=(day.month - 1) // 3 + 1, status=Period.Status.PUBLISHED).first()


@transaction.atomic
def manual_score_record(*, actor: User | None, inspection: Inspection, cadre: Cadre, indicator: str, score: Any,
                        note: str = "") -> ManualScore:
    """Score a manual indicator 0–100 for a cadre on an inspection (again = replace). Refused for a
    quarter already published, for a cadre outside the actor's scope, and out of range."""
    require(actor, roles.SUPERVISE)
    require_scope(actor, inspection.village_id)
    ind = registry.get(indicator)
    if ind is None or ind.is_auto:
        raise DomainError("not_manual", _("“%(code)s”不是人工评分指标（自动指标由记录计算）。") % {"code": indicator},
                          field="indicator")
    try:
        value = Decimal(str(score).strip())
    except (InvalidOperation, ValueError):
        value = Decimal(-1)
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise DomainError("score_out_of_range", _("得分应在 0 到 100 之间，您填写的是 %(value)s。") % {"value": score},
                          field="score")
    _cadre_here(actor, inspection, cadre)
    published = _window_published(inspection)
    if published is not None:
        raise DomainError("period_published", _("%(period)s已发布，不能再为该季度评分。") % {"period": published})
    existing = ManualScore.objects.filter(inspection=inspection, cadre=cadre, indicator=indicator).first()
    before = None if existing is None else {"score": str(existing.score), "note": existing.note}
    record, _created = ManualScore.objects.update_or_create(
        inspection=inspection, cadre=cadre, indicator=indicator,
        defaults={"score": value.quantize(Decimal("0.01")), "note": note.strip()[:500]})
    audit_record(actor=actor, action="manual_score.save", obj=record, region_code=inspection.village_id,
                 before=before, after={"cadre": cadre.pk, "indicator": indicator, "score": str(record.score),
                                       "quarter": Window(inspection.date.year, (inspection.date.month - 1) // 3 + 1).code})
    return record


@transaction.atomic
def rectification_update(*, actor: User | None, task: Rectification, done: bool, result: str) -> Rectification:
    require(actor, roles.SUPERVISE)
    task = Rectification.objects.select_for_update(of=("self",)).select_related("finding__inspection").get(pk=task.pk)
    require_scope(actor, task.finding.inspection.village_id)
    result = clean_text(result, field="result", message=_("请填写整改情况。"))
    before = {"status": task.status, "result": task.result}
    task.result = result
    if done:
        task.status, task.closed_at, task.closed_by = Rectification.Status.DONE, timezone.now(), actor
    task.save()
    audit_record(actor=actor, action="rectification.update", obj=task,
                 region_code=task.finding.inspection.village_id, before=before,
                 after={"status": task.status, "result": result})
    return task
