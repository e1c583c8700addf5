from django import template

from minxin.assessment import indicators
from minxin.assessment.hearts import heart_label

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    """{% if user|can:"configure_assessment" %} — the capability check templates need."""
    return bool(getattr(user, "is_authenticated", False) and user.can(capability))


@register.filter
def heart(code: str) -> str:
    return heart_label(code)


@register.filter
def indicator_label(code: str) -> str:
    ind = indicators.get(code)
    return ind.label if ind else code
