"""Writes of a village's development plan (村发展规划) and its items: who may edit the registry, inside
their scope; each write an audit event against the plan's village."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts.models import User
from minxin.core.audit import audit_record, changed_fields, snapshot
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.guards import require_scope
from minxin.core.validation import check_text
from minxin.regions.models import Region
from minxin.registry import permissions
from minxin.registry.models import PlanItem, VillagePlan

YEARS = range(2000, 2101)


def _require_edit(actor: User | None, village_code: str) -> None:
    if actor is not None and not permissions.can_edit(actor):
        raise PermissionDenied(_("您的角色不能编辑村发展规划。"))
    require_scope(actor, village_code)


@transaction.atomic
def plan_save(*, actor: User | None, village: Region, plan: VillagePlan | None = None, title: str, start_year: int,
              end_year: int, approved_on: datetime.date | None = None, summary: str = "") -> VillagePlan:
    _require_edit(actor, village.code)
    if start_year not in YEARS or end_year not in YEARS:
        raise DomainError("bad_year", _("年度应在 2000 到 2100 之间。"), field="start_year")
    if end_year < start_year or end_year - start_year > 10:
        raise DomainError("bad_years", _("截止年度应不早于起始年度，且规划期不超过 10 年。"), field="end_year")
    if approved_on is not None and approved_on > timezone.localdate():
        raise DomainError("future", _("通过日期不能晚于今天。"), field="approved_on")
    plan = plan or VillagePlan(village=village, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    before = snapshot(plan) if plan.pk else {}
    plan.title = check_text(title, field="title", required=True, max_length=200)
    plan.summary = check_text(summary, field="summary")
    plan.start_year, plan.end_year, plan.approved_on = start_year, end_year, approved_on
    plan.save()
    old, new = changed_fields(before, snapshot(plan))
    if new:
        audit_record(actor=actor, action="village_plan.save", obj=plan, region_code=village.code, before=old or None,
                     after=new)
    return plan


@transaction.atomic
def plan_item_save(*, actor: User | None, plan: VillagePlan, item: PlanItem | None = None, title: str, category: str,
                   due_on: datetime.date, status: str = PlanItem.Status.PLANNED, done_on: datetime.date | None = None,
                   progress_note: str = "") -> PlanItem:
    """Add or change an item; 已完成 needs its completion date (not in the future), any other status has none."""
    _require_edit(actor, plan.village_id)
    if category not in PlanItem.Category.values:
        raise DomainError("bad_category", _("请选择类别。"), field="category")
    if status not in PlanItem.Status.values:
        raise DomainError("bad_status", _("请选择状态。"), field="status")
    if due_on.year not in YEARS:
        raise DomainError("bad_date", _("计划完成日期不正确。"), field="due_on")
    if status == PlanItem.Status.DONE:
        if done_on is None:
            raise DomainError("done_on_required", _("已完成的事项请填写完成日期。"), field="done_on")
        if done_on > timezone.localdate():
            raise DomainError("future", _("完成日期不能晚于今天。"), field="done_on")
    else:
        done_on = None
    item = item or PlanItem(plan=plan)
    before = snapshot(item) if item.pk else {}
    item.title = check_text(title, field="title", required=True, max_length=200)
    item.progress_note = check_text(progress_note, field="progress_note", max_length=500)
    item.category, item.due_on, item.status, item.done_on = category, due_on, status, done_on
    item.save()
    old, new = changed_fields(before, snapshot(item))
    if new:
        audit_record(actor=actor, action="plan_item.save", obj=item, region_code=plan.village_id, before=old or None,
                     after=new)
    return item
