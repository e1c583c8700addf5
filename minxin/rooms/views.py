"""Pages of the liaison rooms: the list (with its .xlsx), a room's page (checklist, money,
evaluations, ledger lines), the forms that open and keep a room, record money and grade it, the
arrears by payer, the construction budget and the rooms' ledger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.core import pages
from minxin.core.errors import PermissionDenied
from minxin.core.pages import require, run
from minxin.core.params import recent_years, year_param
from minxin.regions.selectors import region_filter
from minxin.rooms import exports, selectors, services
from minxin.rooms.checklist import DISCLOSURE_DAYS, GRADES, RUBRIC, STANDARDS
from minxin.rooms.forms import (
    BudgetForm,
    EvaluationForm,
    LevyForm,
    ReceiptForm,
    ReverseForm,
    RoomForm,
    SpendingForm,
    unit_choices,
)
from minxin.rooms.models import Payer, Receipt, Room, Spending

NAV = "rooms"


def _region(request):
    return region_filter(user=request.user, code=request.GET.get("village"))


@login_required
def room_list(request):
    region = _region(request)
    grade, opened = request.GET.get("grade", ""), request.GET.get("opened", "")
    rows = selectors.room_list(user=request.user, region=region.prefix if region else None, grade=grade,
                               opened=opened)
    return pages.list_page(request, rows, "rooms/room_list.html", nav=NAV, export=exports.rooms, region=region,
                           grade=grade, opened=opened, grades=GRADES, standards_total=len(STANDARDS),
                           page_extra=lambda shown: {"balances": selectors.balances(shown)},
                           can_open=request.user.can(roles.MANAGE_ROOMS))


@login_required
def room_new(request):
    require(request.user, roles.MANAGE_ROOMS)
    form = RoomForm(request.POST or None, villages=selectors.villages_without_room(user=request.user),
                    units=unit_choices(request.user))
    if request.method == "POST" and form.is_valid():
        room = run(form, lambda: services.room_open(actor=request.user, village=form.cleaned_data["village"],
                                                    **form.values()))
        if room is not None:
            messages.success(request, _("干群连心室已建档。"))
            return redirect("rooms:room-detail", room.pk)
    return pages.form_page(request, form, _("新建干群连心室"), back="rooms:room-list", nav=NAV,
                           intro=_("每村一个干群连心室，参照村级党群服务中心建设标准（GB/T 38699-2020）。"))


@login_required
def room_detail(request, pk):
    room = selectors.room_get(user=request.user, pk=pk)
    user = request.user
    dues = list(selectors.dues(user=user).filter(room=room))
    today = timezone.localdate()
    return render(request, "rooms/room_detail.html", {
        "room": room, "nav_active": NAV, "today": today,
        "standards": [(label, bool(room.standards.get(code))) for code, label in STANDARDS],
        "disclosure_late": room.disclosed_on is None or (today - room.disclosed_on).days > DISCLOSURE_DAYS,
        "balance": selectors.balances([room])[room.village_id],
        "dues": dues, "by_payer": selectors.arrears_by_payer(selectors.dues(user=user).filter(room=room)),
        "receipts": selectors.receipts(user=user, room=room),
        "spendings": selectors.spendings(user=user, room=room),
        "evaluations": selectors.evaluations(user=user, room=room), "rubric": RUBRIC,
        "can_keep": user.can(roles.KEEP_ROOMS), "can_manage": user.can(roles.MANAGE_ROOMS),
        "can_fund": user.can(roles.FUND_ROOMS),
        "can_receive": user.can(roles.FUND_ROOMS) or (user.can(roles.PAY_ROOMS) and any(
            due.payer == Payer.UNIT and due.remaining_fen > 0 and due.sending_unit_id == user.sending_unit_id
            for due in dues))})


@login_required
def room_edit(request, pk):
    room = selectors.room_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_ROOMS)
    units = unit_choices(request.user) if request.user.can(roles.MANAGE_ROOMS) else None
    form = RoomForm(request.POST or None, instance=room, units=units)
    if request.method == "POST" and form.is_valid() and run(
            form, lambda: services.room_edit(actor=request.user, room=room, **form.values())):
        messages.success(request, _("已保存。"))
        return redirect("rooms:room-detail", room.pk)
    return pages.form_page(request, form, _("修改：%(room)s") % {"room": room},
                           back=reverse("rooms:room-detail", args=[room.pk]), nav=NAV)


def _receivable(request, room: Room):
    """The dues of `room` the user may record a tranche against (outstanding; a liaison its own unit's)."""
    rows = selectors.dues(user=request.user, outstanding=True).filter(room=room)
    if not request.user.can(roles.FUND_ROOMS):
        if not request.user.can(roles.PAY_ROOMS):
            raise PermissionDenied()
        rows = rows.filter(payer=Payer.UNIT, sending_unit_id=request.user.sending_unit_id)
    return rows


@login_required
def receipt_new(request, pk):
    room = selectors.room_get(user=request.user, pk=pk)
    form = ReceiptForm(request.POST or None, dues=_receivable(request, room))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        receipt = run(form, lambda: services.receipt_record(
            actor=request.user, due=data["due"], amount=data["amount"], received_on=data["received_on"],
            reference=data["reference"], idempotency_key=data["idempotency_key"]))
        if receipt is not None:
            messages.success(request, _("到账已登记：%(amount)s 元。") % {"amount": receipt.amount})
            return redirect("rooms:room-detail", room.pk)
    return pages.form_page(request, form, _("登记经费到账：%(room)s") % {"room": room},
                           back=reverse("rooms:room-detail", args=[room.pk]), nav=NAV,
                           intro=_("按实际到账登记，每笔不超过该笔应拨经费尚欠的金额；登记错误由县级冲销后重新登记。"))


@login_required
def spending_new(request, pk):
    room = selectors.room_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_ROOMS)
    kinds = list(Spending.Kind.values) if request.user.can(roles.FUND_ROOMS) else [Spending.Kind.WORKING]
    form = SpendingForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spending = run(form, lambda: services.spending_record(
            actor=request.user, room=room, kind=data["kind"], amount=data["amount"], spent_on=data["spent_on"],
            purpose=data["purpose"], idempotency_key=data["idempotency_key"]))
        if spending is not None:
            messages.success(request, _("支出已登记：%(amount)s 元。") % {"amount": spending.amount})
            return redirect("rooms:room-detail", room.pk)
    return pages.form_page(request, form, _("登记经费支出：%(room)s") % {"room": room},
                           back=reverse("rooms:room-detail", args=[room.pk]), nav=NAV,
                           intro=_("工作经费从本室工作经费余额中支出，建设经费从全县建设经费预算中支出，均不能超支。"))


@login_required
def evaluation_new(request, pk):
    room = selectors.room_get(user=request.user, pk=pk)
    require(request.user, roles.MANAGE_ROOMS)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evaluation = run(form, lambda: services.evaluation_record(
            actor=request.user, room=room, year=data["year"], half=data["half"], evaluated_on=data["evaluated_on"],
            scores=form.scores(), note=data["note"]))
        if evaluation is not None:
            messages.success(request, _("评估已保存：%(total)d 分，%(grade)s。") % {
                "total": evaluation.total, "grade": evaluation.get_grade_display()})
            return redirect("rooms:room-detail", room.pk)
    return pages.form_page(request, form, _("半年评估：%(room)s") % {"room": room},
                           back=reverse("rooms:room-detail", args=[room.pk]), nav=NAV,
                           intro=_("每半年考核评估、分类定级：按评估项目逐项打分（满分 100），按县定标准评定好、较好、一般、较差。"))


@login_required
def levy(request):
    require(request.user, roles.MANAGE_ROOMS)
    form = LevyForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        count = run(form, lambda: services.levy_all(actor=request.user, year=form.cleaned_data["year"]))
        if count is not None:
            messages.success(request, _("已为 %(n)d 个干群连心室生成应拨经费。") % {"n": count})
            return redirect("rooms:arrears")
    return pages.form_page(request, form, _("生成年度应拨经费"), back="rooms:arrears", nav=NAV,
                           intro=_("为管辖范围内已启用、尚未生成该年度应拨经费的干群连心室生成工作经费应拨数（市、县、派出单位按 2:3:5 分担，"
                                   "合计精确到分）；已生成的不会重复生成。"))


@login_required
def entry_reverse(request, kind, pk):
    model = {"receipt": Receipt, "spending": Spending}.get(kind)
    if model is None:
        raise Http404("kind")
    record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    room = record.due.room if isinstance(record, Receipt) else record.room
    require(request.user, roles.FUND_ROOMS)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run(form, lambda: services.entry_reverse(
            actor=request.user, record=record, reason=form.cleaned_data["reason"])):
        messages.success(request, _("已冲销。"))
        return redirect("rooms:room-detail", room.pk)
    return pages.form_page(request, form, _("冲销：%(record)s") % {"record": record},
                           back=reverse("rooms:room-detail", args=[room.pk]), nav=NAV, submit=_("冲销"),
                           intro=_("记账不能修改或删除；冲销会记一笔金额相反的凭证，原凭证保留。"))


@login_required
def arrears(request):
    region = _region(request)
    year = year_param(request.GET.get("year"))
    payer = request.GET.get("payer", "")
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.dues(user=request.user, region=region.prefix if region else None, year=year,
                          payer=payer if payer in Payer.values else "", outstanding=True, overdue=overdue)
    return pages.list_page(request, rows, "rooms/arrears.html", nav=NAV, export=exports.dues, region=region,
                           year=year, years=recent_years(), payer=payer, payers=Payer.choices, overdue=overdue,
                           totals=selectors.arrears_by_payer(rows), today=timezone.localdate(),
                           can_levy=request.user.can(roles.MANAGE_ROOMS))


@login_required
def construction(request):
    user = request.user
    budget = selectors.construction(user=user)
    form = None
    if budget is not None and user.can(roles.FUND_ROOMS):
        form = BudgetForm(request.POST or None, initial={"allotted_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if run(form, lambda: services.budget_allot(
                    actor=user, county_code=budget["county"], amount=data["amount"],
                    allotted_on=data["allotted_on"], memo=data["memo"],
                    idempotency_key=data["idempotency_key"])) is not None:
                messages.success(request, _("建设经费预算已下达。"))
                return redirect("rooms:construction")
    elif request.method == "POST":
        raise PermissionDenied()
    rows = selectors.spendings(user=user, kind=Spending.Kind.CONSTRUCTION)
    return pages.list_page(request, rows, "rooms/construction.html", nav=NAV, export=exports.spendings, budget=budget,
                           form=form)
