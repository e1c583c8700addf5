"""Each request's id, and its one line in the server log.

The id is nginx's (`X-Request-ID`, read only from a trusted proxy, like X-Forwarded-For) or a new
one. It is answered in the `X-Request-ID` header, stamped on every log record written while the
request runs (`RequestIdFilter`, set on the log handler) and on every audit event the request
writes, so an auditor goes from an audit entry to the server's log lines and back.

No log line holds a query string (this line names the path, Django's error records are rewritten
by the filter): a search by ID number or phone must not leave the number in a log file.
"""

import contextlib
import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from minxin.core.clientip import client_ip, from_trusted_proxy
from minxin.core.middleware import Middleware

_current: ContextVar[str] = ContextVar("minxin_request_id", default="")
_OFFERED = re.compile(r"[A-Za-z0-9._-]{8,64}")
logger = logging.getLogger("minxin.request")


def current_request_id() -> str:
    """The id of the request being served ("" outside a request: the CLI, the worker)."""
    return _current.get()


@contextlib.contextmanager
def request_bound(request_id: str) -> Iterator[None]:
    """Work done later for a request (a background job) carries its id: in the log lines and on the
    audit events the work writes."""
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request), for the text and JSON formats.

    Django's own request records (`django.request`: 4xx, 5xx) are written after the middleware has
    answered and carry the request itself, whose text holds the query string: the id is taken from
    the request, and the request is replaced by its method and path."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request_id = getattr(request, "request_id", "-")
            record.request = f"{request.method} {request.path}"
        else:
            record.request_id = _current.get() or "-"
        return True


class RequestIdMiddleware(Middleware):
    """First of all middleware: the id exists before anything can log, and the line is written
    after everything else has answered (its status, its duration)."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        trusted = _OFFERED.fullmatch(offered) and from_trusted_proxy(request)
        request_id = offered if trusted else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if logger.isEnabledFor(logging.INFO):
                user = getattr(request, "user", None)
                milliseconds = round((time.monotonic() - started) * 1000, 1)
                logger.info("%s %s %s %sms", request.method, request.path, response.status_code, milliseconds,
                            extra={"method": request.method, "path": request.path, "status": response.status_code,
                                   "duration_ms": milliseconds, "client_ip": client_ip(request),
                                   "user_id": user.pk if user is not None and user.is_authenticated else None})
            return response
        finally:
            _current.reset(token)
