"""Who may do what in the registry: the capabilities of accounts.roles, asked of a possibly
anonymous user (the views' and services' single entry point)."""

from minxin.accounts.roles import EDIT_REGISTRY, REVEAL_IDENTIFIERS, VIEW_REGISTRY
from minxin.core.guards import allows as _can


def can_view(user) -> bool:
    return _can(user, VIEW_REGISTRY)


def can_edit(user) -> bool:
    return _can(user, EDIT_REGISTRY)


def can_import(user) -> bool:
    return _can(user, EDIT_REGISTRY)


def can_reveal(user) -> bool:
    return _can(user, REVEAL_IDENTIFIERS)
