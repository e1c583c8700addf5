"""Domain errors: what a service raises when input breaks a rule.

Each has a machine-readable `code` (for the API's error body), a message in Chinese for the user,
and optionally the form `field` it concerns and `details` (e.g. one entry per bad row).
An import's bad rows are Problems.
"""

from dataclasses import dataclass

from django.http import JsonResponse


@dataclass
class Problem:
    """One refused row of a file: its number, the column, the value as given and the reason."""

    row: int
    column: str
    value: str
    reason: str


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None, details: list | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.details = details or []


class PermissionDenied(DomainError):
    """The user is in scope but its role may not do this (403)."""

    status = 403

    def __init__(self, message: str | None = None, *, code: str = "forbidden"):
        from django.utils.translation import gettext

        super().__init__(code, message or gettext("您没有执行此操作的权限。"))


class RateLimited(DomainError):
    """Too many requests of one kind in the window (429); the message says when to try again."""

    status = 429

    def __init__(self, message: str):
        super().__init__("rate_limited", message)


class TooLarge(DomainError):
    """A request body larger than the route accepts (413)."""

    status = 413


class Unavailable(DomainError):
    """The server cannot do this now, through no fault of the request (503): the message says whom to ask."""

    status = 503


def api_error(status: int, code: str, message: str) -> JsonResponse:
    """The API's JSON error format, for what is answered outside the API's own views (the error
    pages, the middleware)."""
    return JsonResponse({"error": {"code": code, "message": message, "details": []}}, status=status,
                        json_dumps_params={"ensure_ascii": False})
