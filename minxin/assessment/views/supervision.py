"""Supervision pages: inspections with their findings and manual scores, rectification tasks."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.assessment import exports, selectors, services
from minxin.assessment.forms import FindingForm, InspectionForm, ManualScoreForm, RectificationForm
from minxin.assessment.models import Inspection, Rectification
from minxin.assessment.views.common import form_page
from minxin.core.pages import list_page, require, run

NAV = "assessment"


@login_required
def inspection_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in Inspection.Kind.values else ""
    inspections = selectors.inspection_list(user=request.user, kind=kind or None)
    return list_page(request, inspections, "assessment/inspection_list.html", nav=NAV,
                     export=partial(exports.export, "inspections", name=str(_("督查记录"))), kind=kind,
                     kinds=Inspection.Kind.choices, can_supervise=request.user.can(roles.SUPERVISE))


@login_required
def inspection_new(request):
    require(request.user, roles.SUPERVISE)
    form = InspectionForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        inspection = run(form, lambda: services.inspection_record(actor=request.user, **form.cleaned_data))
        if inspection:
            messages.success(request, _("督查已登记，可继续登记发现的问题和评分。"))
            return redirect("assessment:inspection", pk=inspection.pk)
    return form_page(request, form, _("登记督查"), back="assessment:inspection-list")


@login_required
def inspection_detail(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    return render(request, "assessment/inspection_detail.html", {
        "inspection": inspection, "findings": selectors.inspection_findings(inspection=inspection),
        "scores": selectors.inspection_scores(inspection=inspection), "nav_active": NAV,
        "can_supervise": request.user.can(roles.SUPERVISE),
    })


@login_required
def finding_new(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    require(request.user, roles.SUPERVISE)
    form = FindingForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        finding = run(form, lambda: services.finding_record(actor=request.user, inspection=inspection,
                                                            **form.cleaned_data))
        if finding:
            messages.success(request, _("已登记发现的问题。"))
            return redirect("assessment:inspection", pk=pk)
    return form_page(request, form, _("登记发现的问题：%(v)s %(d)s") % {"v": inspection.village.name,
                                                                  "d": inspection.date},
                     back="assessment:inspection-list")


@login_required
def score_new(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    require(request.user, roles.SUPERVISE)
    form = ManualScoreForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        saved = run(form, lambda: services.manual_score_record(actor=request.user, inspection=inspection,
                                                               **form.cleaned_data))
        if saved:
            messages.success(request, _("已评分：%(name)s %(score)s 分。") % {"name": saved.cadre.name,
                                                                        "score": saved.score})
            return redirect("assessment:inspection", pk=pk)
    return form_page(request, form, _("人工评分：%(v)s %(d)s") % {"v": inspection.village.name, "d": inspection.date},
                     back="assessment:inspection-list",
                     intro=_("只对人工评分指标打分（0–100）；自动指标由平台记录计算，无需填写。"))


@login_required
def rectification_list(request):
    status = request.GET.get("status", Rectification.Status.OPEN)
    status = status if status in Rectification.Status.values else ""
    tasks = selectors.rectification_list(user=request.user, status=status or None)
    return list_page(request, tasks, "assessment/rectification_list.html", nav=NAV,
                     export=partial(exports.export, "rectifications", name=str(_("整改任务"))), status=status,
                     statuses=Rectification.Status.choices, can_supervise=request.user.can(roles.SUPERVISE))


@login_required
def rectification_update(request, pk):
    task = selectors.rectification_get(user=request.user, pk=pk)
    require(request.user, roles.SUPERVISE)
    form = RectificationForm(request.POST or None, initial={"result": task.result})
    if request.method == "POST" and form.is_valid():
        done = run(form, lambda: services.rectification_update(actor=request.user, task=task,
                                                               done=form.cleaned_data["done"],
                                                               result=form.cleaned_data["result"]))
        if done:
            messages.success(request, _("整改情况已更新。"))
            return redirect("assessment:rectification-list")
    return form_page(request, form, _("整改：%(text)s") % {"text": task.finding.text[:40]},
                     back="assessment:rectification-list",
                     intro=_("期限 %(d)s · %(status)s") % {"d": task.deadline, "status": task.get_status_display()})
