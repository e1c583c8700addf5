"""Who may do what in the registry.

The roles' capabilities live in accounts.roles (owned by the accounts module); until the registry's
capabilities are added there, the registry keeps its own small table keyed by role, and asks the
shared REVEAL_IDENTIFIERS capability for unmasking.
"""

from minxin.accounts.roles import REVEAL_IDENTIFIERS, Role

# Roles that keep the records (SPEC §1: cadres register households, clerks enter data).
_EDITORS = {Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE, Role.VILLAGE_CLERK}
# Experts score fund applications and have no business in the household registry.
_NO_REGISTRY = {Role.EXPERT}


def can_view(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role not in _NO_REGISTRY)


def can_edit(user) -> bool:
    return user is not None and user.is_active and user.role in _EDITORS


def can_import(user) -> bool:
    return can_edit(user)


def can_reveal(user) -> bool:
    return user is not None and user.can(REVEAL_IDENTIFIERS)
