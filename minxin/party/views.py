"""Pages of the branch: the list (with its .xlsx), a branch's page (committees, members, the
organisational-life calendar, cases, reserve cadres, surveys, its warning and why, rectifications,
demonstration sites) and its record as .docx, and the forms that keep the branch's records."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.accounts import roles
from minxin.cadres.models import Cadre, SendingUnit
from minxin.core import pages
from minxin.core.officialdoc import docx_response
from minxin.core.pages import act, require, run
from minxin.core.params import is_digits, recent_years, year_param
from minxin.party import documents, exports, selectors, services
from minxin.party.forms import BranchForm, ContactForm, EventForm, FlagForm, MemberForm, PostForm, SurveyForm
from minxin.party.models import Post
from minxin.party.rules import branch_kind
from minxin.regions.selectors import region_filter

NAV = "party"


def region_of(request):
    return region_filter(user=request.user, code=request.GET.get("village"))


def save_form(request, form, call: Callable[[dict], Any], *, title, back: str, done, intro: Any = "",
              template: str = "form_page.html", **context: Any):
    """A form page whose valid POST calls a service with the cleaned data; on success a message and
    back to `back` (a path), on a broken rule the form again with the error at its field."""
    if request.method == "POST" and form.is_valid() and run(form, lambda: call(form.cleaned_data)) is not None:
        messages.success(request, done)
        return redirect(back)
    return pages.form_page(request, form, title, back=back, nav=NAV, intro=intro, template=template, **context)


def _branch_url(branch) -> str:
    return reverse("party:branch-detail", args=[branch.pk])


@login_required
def branch_list(request):
    region = region_of(request)
    level_text = request.GET.get("level", "")
    level = int(level_text) if is_digits(level_text) and int(level_text) <= 5 else None
    search = request.GET.get("q", "").strip()[:50]
    rows = selectors.branch_list(user=request.user, region=region.prefix if region else None, level=level,
                                 search=search)
    return pages.list_page(request, rows, "party/branch_list.html", nav=NAV, export=exports.branches, region=region,
                           level=level_text, search=search, levels=range(1, 6),
                           can_new=request.user.can(roles.KEEP_PARTY))


@login_required
def branch_new(request):
    require(request.user, roles.KEEP_PARTY)
    form = BranchForm(request.POST or None, villages=selectors.villages_without_branch(user=request.user),
                      units=SendingUnit.objects.visible_to(request.user).order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        branch = run(form, lambda: services.branch_save(actor=request.user, **data))
        if branch is not None:
            messages.success(request, _("村党组织已建档。"))
            return redirect(_branch_url(branch))
    return pages.form_page(request, form, _("新建村党组织档案"), back="party:branch-list", nav=NAV)


@login_required
def branch_detail(request, pk):
    user = request.user
    branch = selectors.branch_get(user=user, pk=pk)
    today = timezone.localdate()
    year = year_param(request.GET.get("year")) or today.year
    members = list(selectors.members(branch))
    latest = selectors.latest_warning(branch)
    return render(request, "party/branch_detail.html", {
        "branch": branch, "nav_active": NAV, "today": today, "year": year, "years": recent_years(),
        "kind": branch_kind(len(members)), "members": members, "posts": selectors.posts(branch),
        "contacts": selectors.contacts(branch),
        "calendar": selectors.calendar(branch, year, today), "cases": selectors.cases(user=user, branch=branch)[:50],
        "reserves": selectors.reserves(user=user, region=branch.village_id),
        "surveys": selectors.surveys(branch)[:5], "flags": selectors.flags(branch), "warning": latest,
        "history": selectors.warning_history(branch), "team": selectors.team(branch),
        "rectifications": selectors.rectifications(user=user, branch=branch),
        "sites": selectors.sites(user=user, branch=branch),
        "can_keep": user.can(roles.KEEP_PARTY), "can_approve": user.can(roles.APPROVE_PARTY),
        "can_direct": user.can(roles.DIRECT_PARTY)})


@login_required
def branch_edit(request, pk):
    branch = selectors.branch_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_PARTY)
    form = BranchForm(request.POST or None, instance=branch,
                      units=SendingUnit.objects.visible_to(request.user).order_by("name"))
    return save_form(request, form, lambda data: services.branch_save(actor=request.user, village=branch.village,
                                                                      **data),
                     title=_("修改：%(branch)s") % {"branch": branch}, back=_branch_url(branch), done=_("已保存。"))


@login_required
def branch_docx(request, pk):
    branch = selectors.branch_get(user=request.user, pk=pk)
    today = timezone.localdate()
    content = documents.branch_record(branch, user=request.user, today=today)
    return docx_response(content, name=f"{branch.name}档案{today:%Y%m%d}.docx", ascii_name=f"branch-{branch.pk}.docx")


@login_required
def post_edit(request, pk, post_pk=None):
    branch = selectors.branch_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_PARTY)
    post = get_object_or_404(Post, pk=post_pk, branch=branch) if post_pk else None
    form = PostForm(request.POST or None, instance=post, villagers=selectors.villagers(branch),
                    initial=None if post else {"term_start": timezone.localdate().year - 1})
    return save_form(request, form, lambda data: services.post_save(actor=request.user, branch=branch, post=post,
                                                                    **data),
                     title=_("村两委职务：%(branch)s") % {"branch": branch}, back=_branch_url(branch) + "#posts",
                     done=_("职务已保存。"), intro=_("村两委每届 5 年。职务空缺时不选任职人，日期填空缺起始日期；村党组织委员会成员须为党员。"))


@login_required
def member_new(request, pk):
    branch = selectors.branch_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_PARTY)
    cadres = Cadre.objects.visible_to(request.user).filter(assignments__village=branch.village).distinct()
    form = MemberForm(request.POST or None, villagers=selectors.villagers(branch), cadres=cadres)
    return save_form(request, form, lambda data: services.member_add(actor=request.user, branch=branch, **data),
                     title=_("登记党员：%(branch)s") % {"branch": branch}, back=_branch_url(branch) + "#members",
                     done=_("党员已登记。"), intro=_("登记此前已入党的党员（本村村民或驻村干部）；新发展的党员在发展党员流程审批后自动进入名册。"))


@login_required
def contact_new(request, pk):
    branch = selectors.branch_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_PARTY)
    form = ContactForm(request.POST or None, members=selectors.members(branch), households=selectors.households(branch))
    return save_form(request, form, lambda data: services.contact_add(actor=request.user, branch=branch, **data),
                     title=_("党员联系户：%(branch)s") % {"branch": branch}, back=_branch_url(branch) + "#contacts",
                     done=_("联系户已登记。"), intro=_("党员干部联系群众：每名党员联系若干农户，经常走访，听取意见。"))


@login_required
def event_new(request, pk):
    branch = selectors.branch_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_PARTY)
    form = EventForm(request.POST or None, members=selectors.members(branch))
    return save_form(request, form, lambda data: services.event_record(actor=request.user, branch=branch, **data),
                     title=_("登记组织生活：%(branch)s") % {"branch": branch}, back=_branch_url(branch) + "#life",
                     done=_("组织生活已登记。"), intro=_("三会一课：支部党员大会、党课每季度一次，支委会、党小组会每月一次；每月主题党日；每年组织生活会和民主评议党员。"))


@login_required
def survey_new(request, pk):
    branch = selectors.branch_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_PARTY)
    form = SurveyForm(request.POST or None, initial={"held_on": timezone.localdate()})
    return save_form(request, form, lambda data: services.survey_record(actor=request.user, branch=branch, **data),
                     title=_("群众满意度测评：%(branch)s") % {"branch": branch}, back=_branch_url(branch) + "#warning",
                     done=_("测评结果已登记。"))


@login_required
def flag_new(request, pk):
    branch = selectors.branch_get(user=request.user, pk=pk)
    require(request.user, roles.APPROVE_PARTY)
    form = FlagForm(request.POST or None, initial={"raised_on": timezone.localdate()})
    return save_form(request, form, lambda data: services.flag_raise(actor=request.user, branch=branch, **data),
                     title=_("人工预警标记：%(branch)s") % {"branch": branch}, back=_branch_url(branch) + "#warning",
                     done=_("已标记，次日计算（或立即重新计算）预警时生效。"))


@login_required
@require_POST
def flag_clear(request, pk):
    flag = selectors.flag_get(user=request.user, pk=pk)
    require(request.user, roles.APPROVE_PARTY)
    act(request, lambda: services.flag_clear(actor=request.user, flag=flag, cleared_on=timezone.localdate()),
        done=_("标记已解除。"))
    return redirect(_branch_url(flag.branch) + "#warning")

