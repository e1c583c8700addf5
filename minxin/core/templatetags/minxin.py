from decimal import Decimal
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from minxin.core import nav
from minxin.core.audit import action_label
from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.core.masking import birth_label

register = template.Library()

register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)
register.filter("birth_label", birth_label)
register.filter("action_label", action_label)


@register.simple_tag(takes_context=True)
def page_sections(context: Any, page: str, obj: Any) -> str:
    """The sections upper modules registered for this page (core.nav.register_section), rendered."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return "" if user is None else render_sections(context, nav.sections_for(page, user, obj))


@register.simple_tag(takes_context=True)
def render_sections(context: Any, sections: list[tuple[str, dict]]) -> str:
    """Sections a view has already gathered (core.nav.sections_for), rendered."""
    return mark_safe("".join(  # noqa: S308 - each piece is a template rendered with autoescaping
        render_to_string(template, section, request=context.get("request")) for template, section in sections))


@register.inclusion_tag("includes/todo_slot.html", takes_context=True)
def todo_panel(context: Any, region: Any = None) -> dict:
    """Where the user's most urgent to-do items go on its landing page: the home page, or the dashboard
    or village page of its own scope region (not on every region it drills into). The panel is
    fetched after the page has loaded (accounts:todo-panel), as the menu's count is, so the page's
    own figures do not wait for every module's to-do queries."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": region is None or region.prefix in user.scope_prefixes()}


@register.filter
def yuan(fen: int | None) -> str:
    """Whole fen shown as yuan with thousands separators (1234567 → 12,345.67); the ledger's
    amounts are fen, every page shows yuan."""
    if fen is None or fen == "":
        return ""
    return f"{Decimal(int(fen)) / 100:,.2f}"


@register.filter
def neg_yuan(fen: int | None) -> str:
    """A credit (a negative amount of fen) shown as the positive yuan of its column."""
    return yuan(-int(fen)) if fen not in (None, "") else ""


@register.filter
def get(mapping: dict, key: Any) -> Any:
    """`mapping[key]` in a template (a per-row figure read for the whole page at once)."""
    return mapping.get(key) if mapping else None


@register.filter
def can(user: Any, capability: str) -> bool:
    """`{% if user|can:"manage_fund" %}`: whether the user's role has the capability."""
    return bool(getattr(user, "is_authenticated", False) and user.can(capability))
