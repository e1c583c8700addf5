"""A village's development plan (村发展规划): its page with the items and their completion, and the
forms that write them (services_plan.py)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from minxin.core import pages
from minxin.core.pages import run
from minxin.registry import permissions, selectors, services_plan
from minxin.registry.forms import PlanItemForm, VillagePlanForm
from minxin.registry.views import NAV

_form_page = partial(pages.form_page, nav=NAV)


def _require_edit(user) -> None:
    if not permissions.can_edit(user):
        raise PermissionDenied


@login_required
def plan_detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)  # its items counted
    return render(request, "registry/plan_detail.html", {
        "plan": plan, "items": selectors.plan_items(plan=plan), "done": plan.done, "total": plan.total,
        "share": round(100 * plan.done / plan.total) if plan.total else None,
        "can_edit": permissions.can_edit(request.user), "nav_active": NAV})


@login_required
def plan_new(request, code):
    village = selectors.village_get(user=request.user, code=code)
    _require_edit(request.user)
    form = VillagePlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = run(form, lambda: services_plan.plan_save(actor=request.user, village=village, **form.cleaned_data))
        if plan:
            messages.success(request, _("已建立村发展规划，请逐项添加规划事项。"))
            return redirect("registry:plan-detail", pk=plan.pk)
    return _form_page(request, form, _("新建村发展规划：%(name)s") % {"name": village.name},
                      back=reverse("registry:village-file", args=[village.code]))


@login_required
def plan_edit(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    _require_edit(request.user)
    form = VillagePlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid() and run(
            form, lambda: services_plan.plan_save(actor=request.user, village=plan.village, plan=plan,
                                                  **form.cleaned_data)):
        messages.success(request, _("已保存。"))
        return redirect("registry:plan-detail", pk=plan.pk)
    return _form_page(request, form, _("编辑规划：%(title)s") % {"title": plan.title},
                      back=reverse("registry:plan-detail", args=[plan.pk]))


def _item_form(request, plan, item=None):
    form = PlanItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid() and run(
            form, lambda: services_plan.plan_item_save(actor=request.user, plan=plan, item=item, **form.cleaned_data)):
        messages.success(request, _("规划事项已保存。"))
        return redirect("registry:plan-detail", pk=plan.pk)
    title = _("编辑规划事项") if item else _("添加规划事项")
    return _form_page(request, form, title, back=reverse("registry:plan-detail", args=[plan.pk]))


@login_required
def plan_item_new(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    _require_edit(request.user)
    return _item_form(request, plan)


@login_required
def plan_item_edit(request, pk):
    item = selectors.plan_item_get(user=request.user, pk=pk)
    _require_edit(request.user)
    return _item_form(request, item.plan, item)
