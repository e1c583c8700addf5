"""The checks every service starts with, written once. A service raises `DomainError`s, which pages
(`core.pages.run`, `DomainErrorMiddleware`) and the API (`api.main`) turn into the same answers."""

from collections.abc import Callable, Collection
from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.types import Actor

A = TypeVar("A", bound=Actor)


def require(actor: Actor | None, capability: str) -> None:
    """The actor's role has the capability (403 if not). `actor=None` is the system: a management
    command or a scheduled job, which acts for the county."""
    if actor is not None and not actor.can(capability):
        raise PermissionDenied()


def allows(actor: Actor | None, *capabilities: str) -> bool:
    """Whether a possibly anonymous user's role has one of the capabilities (for menus and links)."""
    return bool(actor is not None and actor.is_authenticated and any(actor.can(c) for c in capabilities))


def read_gate(*capabilities: str) -> tuple[Callable[[Actor | None], bool], Callable[[Actor | None], None]]:
    """A module's read check, as the pair its selectors and views use: `can_view(user)` for its menu
    and links, `require_view(user)` (403) at the top of every read that takes a user. A role with none
    of the capabilities (the expert, outside the fund) sees nothing of the module."""

    def can_view(actor: Actor | None) -> bool:
        return allows(actor, *capabilities)

    def require_view(actor: Actor | None) -> None:
        if not can_view(actor):
            raise PermissionDenied()

    return can_view, require_view


def require_scope(actor: Actor | None, code: str, *, field: str | None = None, error: str = "scope_outside",
                  message: str | None = None) -> None:
    """The region `code` is in the actor's scope. Out of scope is answered like a missing object,
    so the message never confirms that the object exists."""
    if actor is not None and not actor.in_scope(code):
        raise DomainError(error, message or _("该对象不在您的管辖范围内。"), field=field)


def check_model(obj: Model, *, exclude: Collection[str] | None = None) -> None:
    """The model's own checks (field validators, choices, unique constraints) before a save, answered
    as a `DomainError` naming the first field at fault, so a page shows it on its form."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("invalid", messages[0], field=None if field == NON_FIELD_ERRORS else field) from None


def acting_user(actor: A | None) -> A | None:
    """The user a record names as its author (none for the system: a command, a job)."""
    return actor if getattr(actor, "is_authenticated", False) else None
