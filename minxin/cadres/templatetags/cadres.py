"""What the cadres module adds to pages of the apps below it (regions), without those apps importing it."""

from django import template

from minxin.cadres.selectors import can_view
from minxin.cadres.selectors import village_team as team_of

register = template.Library()


@register.inclusion_tag("cadres/_village_team.html", takes_context=True)
def village_team(context, village):
    """A village's resident team (first secretary first), on the village's page; nothing for a role
    that does not read the cadres (the expert)."""
    user = context["request"].user
    return {"team": team_of(user=user, village_code=village.code) if can_view(user) else None}
