"""Checks shared by the assessment services."""

from django.utils.translation import gettext as _

from minxin.core.errors import DomainError, PermissionDenied


def require(actor, capability: str) -> None:
    """`actor=None` is the system (the command line); everyone else needs the capability."""
    if actor is not None and not actor.can(capability):
        raise PermissionDenied()


def require_scope(actor, code: str, *, field: str | None = None) -> None:
    if actor is not None and not actor.in_scope(code):
        raise DomainError("scope_outside", _("该对象不在您的管辖范围内。"), field=field)


def clean_text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError("required", message, field=field)
    return value
