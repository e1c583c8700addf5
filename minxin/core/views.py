import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from minxin.accounts import roles
from minxin.core.models import AuditEvent
from minxin.core.xlsx import columns_response, wants_xlsx
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
    if wants_xlsx(request):
        return columns_response(filename="审计日志.xlsx", sheet=str(_("审计日志")), objects=events.iterator(2000), columns=[
            (_("时间"), lambda e: timezone.localtime(e.created_at)), (_("操作人"), lambda e: e.actor_name),
            (_("动作"), lambda e: e.action), (_("对象"), lambda e: e.object_repr), (_("区划"), lambda e: e.region_code),
            (_("变更前"), lambda e: json.dumps(e.before, ensure_ascii=False) if e.before else ""),
            (_("变更后"), lambda e: json.dumps(e.after, ensure_ascii=False) if e.after else ""),
        ])
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
