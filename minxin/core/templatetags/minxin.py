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
