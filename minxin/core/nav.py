"""The menu, and the links a region's page offers: each app registers its own in `<app>/nav.py`
(discovered when core is ready), with the test that decides who sees them, so core knows no app, a
new module adds its entries without touching anything else, and no role is shown a link it may
not follow."""

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


@dataclass(frozen=True)
class RegionLink:
    key: str
    label: Any
    icon: str
    order: int
    url: Callable[[Any], str]  # (region) -> URL
    levels: frozenset[str]  # the region levels ("county", "township", "village") that offer it
    visible: Callable[[Actor], bool]


_REGION_LINKS: dict[str, RegionLink] = {}


def register_region_link(key: str, *, label: Any, icon: str, order: int, url: Callable[[Any], str],
                         levels: tuple[str, ...] = ("county", "township", "village"),
                         visible: Callable[[Actor], bool] = lambda user: True) -> None:
    """A link on a region's page to what a module keeps about that region."""
    _REGION_LINKS[key] = RegionLink(key, label, icon, order, url, frozenset(levels), visible)


def region_links_for(user: Actor, region: Any) -> list[tuple]:
    """(label, url, icon, key) of the links the user sees on `region`'s page, in order."""
    return [(link.label, link.url(region), link.icon, link.key)
            for link in sorted(_REGION_LINKS.values(), key=lambda link: link.order)
            if region.level in link.levels and link.visible(user)]


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    template: str
    context: Callable[[Any, Any], dict | None]  # (user, the page's object) -> the section's context, or None


_SECTIONS: dict[str, dict[str, Section]] = {}


def register_section(page: str, key: str, *, order: int, template: str,
                     context: Callable[[Any, Any], dict | None]) -> None:
    """A section an upper module adds to a lower module's page (e.g. the field work on a household's
    page): `context` decides, per user, whether it shows (None: not for this user) and what."""
    _SECTIONS.setdefault(page, {})[key] = Section(key, order, template, context)


def sections_for(page: str, user: Actor, obj: Any) -> list[tuple[str, dict]]:
    """(template, context) of the sections of `page` the user sees, in order."""
    shown = []
    for section in sorted(_SECTIONS.get(page, {}).values(), key=lambda s: s.order):
        context = section.context(user, obj)
        if context is not None:
            shown.append((section.template, context))
    return shown
