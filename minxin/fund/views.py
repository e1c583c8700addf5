"""Pages of the fund: the overview (balance and statement, with its .docx), contributions,
applications (list, form, page with the steps it offers now, decision notice .docx), the expert
pool, and an expert's own reviews and score form."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.core import pages
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.officialdoc import docx_response
from minxin.core.pages import require, run, show_error
from minxin.core.params import recent_years, year_param
from minxin.fund import documents, exports, selectors, services, services_grant, steps
from minxin.fund.forms import ApplicationForm, ContributionForm, ExpertForm, LineFormSet, ScoreForm
from minxin.fund.models import Application, Contribution, Tranche
from minxin.fund.rules import CHECKLIST, RUBRIC
from minxin.ledger.money import to_yuan
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.regions.selectors import region_filter, user_county

NAV = "fund"


def _period(request) -> tuple[datetime.date, datetime.date]:
    year = year_param(request.GET.get("year")) or timezone.localdate().year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


@login_required
def overview(request):
    selectors.require_view(request.user)
    if not request.user.can(roles.VIEW_FUND):
        return my_reviews(request)  # an expert's fund is its reviews
    start, end = _period(request)
    statement = selectors.statement(user=request.user, start=start, end=end)
    if statement is not None and request.GET.get("format") == "docx":
        return docx_response(documents.statement_docx(statement), name=f"精准扶贫基金收支情况表-{start.year}.docx",
                             ascii_name=f"fund-statement-{start.year}.docx")
    return render(request, "fund/overview.html", {
        "nav_active": NAV, "balance": selectors.balance(user=request.user), "statement": statement,
        "year": start.year, "years": recent_years()})


@login_required
def contribution_list(request):
    user = request.user
    form = None
    county = user_county(user)
    if user.can(roles.MANAGE_FUND) and county:
        form = ContributionForm(request.POST or None, initial={"received_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if run(form, lambda: services.contribution_record(actor=user, county_code=county, **data)) is not None:
                messages.success(request, _("已登记。"))
                return redirect("fund:contribution-list")
    elif request.method == "POST":
        raise PermissionDenied()
    year = year_param(request.GET.get("year"))
    source = request.GET.get("source", "")
    rows = selectors.contributions(user=user, year=year, source=source if source in Contribution.Source.values else "")
    return pages.list_page(request, rows, "fund/contribution_list.html", nav=NAV, export=exports.contributions,
                           form=form, year=year, years=recent_years(), source=source,
                           sources=Contribution.Source.choices)


@login_required
def application_list(request):
    region = region_filter(user=request.user, code=request.GET.get("village"))
    filters = {key: request.GET.get(key, "") for key in ("state", "kind")}
    year = year_param(request.GET.get("year"))
    rows = selectors.applications(user=request.user, region=region.prefix if region else None, year=year, **filters)
    return pages.list_page(request, rows, "fund/application_list.html", nav=NAV, export=exports.applications,
                           region=region, year=year, years=recent_years(), filters=filters,
                           states=Application.State.choices, kinds=Application.Kind.choices,
                           can_apply=request.user.can(roles.APPLY_FUND))


def _villages(user):
    return Region.objects.visible_to(user).filter(level=codes.VILLAGE).select_related("parent").order_by("code")


def _line_values(formset) -> list[services.Line]:
    return [services.Line(category=f.cleaned_data.get("category") or "", item=f.cleaned_data.get("item") or "",
                          amount=f.cleaned_data.get("amount")) for f in formset.forms
            if f.cleaned_data.get("item") or f.cleaned_data.get("amount") or f.cleaned_data.get("category")]


@login_required
def application_form(request, pk=None):
    user = request.user
    application = selectors.application_get(user=user, pk=pk) if pk else None
    require(user, roles.APPLY_FUND)
    initial, lines = {}, []
    if application is not None:
        initial = {key: getattr(application, key) for key in ("title", "beneficiary", "kind", "plan", "mechanism",
                                                              "targets", "beneficiaries")}
        initial.update(village=application.village, household=application.household.number
                       if application.household_id else "")
        lines = [{"category": line.category, "item": line.item, "amount": to_yuan(line.amount_fen)}
                 for line in application.lines.all()]
    form = ApplicationForm(request.POST or None, villages=_villages(user), initial=initial)
    formset = LineFormSet(request.POST or None, initial=lines, prefix="lines")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        village = data.pop("village")
        household = data.pop("household")

        def call():
            return services.application_save(actor=user, village=village, lines=_line_values(formset),
                                             household_id=selectors.household_id(user=user, village=village, number=household),
                                             application=application, **data)

        saved = run(form, call)
        if saved is not None:
            messages.success(request, _("申报已保存，核对无误后报送乡镇。"))
            return redirect("fund:application-detail", saved.pk)
    title = _("修改申报：%(title)s") % {"title": application.title} if application else _("项目申报")
    back = reverse("fund:application-detail", args=[application.pk]) if application else "fund:application-list"
    return pages.form_page(request, form, title, back=back, nav=NAV, template="fund/application_form.html",
                           formset=formset, intro=_("扶贫资金不得用于行政经费、交通工具和通讯设备、楼堂馆所、偿还债务、弥补企业亏损"
                                                    "（财农〔2017〕8号），预算明细逐条核对负面清单。"))


def _step_forms(request, application):
    """The forms of the steps offered now; on a POST, the posted step taken. Answers (forms, done)."""
    posted = request.POST.get("step") if request.method == "POST" else None
    offered = steps.offered(request.user, application)
    if posted and posted not in {step.key for step in offered}:
        if posted in steps.BY_KEY and request.user.can(steps.BY_KEY[posted].capability):
            messages.error(request, _("这个环节现在不能办理（可能已由他人办理），请看本页的当前状态。"))
            return [], True
        raise PermissionDenied()
    forms = []
    for step in offered:
        data = request.POST if posted == step.key else None
        form = step.form(data, prefix=step.key, **_initial(step, application)) if step.form else None
        forms.append((step, form))
        if posted == step.key and (form is None or form.is_valid()):
            try:
                step.call(request.user, application, form)
            except DomainError as exc:
                if form is None:
                    messages.error(request, exc.message)
                    return forms, True
                show_error(form, exc)
            else:
                messages.success(request, _("已办理：%(step)s。") % {"step": step.label})
                return forms, True
    return forms, False


def _initial(step, application) -> dict:
    if step.key != "tranche":
        return {}
    done = set(application.tranches.values_list("stage", flat=True))
    stage = next((s for s in Tranche.Stage.values if s not in done), Tranche.Stage.ACCEPTANCE)
    left = (application.approved_fen or 0) - services_grant.paid_fen(application)
    amount = left if stage == Tranche.Stage.ACCEPTANCE else min(services_grant.planned(application)[stage], left)
    return {"initial": {"stage": stage, "amount": to_yuan(amount), "paid_on": timezone.localdate()}}


@login_required
def application_detail(request, pk):
    application = selectors.application_get(user=request.user, pk=pk)
    user = request.user
    if not user.can(roles.VIEW_FUND):  # an expert: its own review page
        return redirect("fund:score", application.pk)
    forms, done = _step_forms(request, application)
    if done:
        return redirect("fund:application-detail", application.pk)
    seats = selectors.seats(application=application)
    return render(request, "fund/application_detail.html", {
        "application": application, "nav_active": NAV, "forms": forms, "seats": seats,
        "score": services_grant.aggregate([s.total for s in seats if s.total is not None]),
        "check": [(label, application.check_result.get(code)) for code, label in CHECKLIST],
        "objections": application.objections.all(), "tranches": application.tranches.select_related("recorded_by"),
        "paid": services_grant.paid_fen(application), "today": timezone.localdate(),
        "see_experts": user.can(roles.MANAGE_FUND) or user.role == "auditor",
        "can_edit": user.can(roles.APPLY_FUND) and application.state in (Application.State.DRAFT,
                                                                          Application.State.RETURNED)},
        status=400 if any(form is not None and form.errors for _step, form in forms) else 200)


@login_required
def decision_document(request, pk):
    application = selectors.application_get(user=request.user, pk=pk)
    if application.decided_on is None or not request.user.can(roles.VIEW_FUND):
        raise PermissionDenied()
    return docx_response(documents.decision_docx(application), name=f"精准扶贫基金项目决定-{application.number}.docx",
                         ascii_name=f"fund-decision-{application.number}.docx")


@login_required
def expert_list(request):
    rows = selectors.experts(user=request.user)
    return pages.list_page(request, rows, "fund/expert_list.html", nav=NAV, export=exports.experts)


@login_required
def expert_form(request, pk=None):
    user = request.user
    expert = get_object_or_404(selectors.experts(user=user), pk=pk) if pk else None
    county = user_county(user)
    if county is None:
        raise PermissionDenied()
    initial = {}
    if expert is not None:
        initial = {key: getattr(expert, key) for key in ("name", "organisation", "specialty", "user", "sending_unit",
                                                         "active")}
        initial["tied_villages"] = list(expert.tied_villages.all())
    form = ExpertForm(request.POST or None, user=user, villages=_villages(user), initial=initial)
    if request.method == "POST" and form.is_valid() and run(form, lambda: services.expert_save(
            actor=user, county_code=county, expert=expert, **form.cleaned_data)):
        messages.success(request, _("已保存。"))
        return redirect("fund:expert-list")
    return pages.form_page(request, form, _("评审专家") if expert is None else str(expert), back="fund:expert-list",
                           nav=NAV)


@login_required
def my_reviews(request):
    rows = selectors.my_seats(user=request.user)
    return pages.list_page(request, rows, "fund/my_reviews.html", nav=NAV)


@login_required
def score(request, pk):
    application = selectors.application_get(user=request.user, pk=pk)
    services_grant.require_seat(request.user, application)
    seat = services_grant.seat_of(request.user, application)
    form = ScoreForm(request.POST or None) if services_grant.may_score(request.user, application) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied()
        if form.is_valid() and run(form, lambda: services_grant.score_submit(
                actor=request.user, application=application, levels=form.levels(),
                comment=form.cleaned_data["comment"])):
            messages.success(request, _("评分已提交。"))
            return redirect("fund:my-reviews")
    return render(request, "fund/score.html", {
        "application": application, "seat": seat, "form": form, "rubric": RUBRIC, "nav_active": NAV,
        "recused": services_grant.recused(seat.expert, application)})
