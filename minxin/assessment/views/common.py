"""Helpers shared by the assessment views."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from minxin.core.errors import DomainError
from minxin.core.forms import apply_domain_error


def require(user, capability: str) -> None:
    if not user.can(capability):
        raise PermissionDenied


def run(form, call):
    """Call a service; a rule broken shows on the form (a 403-type error becomes a 403 page)."""
    try:
        return call()
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        apply_domain_error(form, exc)
        return None


def form_page(request, form, title, *, back, intro="", extra=None, submit=None):
    return render(request, "assessment/form.html", {"form": form, "title": title, "back": back, "intro": intro,
                                                    "submit": submit, "nav_active": "assessment", **(extra or {})})
