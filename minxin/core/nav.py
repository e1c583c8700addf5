"""The menu: each app registers its own entries in `<app>/nav.py` (discovered when core is ready),
with the test that decides who sees them, so core knows no app and a new module adds its entry
without touching anything else."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from minxin.core.types import Actor


@dataclass(frozen=True)
class Entry:
    key: str  # also the page's `nav_active`
    label: str
    icon: str  # a Bootstrap icon class
    order: int
    url: Callable  # (root code or None) -> URL; the root is the user's one scope region, if it has one
    visible: Callable  # (user) -> bool


_ENTRIES: dict[str, Entry] = {}


def register(key: str, *, label: Any, icon: str, order: int, url_name: str, per_region: bool = False,
             visible: Callable = lambda user: True) -> None:
    """An entry linking to `url_name` (with the user's root region as argument when `per_region`,
    the home page when the user has several roots)."""

    def url(root: str | None) -> str:
        if not per_region:
            return reverse(url_name)
        return reverse(url_name, args=[root]) if root else reverse("home")

    _ENTRIES[key] = Entry(key, label, icon, order, url, visible)


def entries_for(user: Actor) -> list[tuple]:
    """(label, url, icon, key) of the entries the user sees, in menu order."""
    prefixes = user.scope_prefixes()
    root = prefixes[0].ljust(12, "0") if len(prefixes) == 1 else None
    return [(e.label, e.url(root), e.icon, e.key)
            for e in sorted(_ENTRIES.values(), key=lambda e: e.order) if e.visible(user)]
