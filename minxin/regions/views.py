from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from minxin.core import nav
from minxin.core.pages import form_page, run
from minxin.regions import codes, selectors, services
from minxin.regions.forms import VillageCreateForm, VillageFactsForm
from minxin.regions.permissions import MANAGE_REGIONS
from minxin.regions.selectors import user_root_regions


def _region_or_404(user, code):
    try:
        return selectors.region_get(user=user, code=code)
    except codes.InvalidRegionCode:
        raise Http404 from None


def _breadcrumbs(user, region):
    """The region's ancestors the user may see, top first."""
    trail, node = [], region.parent
    while node is not None and user.in_scope(node.code):
        trail.append(node)
        node = node.parent
    return list(reversed(trail))


@login_required
def region_detail(request, code):
    region = _region_or_404(request.user, code)
    children = selectors.region_children(user=request.user, region=region)
    context = {
        "region": region,
        "children": children,
        "breadcrumbs": _breadcrumbs(request.user, region),
        "links": nav.region_links_for(request.user, region),
        "can_manage": request.user.can(MANAGE_REGIONS),
        "nav_active": "regions",
    }
    return render(request, "regions/detail.html", context)


@login_required
def village_edit(request, code):
    village = _region_or_404(request.user, code)
    if village.level != codes.VILLAGE or not request.user.can(MANAGE_REGIONS):
        raise PermissionDenied
    form = VillageFactsForm(request.POST or None, instance=village)
    if request.method == "POST" and form.is_valid() and run(
            form, lambda: services.village_update(actor=request.user, village=village, **form.cleaned_data)):
        messages.success(request, _("村情信息已保存。"))
        return redirect("regions:detail", code=village.code)
    return form_page(request, form, _("编辑 %(name)s 的村情") % {"name": village.name}, nav="regions",
                     back=reverse("regions:detail", args=[village.code]))


@login_required
def village_new(request, code):
    township = _region_or_404(request.user, code)
    if township.level != codes.TOWNSHIP or not request.user.can(MANAGE_REGIONS):
        raise PermissionDenied
    form = VillageCreateForm(request.POST or None, township=township)
    if request.method == "POST" and form.is_valid():
        village = run(form, lambda: services.village_create(actor=request.user, **form.cleaned_data))
        if village:
            messages.success(request, _("已新增村：%(name)s。") % {"name": village.name})
            return redirect("regions:detail", code=village.code)
    return form_page(request, form, _("在 %(name)s 新增村") % {"name": township.name}, nav="regions",
                     back=reverse("regions:detail", args=[township.code]))


@login_required
def home(request):
    """Each user starts at the top of its own scope: county and township users on the dashboard
    of their region, village-level users on their village — unless a module has something for
    this user's home (a liaison's unit and its cadres), which is then its start page."""
    roots = list(user_root_regions(user=request.user))
    sections = nav.sections_for("home", request.user, request.user)
    if len(roots) == 1 and not sections:
        target = "reports:dashboard" if roots[0].level in (codes.COUNTY, codes.TOWNSHIP) else "regions:detail"
        return redirect(target, code=roots[0].code)
    return render(request, "core/home.html", {"roots": roots, "sections": sections})
