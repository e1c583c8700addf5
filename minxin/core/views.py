"""The error pages (Django's handler400/403/404/500), and the health endpoints."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from minxin.core.errors import api_error
from minxin.core.health import readiness


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    return render(request, template, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django refused before any view ran. An API client gets the API's JSON error
    format — 413 for a body above DATA_UPLOAD_MAX_MEMORY_SIZE — a browser the page."""
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            return api_error(413, "too_large", _("请求内容过大。"))
        return api_error(400, "bad_request", _("请求无效。"))
    return _error(request, 400, "errors/400.html")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "errors/403.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without this site's CSRF token (a page kept open past its session, another site's
    form): the app's own 403 page saying what to do, not Django's, which speaks of DEBUG."""
    message = _("页面已过期，或请求不是从本系统的页面发出的。请刷新页面后重新提交。")
    if request.path.startswith("/api/"):
        return api_error(403, "csrf_failed", message)
    return render(request, "errors/403.html", {"heading": _("页面已过期"), "message": message}, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "errors/404.html")


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers (no database touched)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers, migrations are applied and a worker beats; else 503."""
    ready, checks = readiness()
    response = JsonResponse({"status": "ready" if ready else "not_ready", "checks": checks},
                            status=200 if ready else 503)
    if not ready:  # a state a probe polls every few seconds: one WARNING per poll, not Django's ERROR
        failing = ", ".join(name for name, check in checks.items() if not check["ok"])
        log_response("Not ready (%s): %s", failing, request.path, response=response, request=request,
                     level="warning")
    return response
