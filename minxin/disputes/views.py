"""Disputes pages: screenings (their list, the form that files one, the villages that missed one)
and the county's sensitive periods."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.core import pages
from minxin.core.pages import require, run
from minxin.core.params import month_param, recent_years, year_param
from minxin.disputes import selectors, services
from minxin.disputes.forms import ScreeningForm, SensitivePeriodForm
from minxin.regions.selectors import region_filter

NAV = "disputes"
_form_page = partial(pages.form_page, nav=NAV)


@login_required
def screening_list(request):
    region = region_filter(user=request.user, code=request.GET.get("village"))
    year = year_param(request.GET.get("year"))
    rows = selectors.screening_list(user=request.user, village=region.prefix if region else None, year=year)
    return pages.list_page(request, rows, "disputes/screening_list.html", nav=NAV, region=region, year=year,
                           years=recent_years(), cycle=selectors.current_cycle(user=request.user),
                           can_record=request.user.can(roles.RECORD_FIELDWORK))


@login_required
def screening_new(request):
    require(request.user, roles.RECORD_FIELDWORK)
    villages = selectors.villages(user=request.user)
    initial = {"screened_on": timezone.localdate(), "found": 0}
    only = list(villages[:2])
    if len(only) == 1:
        initial["village"] = only[0].pk
    form = ScreeningForm(request.POST or None, villages=villages, initial=initial)
    if request.method == "POST" and form.is_valid() and run(
            form, lambda: services.screening_record(actor=request.user, **form.cleaned_data)):
        messages.success(request, _("排查已填报。"))
        return redirect("disputes:screening-list")
    return _form_page(request, form, _("填报矛盾纠纷排查"), back="disputes:screening-list",
                      intro=_("每半月排查一次（敏感时期每周一次）；没有矛盾纠纷也要填报零报告。"))


@login_required
def screening_missed(request):
    """Per township, the villages whose screening cycles of a month ended without one."""
    first = month_param(request.GET.get("month"))
    townships = selectors.missed(user=request.user, month=first)
    return render(request, "disputes/screening_missed.html", {
        "townships": townships, "month": first, "nav_active": NAV,
        "villages_missing": sum(t["missing"] for t in townships),
        "villages": sum(len(t["villages"]) for t in townships)})


@login_required
def sensitive_list(request):
    selectors.require_view(request.user)
    can_declare = request.user.can(roles.DECLARE_SENSITIVE)
    form = SensitivePeriodForm(request.POST or None) if can_declare else None
    if request.method == "POST":
        require(request.user, roles.DECLARE_SENSITIVE)
        if form.is_valid() and run(form, lambda: services.sensitive_period_declare(actor=request.user,
                                                                                   **form.cleaned_data)):
            messages.success(request, _("已发布敏感时期：期间各村每周排查一次。"))
            return redirect("disputes:sensitive-list")
    return render(request, "disputes/sensitive_list.html", {
        "periods": selectors.sensitive_periods(user=request.user), "form": form, "nav_active": NAV},
        status=400 if form is not None and form.errors else 200)
