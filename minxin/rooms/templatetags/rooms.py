from django import template

from minxin.rooms.checklist import GRADES

register = template.Library()
_LABELS = dict(GRADES)


@register.filter
def grade_label(code: str | None) -> str:
    return str(_LABELS.get(code, "")) if code else ""
