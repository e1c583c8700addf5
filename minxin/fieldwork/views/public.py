"""The public request page a liaison card's QR code opens: no login, phone-first, plain Chinese.

It shows only the village's name and the household's number; a villager who filed a request gets
its reference number (受理编号) and, typing it here, sees its status and the answer (only requests of
this card's household). The page is limited per client address
(core.clientip, which reads X-Forwarded-For only from trusted proxies; counted in the shared cache:
MINXIN_PUBLIC_RATE_LIMIT hits per MINXIN_PUBLIC_RATE_WINDOW seconds → 429) and in size
(MINXIN_PUBLIC_MAX_BODY_BYTES → 413), so a flood from one address cannot fill the database.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from minxin.core.clientip import client_ip
from minxin.core.errors import DomainError
from minxin.core.forms import apply_domain_error
from minxin.core.params import is_digits
from minxin.core.ratelimit import rate_limited
from minxin.fieldwork import selectors, services
from minxin.fieldwork.forms import PublicRequestForm


def over_limit(request) -> bool:
    """Count this hit against the client's address; True once the window's limit is passed."""
    return rate_limited(f"anon:public-request:{client_ip(request) or 'unknown'}", limit=settings.MINXIN_PUBLIC_RATE_LIMIT,
                        window=settings.MINXIN_PUBLIC_RATE_WINDOW)


def _page(request, template, context=None, status=200):
    return render(request, f"fieldwork/public/{template}", context or {}, status=status)


@never_cache
def request_page(request, token):
    if over_limit(request):
        response = _page(request, "limited.html", {"minutes": max(1, settings.MINXIN_PUBLIC_RATE_WINDOW // 60)},
                         status=429)
        response["Retry-After"] = str(settings.MINXIN_PUBLIC_RATE_WINDOW)
        return response
    card = selectors.card_by_token(token=token)
    if card is None:
        return _page(request, "unknown.html", status=404)
    if request.method == "POST":
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not is_digits(length) or int(length) > settings.MINXIN_PUBLIC_MAX_BODY_BYTES:
            return _page(request, "too_large.html", status=413)
    # Only the village's name and the household's number: nothing else about anyone.
    context = {"village_name": card.village.name, "household_number": card.household.number}
    form = PublicRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = services.request_submit_public(card=card, ip_address=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect(f"{request.path}?{urlencode({'ref': filed.reference, 'sent': 1})}")
    reference = request.GET.get("ref", "")[:32] if request.method == "GET" else ""
    context.update(form=form, reference=reference, sent=bool(reference) and request.GET.get("sent") == "1",
                   found=selectors.request_by_reference(card=card, reference=reference) if reference else None)
    return _page(request, "request.html", context)
