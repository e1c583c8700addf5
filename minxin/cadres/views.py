from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.accounts import roles
from minxin.cadres import selectors, services
from minxin.cadres.forms import (
    AssignmentEndForm,
    AssignmentForm,
    CadreForm,
    InsuranceForm,
    LeaveDecisionForm,
    LeaveForm,
    SendingUnitForm,
    UnitStaffForm,
)
from minxin.cadres.models import LeaveRequest
from minxin.core import pages
from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.core.masking import masked_initial, unmasked_input
from minxin.core.pages import act, require, run
from minxin.core.privacy import reveal_identifier
from minxin.core.xlsx import xlsx_response
from minxin.regions.selectors import region_filter

_form_page = partial(pages.form_page, nav="cadres", template="cadres/form.html")


@login_required
def cadre_list(request):
    region = region_filter(user=request.user, code=request.GET.get("village"))
    uninsured = request.GET.get("uninsured") == "1"
    q = request.GET.get("q", "").strip()
    cadres = selectors.cadre_list(user=request.user, village=region.prefix if region else None, q=q,
                                  uninsured=uninsured)
    return pages.list_page(request, cadres, "cadres/list.html", nav="cadres", export=_cadres_xlsx, region=region, q=q,
                           uninsured=uninsured, can_manage=request.user.can(roles.MANAGE_CADRES))


def _cadres_xlsx(cadres):
    headers = [_("姓名"), _("性别"), _("出生年份"), _("身份证号"), _("电话"), _("中共党员"), _("派出单位"),
               _("原单位职务"), _("当前驻村"), _("驻村职务"), _("驻村起始"), _("有效保险")]

    def rows():
        for c in cadres:
            current = c.active_assignments[0] if c.active_assignments else None
            yield [c.name, c.get_sex_display(), c.birth_date.year, mask_id_number(c.id_number), mask_phone(c.phone),
                   c.is_party_member, c.sending_unit.name, c.post,
                   f"{current.village.parent.name} {current.village.name}" if current else "",
                   current.get_role_display() if current else "", current.start_date if current else None,
                   c.has_cover]

    return xlsx_response(filename="驻村干部.xlsx", sheet=_("驻村干部"), headers=headers, rows=rows())


@login_required
def cadre_detail(request, pk):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    user = request.user
    return render(request, "cadres/detail.html", {
        "cadre": cadre,
        "assignments": selectors.cadre_assignments(cadre=cadre),
        "insurances": selectors.cadre_insurances(cadre=cadre),
        "insurance": selectors.insurance_status(cadre=cadre),
        "leaves": selectors.cadre_leaves(cadre=cadre),
        "study": selectors.cadre_study(cadre=cadre, year=timezone.localdate().year),
        "can_manage": user.can(roles.MANAGE_CADRES),
        "can_assign": user.can(roles.MANAGE_ASSIGNMENTS),
        "can_insure": user.can(roles.MANAGE_INSURANCE)
        and (user.role != roles.Role.SENDING_UNIT or user.sending_unit_id == cadre.sending_unit_id),
        "can_leave": user.can(roles.REQUEST_LEAVE) and (user.role != roles.Role.CADRE or cadre.user_id == user.pk),
        "can_reveal": user.can(roles.REVEAL_IDENTIFIERS),
        "end_form": AssignmentEndForm(initial={"end_date": timezone.localdate()}),
        "nav_active": "cadres",
    })


@login_required
@require_POST
def cadre_reveal(request, pk, field):
    """Show one identifier unmasked (an htmx fragment); the reveal is logged."""
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    if field not in ("id_number", "phone"):
        raise Http404
    value = reveal_identifier(actor=request.user, obj=cadre, field=field, region_code=cadre.region_code)
    return render(request, "includes/revealed.html", {"value": value})


@login_required
def cadre_new(request):
    require(request.user, roles.MANAGE_CADRES)
    form = CadreForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        cadre = run(form, lambda: services.cadre_save(actor=request.user, **form.cleaned_data))
        if cadre:
            messages.success(request, _("已登记驻村干部 %(name)s。") % {"name": cadre.name})
            return redirect("cadres:detail", pk=cadre.pk)
    return _form_page(request, form, _("登记驻村干部"), back="cadres:list")


@login_required
def cadre_edit(request, pk):
    cadre = selectors.cadre_get(user=request.user, pk=pk)  # 404 before 403: never confirm existence
    require(request.user, roles.MANAGE_CADRES)
    # The form shows the identifiers masked, as everywhere: opening it reveals nothing. A masked value
    # sent back unchanged keeps the stored one; a corrected one is typed in full.
    initial = {**masked_initial(cadre, "id_number"), **masked_initial(cadre, "phone")}
    form = CadreForm(request.POST or None, instance=cadre, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        stored = selectors.cadre_get(user=request.user, pk=pk)  # validation wrote the input onto `cadre`
        data = {**form.cleaned_data, **{field: unmasked_input(form.cleaned_data[field], stored, field)
                                         for field in ("id_number", "phone")}}
        saved = run(form, lambda: services.cadre_save(actor=request.user, cadre=stored, **data))
        if saved:
            messages.success(request, _("已保存。"))
            return redirect("cadres:detail", pk=pk)
    return _form_page(request, form, _("编辑 %(name)s") % {"name": cadre.name}, back="cadres:list")


@login_required
def assignment_new(request, pk):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    require(request.user, roles.MANAGE_ASSIGNMENTS)
    form = AssignmentForm(request.POST or None, actor=request.user, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid() and run(form, lambda: services.assignment_create(actor=request.user, cadre=cadre, **form.cleaned_data)):
        messages.success(request, _("已安排 %(name)s 驻村。") % {"name": cadre.name})
        return redirect("cadres:detail", pk=pk)
    return _form_page(request, form, _("安排 %(name)s 驻村") % {"name": cadre.name}, back="cadres:list")


@login_required
@require_POST
def assignment_end(request, pk):
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    require(request.user, roles.MANAGE_ASSIGNMENTS)
    form = AssignmentEndForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        act(request, lambda: services.assignment_end(actor=request.user, assignment=assignment,
                                                     end_date=data["end_date"], reason=data["reason"],
                                                     recall=data["recall"]),
            done=_("任职已召回。") if data["recall"] else _("任职已结束。"))
    else:
        messages.error(request, _("请填写有效的结束日期。"))
    return redirect("cadres:detail", pk=assignment.cadre_id)


@login_required
def insurance_new(request, pk):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    require(request.user, roles.MANAGE_INSURANCE)
    form = InsuranceForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run(form, lambda: services.insurance_record(actor=request.user, cadre=cadre, **form.cleaned_data)):
        messages.success(request, _("保险已登记。"))
        return redirect("cadres:detail", pk=pk)
    return _form_page(request, form, _("为 %(name)s 登记意外伤害保险") % {"name": cadre.name}, back="cadres:list")


@login_required
def leave_new(request, pk):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    require(request.user, roles.REQUEST_LEAVE)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run(form, lambda: services.leave_request(actor=request.user, cadre=cadre, **form.cleaned_data)):
        messages.success(request, _("请假申请已提交。"))
        return redirect("cadres:detail", pk=pk)
    return _form_page(request, form, _("%(name)s 请假申请") % {"name": cadre.name}, back="cadres:leave-list",
                      nav="leave")


@login_required
def leave_list(request):
    status = request.GET.get("status", "pending")
    status = status if status in LeaveRequest.Status.values else ""
    leaves = selectors.leave_list(user=request.user, status=status or None)
    user = request.user
    return pages.list_page(request, leaves, "cadres/leave_list.html", nav="leave", export=_leaves_xlsx, status=status,
                           statuses=LeaveRequest.Status.choices, decidable={
                               LeaveRequest.Level.TOWNSHIP: user.can(roles.APPROVE_LEAVE_TOWNSHIP),
                               LeaveRequest.Level.COUNTY: user.can(roles.APPROVE_LEAVE_COUNTY)})


def _leaves_xlsx(leaves):
    return xlsx_response(
        filename="请假.xlsx", sheet=_("请假"),
        headers=[_("驻村干部"), _("开始日期"), _("结束日期"), _("天数"), _("事由"), _("审批层级"), _("状态"),
                 _("审批人"), _("审批意见")],
        rows=([lv.cadre.name, lv.start_date, lv.end_date, lv.days, lv.reason, lv.get_approval_level_display(),
               lv.get_status_display(), str(lv.decided_by or ""), lv.decision_note] for lv in leaves))


@login_required
def leave_decide(request, pk):
    leave = selectors.leave_get(user=request.user, pk=pk)
    form = LeaveDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run(form, lambda: services.leave_decide(
            actor=request.user, leave=leave, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"])):
            messages.success(request, _("已处理请假申请。"))
            return redirect("cadres:leave-list")
    return _form_page(request, form, _("审批 %(name)s 的请假（%(days)s 天）") % {"name": leave.cadre.name, "days": leave.days},
                      back="cadres:leave-list", nav="leave", leave=leave)


@login_required
def unit_list(request):
    units = selectors.sending_unit_list(user=request.user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename="派出单位.xlsx", sheet=_("派出单位"),
            headers=[_("单位名称"), _("层级"), _("单位性质"), _("联系人"), _("联系电话")],
            rows=([u.name, u.get_level_display(), u.get_kind_display(), u.contact_name, mask_phone(u.contact_phone)]
                  for u in units))
    return render(request, "cadres/unit_list.html", {
        "units": units, "nav_active": "units",
        "can_manage": services.may_manage_units(request.user),
    })


@login_required
def unit_detail(request, pk, *, staff_form=None):
    unit = selectors.sending_unit_get(user=request.user, pk=pk)
    cadres = selectors.cadre_list(user=request.user, sending_unit=unit.pk)
    return render(request, "cadres/unit_detail.html", {
        "unit": unit, "cadres": cadres, "nav_active": "units", "staff": selectors.unit_staff(unit=unit),
        "can_manage_unit": services.may_manage_unit(request.user, unit),
        "can_manage_staff": services.may_manage_staff(request.user, unit), "staff_form": staff_form or UnitStaffForm(),
    }, status=400 if staff_form is not None else 200)


@login_required
@require_POST
def unit_staff_new(request, pk):
    unit = selectors.sending_unit_get(user=request.user, pk=pk)
    if not services.may_manage_staff(request.user, unit):
        raise PermissionDenied
    form = UnitStaffForm(request.POST)
    if form.is_valid() and run(form, lambda: services.unit_staff_save(actor=request.user, unit=unit, **form.cleaned_data)):
        messages.success(request, _("已登记单位帮扶干部 %(name)s。") % {"name": form.cleaned_data["name"]})
        return redirect("cadres:unit-detail", pk=unit.pk)
    return unit_detail(request, pk, staff_form=form)


@login_required
@require_POST
def unit_staff_retire(request, pk):
    staff = selectors.unit_staff_get(user=request.user, pk=pk)  # 404 before 403: never confirm existence
    if not services.may_manage_staff(request.user, staff.sending_unit):
        raise PermissionDenied
    act(request, lambda: services.unit_staff_retire(actor=request.user, staff=staff),
        done=_("%(name)s 已离册。") % {"name": staff.name})
    return redirect("cadres:unit-detail", pk=staff.sending_unit_id)


def _unit_form(request, unit=None):
    # Callers have already resolved `unit` in scope (404); who may keep units is the service's rule.
    if not (services.may_manage_units(request.user) if unit is None else services.may_manage_unit(request.user, unit)):
        raise PermissionDenied
    form = SendingUnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        saved = run(form, lambda: services.sending_unit_save(actor=request.user, unit=unit, **form.cleaned_data))
        if saved:
            messages.success(request, _("已保存派出单位 %(name)s。") % {"name": saved.name})
            return redirect("cadres:unit-detail", pk=saved.pk)
    title = _("编辑派出单位") if unit else _("新增派出单位")
    return _form_page(request, form, title, back="cadres:unit-list", nav="units")


@login_required
def unit_new(request):
    return _unit_form(request)


@login_required
def unit_edit(request, pk):
    return _unit_form(request, selectors.sending_unit_get(user=request.user, pk=pk))
