"""Types the shared plumbing names without importing an app."""

from typing import Any, Protocol


class Actor(Protocol):
    """The acting user as core sees it (accounts.User is one): what it may do and where it may look."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    def can(self, capability: str) -> bool: ...

    def in_scope(self, code: str) -> bool: ...

    def scope_prefixes(self) -> list[str]: ...
