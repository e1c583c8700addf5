"""Pages of the county's view of weak branches: the warning list (which branches, at what level,
and the facts why), the rectifications with their plans, monthly progress, sign-offs, acceptance
and follow-up, and the demonstration sites."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.accounts import roles
from minxin.cadres.models import SendingUnit
from minxin.core import pages
from minxin.core.pages import act, require
from minxin.core.params import is_digits, recent_years, year_param
from minxin.party import exports, selectors, services, services_rect
from minxin.party.forms import (
    AcceptForm,
    FollowUpForm,
    ItemForm,
    ProgressForm,
    RectificationForm,
    SiteForm,
    SiteReviewForm,
)
from minxin.party.models import Item, Site
from minxin.party.rules import SITE_CRITERIA
from minxin.party.views import NAV, region_of, save_form


@login_required
def warning_list(request):
    region = region_of(request)
    level_text = request.GET.get("level", "1")
    level = int(level_text) if is_digits(level_text) and 1 <= int(level_text) <= 5 else 1
    rows = selectors.branch_list(user=request.user, region=region.prefix if region else None, level=level).order_by(
        "-warning_level", "village__code")
    return pages.list_page(request, rows, "party/warning_list.html", nav=NAV, export=exports.warnings, region=region,
                           level=level, levels=range(1, 6), page_extra=lambda shown: {
                               "facts": selectors.latest_facts(shown)},
                           can_refresh=request.user.can(roles.APPROVE_PARTY))


@login_required
@require_POST
def warnings_refresh(request):
    require(request.user, roles.APPROVE_PARTY)
    branches = selectors.branch_list(user=request.user)
    act(request, lambda: services_rect.warnings_refresh(actor=request.user, branches=branches),
        done=lambda warned: _("已重新计算预警：%(n)d 个村党组织处于预警状态。") % {"n": warned})
    return redirect("party:warning-list")


def _rect_url(rect) -> str:
    return reverse("party:rect-detail", args=[rect.pk])


@login_required
def rect_list(request):
    region = region_of(request)
    year = year_param(request.GET.get("year"))
    rows = selectors.rectifications(user=request.user, region=region.prefix if region else None, year=year)
    return pages.list_page(request, rows, "party/rect_list.html", nav=NAV, export=exports.rectifications,
                           region=region, year=year, years=recent_years(), today=timezone.localdate(),
                           can_list=request.user.can(roles.DIRECT_PARTY))


@login_required
def rect_new(request):
    require(request.user, roles.DIRECT_PARTY)
    branches = selectors.branch_list(user=request.user).order_by("-warning_level", "village__code")
    form = RectificationForm(request.POST or None, branches=branches,
                             units=SendingUnit.objects.visible_to(request.user).order_by("name"),
                             initial={"year": timezone.localdate().year, "listed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        rect = pages.run(form, lambda: services_rect.rectification_list(actor=request.user, **data))
        if rect is not None:
            return redirect(_rect_url(rect))
    return pages.form_page(request, form, _("列入软弱涣散整顿名单"), back="party:rect-list", nav=NAV,
                           intro=_("根据县委常委会研究确定的名单登记，每村一个整顿方案，落实县领导联系、结对共建单位帮扶、驻村工作队驻点的三级联动。"))


@login_required
def rect_detail(request, pk):
    rect = selectors.rectification_get(user=request.user, pk=pk)
    user = request.user
    return render(request, "party/rect_detail.html", {
        "rect": rect, "nav_active": NAV, "today": timezone.localdate(), "items": rect.items.select_related(
            "signed_off_by"), "progress": rect.progress.select_related("recorded_by"),
        "follow_ups": rect.follow_ups.all(), "team": selectors.team(rect.branch),
        "can_keep": user.can(roles.KEEP_PARTY), "can_approve": user.can(roles.APPROVE_PARTY),
        "can_direct": user.can(roles.DIRECT_PARTY)})


@login_required
def item_new(request, pk):
    rect = selectors.rectification_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_PARTY)
    form = ItemForm(request.POST or None)
    return save_form(request, form, lambda data: services_rect.item_add(actor=request.user, rect=rect, **data),
                     title=_("整改事项：%(rect)s") % {"rect": rect}, back=_rect_url(rect), done=_("整改事项已加入方案。"))


@login_required
@require_POST
def item_sign_off(request, pk):
    item = get_object_or_404(Item.objects.visible_to(request.user).select_related("rectification__branch"), pk=pk)
    require(request.user, roles.APPROVE_PARTY)
    act(request, lambda: services_rect.item_sign_off(actor=request.user, item=item, done_on=timezone.localdate()),
        done=_("已销号。"))
    return redirect(_rect_url(item.rectification))


@login_required
def progress_new(request, pk):
    rect = selectors.rectification_get(user=request.user, pk=pk)
    require(request.user, roles.KEEP_PARTY)
    form = ProgressForm(request.POST or None, initial={"month": timezone.localdate()})
    return save_form(request, form, lambda data: services_rect.progress_record(actor=request.user, rect=rect, **data),
                     title=_("月度进展：%(rect)s") % {"rect": rect}, back=_rect_url(rect), done=_("本月进展已报送。"))


@login_required
def accept(request, pk):
    rect = selectors.rectification_get(user=request.user, pk=pk)
    require(request.user, roles.DIRECT_PARTY)
    form = AcceptForm(request.POST or None, initial={"accepted_on": timezone.localdate()})
    return save_form(request, form, lambda data: services_rect.accept(actor=request.user, rect=rect, **data),
                     title=_("整顿验收：%(rect)s") % {"rect": rect}, back=_rect_url(rect), done=_("验收通过。"),
                     intro=_("整改事项全部销号、验收得分不低于 70 分且群众测评不满意率不超过半数，方可通过验收；验收后回头看一年。"))


@login_required
def follow_up_new(request, pk):
    rect = selectors.rectification_get(user=request.user, pk=pk)
    require(request.user, roles.DIRECT_PARTY)
    form = FollowUpForm(request.POST or None, initial={"on": timezone.localdate()})
    return save_form(request, form, lambda data: services_rect.follow_up_record(actor=request.user, rect=rect,
                                                                                **data),
                     title=_("回头看：%(rect)s") % {"rect": rect}, back=_rect_url(rect), done=_("回头看已登记。"))


@login_required
@require_POST
def rect_close(request, pk):
    rect = selectors.rectification_get(user=request.user, pk=pk)
    require(request.user, roles.DIRECT_PARTY)
    act(request, lambda: services_rect.close(actor=request.user, rect=rect, closed_on=timezone.localdate()),
        done=_("回头看已结束，整顿完成。"))
    return redirect(_rect_url(rect))


@login_required
def site_list(request):
    region = region_of(request)
    year = year_param(request.GET.get("year"))
    status = request.GET.get("status", "")
    rows = selectors.sites(user=request.user, region=region.prefix if region else None, year=year,
                           status=status if status in Site.Status.values else "")
    return pages.list_page(request, rows, "party/site_list.html", nav=NAV, region=region, year=year,
                           years=recent_years(), status=status, statuses=Site.Status.choices, criteria=SITE_CRITERIA,
                           can_propose=request.user.can(roles.KEEP_PARTY),
                           can_review=request.user.can(roles.DIRECT_PARTY))


@login_required
def site_new(request):
    require(request.user, roles.KEEP_PARTY)
    form = SiteForm(request.POST or None, branches=selectors.branch_list(user=request.user))
    return save_form(request, form, lambda data: services.site_propose(actor=request.user, **data),
                     title=_("申报民心党建示范点"), back=reverse("party:site-list"), done=_("已申报。"))


@login_required
def site_review(request, pk):
    site = selectors.site_get(user=request.user, pk=pk)
    require(request.user, roles.DIRECT_PARTY)
    form = SiteReviewForm(request.POST or None, initial={
        "reviewed_on": timezone.localdate(), "criteria": [code for code, met in site.criteria.items() if met],
        "status": site.status if site.status != Site.Status.PROPOSED else Site.Status.NAMED, "review": site.review})

    def call(data):
        return services.site_review(actor=request.user, site=site, criteria={code: True for code in data["criteria"]},
                                    reviewed_on=data["reviewed_on"], review=data["review"], status=data["status"])

    return save_form(request, form, call, title=_("示范点评审：%(site)s") % {"site": site},
                     back=reverse("party:site-list"), done=_("评审结果已保存。"))
