"""Pages of the development pipeline and the reserve pool: the cases (with their .xlsx), a case with
its steps and the steps it may take next, the form of one step, and the reserve cadres."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.core import pages
from minxin.core.pages import require
from minxin.party import exports, selectors, services_case
from minxin.party.forms import CaseForm, ReserveForm, StepForm
from minxin.party.models import Case, PartyMember, Reserve, Step
from minxin.party.rules import rules
from minxin.party.services import reserve_save
from minxin.party.services_case import FLOW, SUPERIOR
from minxin.party.views import NAV, region_of, save_form


@login_required
def case_list(request):
    region = region_of(request)
    stage = request.GET.get("stage", "")
    rows = selectors.cases(user=request.user, region=region.prefix if region else None,
                           stage=stage if stage in Case.Stage.values else "")
    return pages.list_page(request, rows, "party/case_list.html", nav=NAV, export=exports.cases, region=region,
                           stage=stage, stages=Case.Stage.choices)


@login_required
def case_new(request, pk):
    branch = selectors.branch_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_PARTY)
    form = CaseForm(request.POST or None, villagers=selectors.villagers(branch),
                    initial={"applied_on": timezone.localdate()})
    return save_form(request, form, lambda data: services_case.case_open(actor=request.user, branch=branch, **data),
                     title=_("受理入党申请：%(branch)s") % {"branch": branch},
                     back=reverse("party:branch-detail", args=[branch.pk]) + "#cases", done=_("入党申请已受理。"),
                     intro=_("申请人须年满 18 周岁。受理之日适用的发展党员规定版本记入本案，以后修订不影响本案。"))


@login_required
def case_detail(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    return render(request, "party/case_detail.html", {
        "case": case, "nav_active": NAV, "rules": rules(case.rules_version),
        "steps": case.steps.select_related("recorded_by"),
        "next_steps": services_case.next_steps(case, request.user),
        "today": timezone.localdate()})


@login_required
def step_new(request, pk, kind):
    case = selectors.case_get(user=request.user, pk=pk)
    if kind not in FLOW:
        raise Http404("kind")
    require(request.user, roles.APPROVE_PARTY if kind in SUPERIOR else roles.KEEP_PARTY)
    sponsors = PartyMember.objects.filter(branch=case.branch, status=PartyMember.Status.FULL, left_on__isnull=True
                                          ).select_related("person", "cadre")
    form = StepForm(request.POST or None, kind=kind, sponsors=sponsors)
    r = rules(case.rules_version)

    def call(data):
        return services_case.step_record(actor=request.user, case=case, kind=kind, on=data["on"],
                                         document=data.get("document", ""), **form.details())

    return save_form(request, form, call, title=_("%(step)s：%(person)s") % {
        "step": Step.Kind(kind).label, "person": case.person.name},
        back=reverse("party:case-detail", args=[case.pk]), done=_("已登记。"),
        intro=_("本案执行《%(title)s》。") % {"title": r.title})


@login_required
def reserve_list(request):
    region = region_of(request)
    pool, outcome = request.GET.get("pool", ""), request.GET.get("outcome", "")
    rows = selectors.reserves(user=request.user, region=region.prefix if region else None,
                              pool=pool if pool in Reserve.Pool.values else "",
                              outcome=outcome if outcome in Reserve.Outcome.values else "")
    return pages.list_page(request, rows, "party/reserve_list.html", nav=NAV, export=exports.reserves, region=region,
                           pool=pool, pools=Reserve.Pool.choices, outcome=outcome, outcomes=Reserve.Outcome.choices)


@login_required
def reserve_edit(request, pk, reserve_pk=None):
    branch = selectors.branch_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_PARTY)
    reserve = selectors.reserves(user=request.user).filter(village=branch.village, pk=reserve_pk).first() \
        if reserve_pk else None
    if reserve_pk and reserve is None:
        raise Http404("reserve")
    form = ReserveForm(request.POST or None, instance=reserve, villagers=selectors.villagers(branch),
                       mentors=selectors.members(branch).select_related("branch"),
                       initial=None if reserve else {"since": timezone.localdate()})
    return save_form(request, form, lambda data: reserve_save(actor=request.user, village=branch.village,
                                                              reserve=reserve, **data),
                     title=_("后备干部和领头雁：%(branch)s") % {"branch": branch},
                     back=reverse("party:branch-detail", args=[branch.pk]) + "#reserves", done=_("已保存。"))
