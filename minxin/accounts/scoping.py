"""Where a cadre or a sending-unit liaison may look: the villages of the active assignments, which
only the cadres module (above accounts) knows. It registers the function at start-up, so accounts
imports nothing above it; until it has, such users see nothing (the safe answer)."""

from collections.abc import Callable

_assigned_villages: Callable | None = None


def register_assigned_villages(function: Callable) -> None:
    """`function(user=…) -> list of village codes` where the user works (cadre) or its unit's cadres do."""
    global _assigned_villages
    _assigned_villages = function


def assigned_villages(user) -> list[str]:
    return [] if _assigned_villages is None else list(_assigned_villages(user=user))


def sending_unit_model():
    """The sending-unit model of the cadres module, reached through the user's foreign key to it."""
    from minxin.accounts.models import User

    return User._meta.get_field("sending_unit").related_model
