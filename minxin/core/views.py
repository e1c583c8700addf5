from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.csrf import requires_csrf_token

from minxin.accounts import roles
from minxin.core.models import AuditEvent
from minxin.regions import codes
from minxin.regions.selectors import user_root_regions


@login_required
def home(request):
    """Each user starts at the top of its own scope: county and township users on the dashboard
    of their region, village-level users on their village."""
    roots = list(user_root_regions(user=request.user))
    if len(roots) == 1:
        target = "reports:dashboard" if roots[0].level in (codes.COUNTY, codes.TOWNSHIP) else "regions:detail"
        return redirect(target, code=roots[0].code)
    return render(request, "core/home.html", {"roots": roots})


@login_required
def audit_log(request):
    if not request.user.can(roles.VIEW_AUDIT_LOG):
        raise PermissionDenied
    events = AuditEvent.objects.visible_to(request.user).select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action})


def _error(request, status: int, template: str):
    return render(request, template, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error(request, 400, "errors/400.html")


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error(request, 403, "errors/403.html")


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error(request, 404, "errors/404.html")


@requires_csrf_token
def server_error(request):
    # No context processors that touch the database: the error may be the database.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))
