"""Middleware of every page: security headers, the interface language, domain errors as pages."""

from collections.abc import Callable

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from minxin.core.errors import DomainError, api_error
from minxin.core.params import is_digits

# Scripts only from our own origin (no inline scripts); styles allow inline attributes, which
# Bootstrap components and ECharts set. Tile servers are added only when a deployment sets one.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:{tiles}; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class Middleware:
    """A middleware's plumbing: it holds the next handler, each subclass writes `__call__`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response


class SecurityHeadersMiddleware(Middleware):
    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        tiles = settings.MINXIN_TILE_ORIGIN
        response.headers.setdefault("Content-Security-Policy", _CSP.format(tiles=f" {tiles}" if tiles else ""))
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self)")
        return response


class ChineseFirstMiddleware(Middleware):
    """The interface is simplified Chinese unless the user picks another language with the switch
    (a cookie): the browser's Accept-Language is ignored, so an English-language browser or phone
    setting never turns a county official's screens into English by surprise."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class DomainErrorMiddleware(Middleware):
    """A rule broken deep in a page's call (a selector's rate limit, a service's permission check) is
    answered with its own status and message on the error page, never a 500."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if request.headers.get("HX-Request"):  # a fragment: the message goes where the answer would have
            response = render(request, "includes/error_inline.html", {"message": exception.message},
                              status=exception.status)
            response["X-Minxin-Error"] = "1"  # minxin.js swaps it in (htmx leaves error answers out)
            return response
        template = {403: "errors/403.html", 429: "errors/429.html", 503: "errors/503.html"}.get(
            exception.status, "errors/400.html")
        return render(request, template, {"message": exception.message}, status=exception.status)


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _holds_nul(request: HttpRequest) -> bool:
    """A NUL in the path, a query parameter or a posted form field. A form body is read here only
    when it is small (DATA_UPLOAD_MAX_MEMORY_SIZE): a larger one carries files, which its view's own
    limits (size, rate) must see before anything parses it, and whose text fields go through forms,
    which refuse a NUL. A JSON body is the API's schemas' and the sync's to check."""
    if "\x00" in request.path:
        return True
    sources = [request.GET]
    if request.method == "POST" and request.content_type in _FORMS and _small(request):
        request.body  # noqa: B018 - kept first: a view that reads the body after the form is parsed (the API) still can
        sources.append(request.POST)
    return any("\x00" in key or "\x00" in value for source in sources for key, values in source.lists()
               for value in values)


def _small(request: HttpRequest) -> bool:
    length = request.META.get("CONTENT_LENGTH") or "0"
    return is_digits(length) and int(length) <= (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


class NulByteMiddleware(Middleware):
    """A request holding a NUL byte where text is expected is refused (400) before any query runs:
    PostgreSQL text cannot hold one (a 500 there), SQLite would quietly store or search for it."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _holds_nul(request):
            message = _("请求参数含有不允许的空字符（NUL）。")
            if request.path.startswith("/api/"):
                return api_error(400, "invalid_input", message)
            return render(request, "errors/400.html", {"message": message}, status=400)
        return self.get_response(request)


class ApiErrorsMiddleware(Middleware):
    """Every error the API answers is in its JSON format (core.schemas), also those made around the
    API's own views: Django's 404 for an unknown path, the router's 405 for a method a route does
    not take."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            # also an answer made above NoStoreMiddleware (a NUL refused, a host not allowed)
            response.headers.setdefault("Cache-Control", "no-store, private")
            return response
        code, message = {404: ("not_found", _("对象不存在。")),
                         405: ("method_not_allowed", _("此地址不接受这种请求方法。"))}.get(
            response.status_code, ("http_error", _("请求未能完成。")))
        answer = api_error(response.status_code, code, message)
        for header, value in response.items():  # the security headers, no-store, Allow …
            if header.lower() not in ("content-type", "content-length"):
                answer[header] = value
        answer.cookies = response.cookies
        answer.headers.setdefault("Cache-Control", "no-store, private")
        return answer


class NoStoreMiddleware(Middleware):
    """Pages for a signed-in user, every API answer and every file download may hold personal data:
    no browser or proxy cache keeps them (`Cache-Control: no-store`). Static files are answered
    before this middleware (WhiteNoise); the field app's shell page, service worker script and
    manifest hold no data (the shell fills itself from the API) and are not no-store, so the service
    worker can keep the shell for offline use; for a signed-in user they are `private` (the shell
    sets the CSRF cookie: no shared proxy may hand it to someone else)."""

    EXEMPT = {"field:app", "field:sw", "field:manifest"}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if match is not None and match.view_name in self.EXEMPT:
            if getattr(user, "is_authenticated", False):
                patch_cache_control(response, private=True)
            return response
        if (getattr(user, "is_authenticated", False) or request.path.startswith("/api/")
                or isinstance(response, FileResponse) or "attachment" in response.get("Content-Disposition", "")):
            response["Cache-Control"] = "no-store, private"
        return response
