from django import template

from minxin.rooms import selectors
from minxin.rooms.checklist import GRADES

register = template.Library()
_LABELS = dict(GRADES)


@register.filter
def grade_label(code: str | None) -> str:
    return str(_LABELS.get(code, "")) if code else ""


@register.filter
def reads_books(user) -> bool:
    """Whether `user` may open the rooms' ledger book (every payer's money: not a unit's liaison)."""
    return selectors.can_read_books(user)
