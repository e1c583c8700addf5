"""Pages of the dispute case files and the petitions: lists (with their .xlsx), the forms that file
them, each case's page with the steps it offers now, its Word documents, and the overdue list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.accounts import roles
from minxin.core import pages
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.masking import may_reveal
from minxin.core.officialdoc import docx_response
from minxin.core.pages import require, run, show_error
from minxin.core.params import recent_years, year_param
from minxin.core.privacy import reveal_identifier
from minxin.disputes import (
    documents,
    exports,
    selectors,
    selectors_cases,
    services_case,
    services_petition,
    steps,
)
from minxin.disputes.forms import DisputeEditForm, DisputeForm, PartyForm, PetitionForm, StepForm
from minxin.disputes.models import Dispute, DisputeStep, Petition, PetitionStep
from minxin.regions.selectors import region_filter

NAV = "disputes"


@login_required
def dispute_list(request):
    region = region_filter(user=request.user, code=request.GET.get("village"))
    year = year_param(request.GET.get("year"))
    filters = {key: request.GET.get(key, "") for key in ("state", "risk", "level")}
    overdue = request.GET.get("overdue") == "1"
    rows = selectors_cases.dispute_list(user=request.user, region=region.prefix if region else None, year=year,
                                        overdue=overdue, **filters)
    return pages.list_page(request, rows, "disputes/dispute_list.html", nav=NAV, export=exports.disputes,
                           region=region, year=year, years=recent_years(), overdue=overdue, filters=filters,
                           states=Dispute.State.choices, risks=Dispute.Risk.choices, levels=Dispute.Level.choices,
                           today=timezone.localdate(), can_open=request.user.can(roles.HANDLE_DISPUTES))


def _from_source(request) -> dict:
    """What a case started from a visit, need or request (?visit= / ?need= / ?request=) begins with."""
    source = selectors_cases.source_record(user=request.user, params=request.GET)
    if source is None:
        return {}
    initial = {"village": source.record.village_id, "summary": source.text, "title": source.text[:30],
               "arose_on": source.day, f"{source.kind}_id": source.record.pk}
    household = source.record.household
    if household is not None:
        initial.update(first_household=household.number, first_name=household.head_name)
    elif getattr(source.record, "contact_name", ""):
        initial["first_name"] = source.record.contact_name
    return initial


def _party(user, data: dict, side: str, prefix: str = "") -> services_case.Party | None:
    """The party a form describes (its fields named `{prefix}name` …), or None when it is left empty."""
    name, number = data[f"{prefix}name"].strip(), data[f"{prefix}household"].strip()
    if not name and not number:
        return None
    member_id = selectors_cases.member_id(user=user, household=number, name=name, field=f"{prefix}household") \
        if number else None
    return services_case.Party(side=side, member_id=member_id, name=name, phone=data[f"{prefix}phone"],
                               address=data[f"{prefix}address"])


@login_required
def dispute_new(request):
    initial = {"reported_on": timezone.localdate(), "arose_on": timezone.localdate(), "intake": "active",
               **_from_source(request)}  # a source out of scope is a 404 before any right is checked
    require(request.user, roles.HANDLE_DISPUTES)
    source = {key: initial.pop(key) for key in ("visit_id", "need_id", "request_id") if key in initial}
    form = DisputeForm(request.POST or None, villages=selectors.villages(user=request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def call():
            parties = [p for p in (_party(request.user, data, "first", "first_"),
                                   _party(request.user, data, "second", "second_")) if p]
            fields = {key: data[key] for key in ("village", "title", "summary", "intake", "category", "risk",
                                                  "arose_on", "reported_on")}
            return services_case.dispute_open(actor=request.user, parties=parties, **fields, **source)

        dispute = run(form, call)
        if dispute is not None:
            messages.success(request, _("纠纷已登记（早报告），请在办结期限前调处。"))
            return redirect("disputes:dispute-detail", dispute.pk)
    return pages.form_page(request, form, _("登记矛盾纠纷"), back="disputes:dispute-list", nav=NAV,
                           intro=_("一案一卷：登记后依次办理早部署、早预防、早排查、早化解；调处一般在一个月内办结。"))


def _step_forms(request, offered, specs, labels, results, take):
    """The forms of the steps `offered` now; on a POST, the step submitted taken by `take(**values)`.
    Answers (forms, done) — done when the step was taken."""
    posted = request.POST.get("step") if request.method == "POST" else None
    forms = []
    for step in offered:
        fields, note_label = specs[step]
        form = StepForm(request.POST if posted == step else None, step=step, label=labels(step).label, fields=fields,
                        note_label=note_label,
                        results=results)
        forms.append((step, form))
        if posted == step and form.is_valid():
            try:
                take(step=step, **form.cleaned_data)
            except DomainError as exc:
                show_error(form, exc)
            else:
                return forms, True
    if posted and posted not in offered:
        messages.error(request, _("这个环节现在不能办理（可能已由他人办理），请看本页的当前进度。"))
    return forms, False


@login_required
def dispute_detail(request, pk):
    dispute = selectors_cases.dispute_get(user=request.user, pk=pk)
    may_act = request.user.can(roles.HANDLE_DISPUTES) and (
        dispute.level == Dispute.Level.VILLAGE or request.user.can(roles.HANDLE_ESCALATED))
    if request.method == "POST" and not may_act:
        raise PermissionDenied()
    offered = steps.dispute_steps(dispute) if may_act else []
    forms, done = _step_forms(request, offered, steps.DISPUTE_FIELDS, DisputeStep.Step, Dispute.Result.choices,
                              lambda **values: services_case.dispute_step(actor=request.user, dispute=dispute,
                                                                          **values))
    if done:
        messages.success(request, _("已办理。"))
        return redirect("disputes:dispute-detail", dispute.pk)
    return render(request, "disputes/dispute_detail.html", {
        "dispute": dispute, "forms": forms, "nav_active": NAV, "today": timezone.localdate(),
        "can_reveal": may_reveal(request.user), "early": [s for s in Dispute.State],
        "party_form": PartyForm() if may_act and dispute.is_open else None,
        "can_edit": may_act and dispute.is_open,
        "done_states": _done_states(dispute)},
        status=400 if any(form.errors for _step, form in forms) else 200)


def _done_states(dispute: Dispute) -> set[str]:
    order = list(Dispute.State.values)
    return set(order[:order.index(dispute.state) + 1])


@login_required
def dispute_edit(request, pk):
    dispute = selectors_cases.dispute_get(user=request.user, pk=pk)
    require(request.user, roles.HANDLE_DISPUTES)
    form = DisputeEditForm(request.POST or None, instance=dispute)
    if request.method == "POST" and form.is_valid() and run(
            form, lambda: services_case.dispute_edit(actor=request.user, dispute=dispute, **form.cleaned_data)):
        messages.success(request, _("已保存。"))
        return redirect("disputes:dispute-detail", dispute.pk)
    return pages.form_page(request, form, _("修改纠纷：%(title)s") % {"title": dispute.title},
                           back=reverse("disputes:dispute-detail", args=[dispute.pk]), nav=NAV)


@login_required
@require_POST
def party_add(request, pk):
    dispute = selectors_cases.dispute_get(user=request.user, pk=pk)
    require(request.user, roles.HANDLE_DISPUTES)
    form = PartyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        data = form.cleaned_data
        pages.act(request, lambda: services_case.dispute_party_add(
            actor=request.user, dispute=dispute, party=_party(request.user, data, data["side"])),
            done=_("当事人已添加。"))
    return redirect("disputes:dispute-detail", dispute.pk)


@login_required
def dispute_document(request, pk, kind):
    if kind not in ("file", "agreement"):
        raise Http404("document")
    dispute = selectors_cases.dispute_get(user=request.user, pk=pk)
    if kind == "agreement":
        if dispute.agreement != Dispute.Agreement.WRITTEN:
            raise Http404("no written agreement")
        return docx_response(documents.agreement_docx(dispute), name=f"人民调解协议书-{dispute.pk}.docx",
                             ascii_name=f"agreement-{dispute.pk}.docx")
    return docx_response(documents.case_file_docx(dispute), name=f"矛盾纠纷调解案卷-{dispute.pk}.docx",
                         ascii_name=f"case-{dispute.pk}.docx")


@login_required
@require_POST
def party_reveal(request, pk, party_pk):
    dispute = selectors_cases.dispute_get(user=request.user, pk=pk)
    party = next((p for p in dispute.parties.all() if p.pk == party_pk and p.phone), None)
    if party is None:
        raise Http404("party")
    value = reveal_identifier(actor=request.user, obj=party, field="phone", region_code=dispute.village_id)
    return render(request, "includes/revealed.html", {"value": value})


@login_required
def petition_list(request):
    region = region_filter(user=request.user, code=request.GET.get("village"))
    year = year_param(request.GET.get("year"))
    overdue, backlog = request.GET.get("overdue") == "1", request.GET.get("backlog") == "1"
    rows = selectors_cases.petition_list(user=request.user, region=region.prefix if region else None, year=year,
                                         state=request.GET.get("state", ""), overdue=overdue, backlog=backlog)
    return pages.list_page(request, rows, "disputes/petition_list.html", nav=NAV, export=exports.petitions,
                           region=region, year=year, years=recent_years(), overdue=overdue, backlog=backlog,
                           state=request.GET.get("state", ""), states=Petition.State.choices,
                           today=timezone.localdate(), can_register=request.user.can(roles.HANDLE_DISPUTES))


@login_required
def petition_new(request):
    require(request.user, roles.HANDLE_DISPUTES)
    form = PetitionForm(request.POST or None, regions=selectors_cases.petition_regions(user=request.user),
                        initial={"received_on": timezone.localdate(), "persons": 1, "channel": "visit"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def call():
            number = data.pop("household").strip()
            member_id = selectors_cases.member_id(user=request.user, household=number, name=data["petitioner"],
                                                  field="household") if number else None
            return services_petition.petition_register(actor=request.user, member_id=member_id, **data)

        petition = run(form, call)
        if petition is not None:
            messages.success(request, _("信访事项已登记：须在 15 日内决定是否受理。"))
            return redirect("disputes:petition-detail", petition.pk)
    return pages.form_page(request, form, _("登记信访事项"), back="disputes:petition-list", nav=NAV,
                           intro=_("依《信访工作条例》：登记之日起 15 日内决定是否受理，受理之日起 60 日内办结答复。"))


@login_required
def petition_detail(request, pk):
    petition = selectors_cases.petition_get(user=request.user, pk=pk)
    may_act = request.user.can(roles.HANDLE_PETITIONS)
    if request.method == "POST" and not may_act:
        raise PermissionDenied()
    offered = steps.petition_steps(petition) if may_act else []
    forms, done = _step_forms(request, offered, steps.PETITION_FIELDS, PetitionStep.Step, Petition.Result.choices,
                              lambda **values: services_petition.petition_step(actor=request.user,
                                                                               petition=petition, **values))
    if done:
        messages.success(request, _("已办理。"))
        return redirect("disputes:petition-detail", petition.pk)
    return render(request, "disputes/petition_detail.html", {
        "petition": petition, "forms": forms, "nav_active": NAV, "today": timezone.localdate(),
        "can_reveal": may_reveal(request.user)},
        status=400 if any(form.errors for _step, form in forms) else 200)


@login_required
@require_POST
def petition_reveal(request, pk):
    petition = selectors_cases.petition_get(user=request.user, pk=pk)
    if not petition.phone:
        raise Http404("phone")
    value = reveal_identifier(actor=request.user, obj=petition, field="phone", region_code=petition.region_id)
    return render(request, "includes/revealed.html", {"value": value})


@login_required
def overdue(request):
    """Per township: the disputes and petitions past their deadline, and who owns each."""
    townships = selectors_cases.overdue_by_township(user=request.user)
    return render(request, "disputes/overdue.html", {
        "townships": townships, "nav_active": NAV, "today": timezone.localdate(),
        "disputes": sum(len(t["disputes"]) for t in townships),
        "petitions": sum(len(t["petitions"]) for t in townships)})
