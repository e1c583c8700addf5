"""Pledge pages: a cadre files its own, the township makes it public and reviews it; the village's
public page (no login) shows the public pledges with a QR code to itself."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.accounts import roles
from minxin.assessment import exports, selectors, services
from minxin.assessment.forms import PledgeDeliveryForm, PledgeForm, PledgeReviewForm
from minxin.assessment.hearts import HEARTS
from minxin.assessment.models import PledgeBoard, PledgeDelivery
from minxin.assessment.services.pledges import may_deliver
from minxin.assessment.views.common import form_page
from minxin.core.pages import act, require, run
from minxin.core.xlsx import wants_xlsx

NAV = "assessment"


def _year(request) -> int:
    try:
        return int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        raise Http404 from None


@login_required
def pledge_list(request):
    year = _year(request)
    pledges = selectors.pledge_list(user=request.user, year=year)
    if wants_xlsx(request):
        return exports.export("pledges", pledges, name=str(_("%(year)s年承诺") % {"year": year}))
    own = getattr(request.user, "cadre", None) if request.user.role == "cadre" else None
    return render(request, "assessment/pledge_list.html", {
        "pledges": pledges, "year": year, "nav_active": NAV, "own_cadre": own,
        "can_file": request.user.can(roles.FILE_PLEDGE) and own is not None,
    })


@login_required
def pledge_edit(request, year):
    """The signed-in cadre's own pledge for a year (create or change while not yet public)."""
    require(request.user, roles.FILE_PLEDGE)
    cadre = getattr(request.user, "cadre", None)
    if cadre is None:
        raise PermissionDenied
    existing = cadre.pledges.filter(year=year).prefetch_related("items").first()
    if existing is not None and existing.is_public:
        messages.info(request, _("承诺已公开，不能再修改。"))
        return redirect("assessment:pledge", pk=existing.pk)
    items = [{"heart": i.heart, "text": i.text, "measure": i.measure} for i in existing.items.all()] if existing else []
    form = PledgeForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        pledge = run(form, lambda: services.pledge_save(actor=request.user, cadre=cadre, year=year,
                                                        items=form.items()))
        if pledge:
            messages.success(request, _("承诺已保存。确认无误后请提交，乡镇审核后将向群众公开。"))
            return redirect("assessment:pledge", pk=pledge.pk)
    return render(request, "assessment/pledge_edit.html", {"form": form, "year": year, "pledge": existing,
                                                           "hearts": HEARTS, "nav_active": NAV})


def _qr_svg(url: str) -> str:
    # Inline SVG (no image request, works offline and under the CSP).
    return segno.make(url, error="m").svg_inline(scale=4, dark="#8b0000")


@login_required
def pledge_detail(request, pk):
    return _detail(request, selectors.pledge_get(user=request.user, pk=pk))


def _detail(request, pledge, *, delivery_form=None):
    user = request.user
    board_url = qr = None
    if pledge.is_public:
        board = PledgeBoard.objects.filter(village_id=pledge.village_id).first()
        if board is not None:
            board_url = request.build_absolute_uri(reverse("assessment:pledge-public", args=[board.token]))
            qr = mark_safe(_qr_svg(board_url))  # noqa: S308 - segno's own SVG of our own URL
    own = pledge.cadre.user_id == user.pk and user.can(roles.FILE_PLEDGE)
    delivered = {d.audience: d for d in pledge.deliveries.select_related("recorded_by")}
    audiences = [(value, label, delivered.get(value)) for value, label in PledgeDelivery.Audience.choices]
    return render(request, "assessment/pledge_detail.html", {
        "pledge": pledge, "items": pledge.items.all(), "nav_active": NAV, "board_url": board_url, "qr": qr,
        "own": own, "can_publish": user.can(roles.REVIEW_PLEDGES), "review_form": PledgeReviewForm(),
        "audiences": audiences, "can_deliver": may_deliver(user, pledge) and pledge.status != "draft",
        "delivery_form": delivery_form or PledgeDeliveryForm(),
    }, status=400 if delivery_form is not None else 200)


@login_required
@require_POST
def pledge_deliver(request, pk):
    """Record the pledge filed with one of its audiences; a bad date or audience shows the page again."""
    pledge = selectors.pledge_get(user=request.user, pk=pk)
    if not may_deliver(request.user, pledge):
        raise PermissionDenied
    form = PledgeDeliveryForm(request.POST)
    if form.is_valid() and run(form, lambda: services.pledge_deliver(actor=request.user, pledge=pledge,
                                                                     **form.cleaned_data)):
        messages.success(request, _("已登记承诺报送。"))
        return redirect("assessment:pledge", pk=pk)
    return _detail(request, pledge, delivery_form=form)


@login_required
@require_POST
def pledge_submit(request, pk):
    pledge = selectors.pledge_get(user=request.user, pk=pk)
    require(request.user, roles.FILE_PLEDGE)
    act(request, lambda: services.pledge_submit(actor=request.user, pledge=pledge), done=_("承诺已提交乡镇审核。"))
    return redirect("assessment:pledge", pk=pk)


@login_required
@require_POST
def pledge_publish(request, pk):
    pledge = selectors.pledge_get(user=request.user, pk=pk)
    require(request.user, roles.REVIEW_PLEDGES)
    act(request, lambda: services.pledge_publish(actor=request.user, pledge=pledge),
        done=_("承诺已公开，群众可扫码查看。"))
    return redirect("assessment:pledge", pk=pk)


@login_required
def pledge_review(request, pk):
    item = selectors.pledge_item_get(user=request.user, pk=pk)
    require(request.user, roles.REVIEW_PLEDGES)
    form = PledgeReviewForm(request.POST or None, initial={"result": item.result, "evidence": item.evidence})
    if request.method == "POST" and form.is_valid():
        done = run(form, lambda: services.pledge_review(actor=request.user, item=item, **form.cleaned_data))
        if done:
            messages.success(request, _("已评诺。"))
            return redirect("assessment:pledge", pk=item.pledge_id)
    return form_page(request, form, _("年终评诺：%(text)s") % {"text": item.text}, back="assessment:pledge-list",
                     intro=_("衡量标准：%(m)s") % {"m": item.measure})


def pledge_public(request, token):
    """The village's public pledge page (no login, no personal identifiers: names and items only)."""
    year = _year(request)
    board, pledges = selectors.public_board(token=token, year=year)
    url = request.build_absolute_uri(request.path)
    return render(request, "assessment/pledge_public.html", {
        "board": board, "village": board.village, "pledges": pledges, "year": year,
        "qr": mark_safe(_qr_svg(url)),  # noqa: S308 - segno's own SVG of our own URL
    })
