"""Checks shared by the assessment services (the guards every service uses are core.guards)."""

from minxin.core.errors import DomainError


def clean_text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError("required", message, field=field)
    return value
