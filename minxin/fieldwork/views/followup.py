"""Pages for needs (民情), villager requests (群众诉求) and liaison cards (干群连心卡)."""

from functools import partial

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.accounts import roles
from minxin.cadres.selectors import village_team
from minxin.core.masking import may_reveal
from minxin.core.pages import act, require, run
from minxin.core.params import year_param
from minxin.core.privacy import reveal_identifier
from minxin.core.sealing import reveal
from minxin.fieldwork import exports, selectors, services
from minxin.fieldwork.forms import AnswerForm, AssignForm, CloseForm, NeedUpdateForm, RequestForm
from minxin.fieldwork.models import Need, VillagerRequest
from minxin.fieldwork.views.records import form_page, list_page, village_filter
from minxin.regions import codes
from minxin.regions.selectors import region_filter

# --- needs -----------------------------------------------------------------------------------


@login_required
def need_list(request):
    region = village_filter(request)
    status = request.GET.get("status", "open")
    status = status if status in Need.Status.values else ""
    needs = selectors.need_list(user=request.user, status=status or None, village=region.prefix if region else None)
    return list_page(request, needs, "fieldwork/need_list.html", nav="requests", export=partial(exports.export, "needs"),
                     region=region, status=status, statuses=Need.Status.choices)


@login_required
def need_detail(request, pk):
    need = selectors.need_get(user=request.user, pk=pk)
    can_handle = request.user.can(roles.HANDLE_REQUESTS)
    form = NeedUpdateForm(request.POST or None, assignable=selectors.assignable_users(village_code=need.village_id),
                          initial={"status": need.status, "owner": need.owner_id})
    if request.method == "POST":
        require(request.user, roles.HANDLE_REQUESTS)
        if form.is_valid() and run(form, lambda: services.need_update(actor=request.user, need=need,
                                                                      **form.cleaned_data)):
            messages.success(request, _("已更新。"))
            return redirect("fieldwork:need-detail", pk=pk)
    return render(request, "fieldwork/need_detail.html", {"need": need, "form": form, "can_handle": can_handle,
                                                          "nav_active": "requests"})


# --- villager requests -----------------------------------------------------------------------


@login_required
def request_list(request):
    region = village_filter(request)
    status = request.GET.get("status", "open")
    status = status if status in [*VillagerRequest.Status.values, "open"] else ""
    overdue = request.GET.get("overdue") == "1"
    reference = request.GET.get("ref", "").strip()[:32]
    year = year_param(request.GET.get("year"))
    rows = selectors.request_list(user=request.user, status=status or None, village=region.prefix if region else None,
                                  overdue=overdue, reference=reference, year=year)
    return list_page(request, rows, "fieldwork/request_list.html", nav="requests",
                     export=partial(exports.export, "requests"), region=region, status=status, overdue=overdue,
                     reference=reference, year=year,
                     statuses=[("open", _("未办结")), *VillagerRequest.Status.choices],
                     counts=selectors.request_counts(user=request.user, village=region.prefix if region else None),
                     overdue_days=settings.MINXIN_REQUEST_OVERDUE_DAYS,
                     can_record=request.user.can(roles.RECORD_FIELDWORK))


@login_required
def request_new(request):
    require(request.user, roles.RECORD_FIELDWORK)
    form = RequestForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run(form, lambda: services.request_record(
            actor=request.user, text=data["text"], source=data["source"], village=data["village"],
            household=data["household"], contact_name=data["contact_name"], contact_phone=data["contact_phone"]))
        if saved:
            messages.success(request, _("诉求已登记。"))
            return redirect("fieldwork:request-detail", pk=saved.pk)
    return form_page(request, form, _("登记群众诉求"), back="fieldwork:request-list", nav="requests")


def _request_page(request, item, *, assign=None, answer=None, close=None):
    assignable = selectors.assignable_users(village_code=item.village_id)
    return render(request, "fieldwork/request_detail.html", {
        "item": item, "nav_active": "requests", "can_handle": request.user.can(roles.HANDLE_REQUESTS),
        "can_reveal": may_reveal(request.user) or request.user.can(roles.HANDLE_REQUESTS),
        "assign_form": assign or AssignForm(assignable=assignable, initial={"assignee": item.assignee_id}),
        "answer_form": answer or AnswerForm(initial={"answer": item.answer}),
        "close_form": close or CloseForm(),
    })


@login_required
def request_detail(request, pk):
    return _request_page(request, selectors.request_get(user=request.user, pk=pk))


@login_required
@require_POST
def request_reveal_phone(request, pk):
    """The caller's phone in full (an htmx fragment), for roles that may reveal identifiers and for
    those who handle requests and must call the villager back; always logged."""
    item = selectors.request_get(user=request.user, pk=pk)
    phone = reveal_identifier(actor=request.user, obj=item, field="contact_phone", region_code=item.village_id,
                              allowed=request.user.can(roles.HANDLE_REQUESTS))
    return render(request, "includes/revealed.html", {"value": phone})


def _request_action(request, pk, form_class, call, name, **form_kwargs):
    item = selectors.request_get(user=request.user, pk=pk)
    require(request.user, roles.HANDLE_REQUESTS)
    if form_class is AssignForm:
        form_kwargs["assignable"] = selectors.assignable_users(village_code=item.village_id)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid() and run(form, lambda: call(item, form.cleaned_data)):
        messages.success(request, _("已保存。"))
        return redirect("fieldwork:request-detail", pk=pk)
    return _request_page(request, item, **{name: form})


@login_required
@require_POST
def request_assign(request, pk):
    return _request_action(request, pk, AssignForm, lambda item, data: services.request_assign(
        actor=request.user, request=item, assignee=data["assignee"]), "assign")


@login_required
@require_POST
def request_answer(request, pk):
    return _request_action(request, pk, AnswerForm, lambda item, data: services.request_answer(
        actor=request.user, request=item, answer=data["answer"]), "answer")


@login_required
@require_POST
def request_close(request, pk):
    return _request_action(request, pk, CloseForm, lambda item, data: services.request_close(
        actor=request.user, request=item, satisfaction=data["satisfaction"]), "close")


# --- liaison cards ---------------------------------------------------------------------------


def _village_or_404(request, code):
    village = region_filter(user=request.user, code=code)
    if village.level != codes.VILLAGE:
        raise Http404
    return village


@login_required
def card_list(request, code):
    village = _village_or_404(request, code)
    q = request.GET.get("q", "")
    households = selectors.village_cards(user=request.user, village_code=village.code, q=q)
    everyone = selectors.village_cards(user=request.user, village_code=village.code)
    return list_page(request, households, "fieldwork/card_list.html", nav="regions", per_page=100, village=village,
                     q=q.strip(), issued=everyone.filter(has_card=True).count(), total=everyone.count(),
                     can_issue=request.user.can(roles.ISSUE_CARDS))


@login_required
def card_qr(request, pk):
    """One household's card QR code on screen, to scan or to print alone (logged)."""
    household = _card_household(request, pk)
    if not household.card_token:
        raise Http404
    services.card_show_logged(actor=request.user, household=household)
    qr = segno.make(public_url(request, household.card_token), error="m")
    return render(request, "fieldwork/card_qr.html", {
        "household": household, "nav_active": "regions",
        "qr": mark_safe(qr.svg_inline(scale=8, border=2, omitsize=True)),  # noqa: S308 - segno's own SVG
    })


@login_required
@require_POST
def card_issue(request, code):
    village = _village_or_404(request, code)
    require(request.user, roles.ISSUE_CARDS)
    act(request, lambda: services.cards_issue_village(actor=request.user, village=village),
        done=lambda count: _("已为 %(n)d 户发放连心卡。") % {"n": count})
    return redirect("fieldwork:card-list", code=village.code)


@login_required
@require_POST
def card_reissue(request, pk):
    household = _card_household(request, pk)
    act(request, lambda: services.card_issue(actor=request.user, household=household, reissue=True),
        done=_("已补发 %(no)s 的连心卡，旧卡二维码已失效。") % {"no": household.number})
    return redirect("fieldwork:card-list", code=household.village_id)


def _card_household(request, pk: int):
    """The household whose card a page acts on: in scope (404 before 403), for roles that issue cards."""
    household = selectors.household_with_card(user=request.user, pk=pk)
    require(request.user, roles.ISSUE_CARDS)
    return household


def public_url(request, token: str) -> str:
    path = reverse("public:request", args=[token])
    base = settings.MINXIN_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@login_required
def card_print(request, code):
    """A4 sheets of cards (8 a page): the team's names and phones and a QR code to the request page."""
    village = _village_or_404(request, code)
    require(request.user, roles.ISSUE_CARDS)
    households = [h for h in selectors.village_cards(user=request.user, village_code=village.code) if h.card_token]
    # The card is where the cadres' phones are published to the villagers: opened here, on purpose.
    team = [(a, reveal(a.cadre.phone, "phone")) for a in village_team(user=request.user, village_code=village.code)]
    cards = []
    for household in households:
        qr = segno.make(public_url(request, household.card_token), error="m")
        svg = qr.svg_inline(scale=3, border=2, omitsize=True)
        cards.append({"household": household, "qr": mark_safe(svg)})  # noqa: S308 - segno's own SVG
    services.cards_print_logged(actor=request.user, village=village, count=len(cards))
    sheets = [cards[i:i + 8] for i in range(0, len(cards), 8)]
    return render(request, "fieldwork/card_print.html", {"village": village, "sheets": sheets, "team": team})
