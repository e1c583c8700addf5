"""The public request page a liaison card's QR code opens: no login, phone-first, plain Chinese.

It shows only the village's name and the household's number, and is limited per client address
(Django's cache: MINXIN_PUBLIC_RATE_LIMIT hits per MINXIN_PUBLIC_RATE_WINDOW seconds → 429) and in
size (MINXIN_PUBLIC_MAX_BODY_BYTES → 413), so a flood from one address cannot fill the database.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from minxin.core.errors import DomainError
from minxin.core.forms import apply_domain_error
from minxin.fieldwork import selectors, services
from minxin.fieldwork.forms import PublicRequestForm


def client_address(request) -> str:
    # Behind a reverse proxy, the proxy must set REMOTE_ADDR (e.g. gunicorn's forwarded-allow-ips);
    # X-Forwarded-For is not trusted here because any client can send it.
    return request.META.get("REMOTE_ADDR") or "unknown"


def over_limit(request) -> bool:
    """Count this hit against the client's address; True once the window's limit is passed."""
    window = settings.MINXIN_PUBLIC_RATE_WINDOW
    key = f"mx:public-request:{client_address(request)}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 5)
    try:
        hits = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        hits = 1
    return hits > settings.MINXIN_PUBLIC_RATE_LIMIT


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
        if not length.isdigit() or int(length) > settings.MINXIN_PUBLIC_MAX_BODY_BYTES:
            return _page(request, "too_large.html", status=413)
    # Only the village's name and the household's number: nothing else about anyone.
    context = {"village_name": card.village.name, "household_number": card.household.number}
    form = PublicRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_submit_public(card=card, ip_address=client_address(request), **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect(f"{request.path}?sent=1")
    context.update(form=form, sent=request.GET.get("sent") == "1" and request.method == "GET")
    return _page(request, "request.html", context)
