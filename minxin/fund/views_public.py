"""The public notice page of a village (公示, no login): the applications and decisions of the fund
posted today — the project, its kind, whom it helps (a household by its head's surname only), the
amounts and budget, the decision and the panel's score — and how to object. No identifier is
shown. Limited per client address like every public page."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from minxin.core.clientip import client_ip
from minxin.core.params import is_digits
from minxin.core.ratelimit import rate_limited
from minxin.fund import selectors
from minxin.fund.services_grant import aggregate
from minxin.regions import codes
from minxin.regions.models import Region


@never_cache
@require_GET
def notice(request, code):
    if rate_limited(f"anon:public-fund:{client_ip(request) or 'unknown'}", limit=settings.MINXIN_PUBLIC_RATE_LIMIT,
                    window=settings.MINXIN_PUBLIC_RATE_WINDOW):
        response = render(request, "fieldwork/public/limited.html",
                          {"minutes": max(1, settings.MINXIN_PUBLIC_RATE_WINDOW // 60)}, status=429)
        response["Retry-After"] = str(settings.MINXIN_PUBLIC_RATE_WINDOW)
        return response
    village = Region.objects.filter(code=code, level=codes.VILLAGE).select_related("parent").first() \
        if is_digits(code) and len(code) == 12 else None
    if village is None:
        raise Http404("village")
    today = timezone.localdate()
    rows = []
    for application in selectors.notice_villages(village=village, today=today).select_related("household"):
        seats = [seat.total for seat in application.seats.all() if seat.total is not None]
        rows.append({"application": application, "score": aggregate(seats) if application.decided_on else None,
                     "who": _("%(surname)s某户") % {"surname": application.household.head_name[:1]}
                     if application.household_id else "",
                     "deciding": bool(application.decided_on and application.decided_on <= today)})
    return render(request, "fund/public_notice.html", {"village": village, "rows": rows, "today": today})
