"""Region scoping: every read is narrowed to the user's region-code prefixes.

A model opts in by using `ScopedQuerySet` and naming the field holding its 12-digit region
(or village) code in `scope_field`. The user object answers `scope_prefixes()` (see
accounts.models.User): one prefix for most roles, several villages for cadres and sending units.
"""

from typing import Self

from django.db import models
from django.db.models import Q

from minxin.core.figures import within
from minxin.core.types import Actor


def scope_q(user: Actor | None, field: str) -> Q:
    """A filter matching rows whose `field` lies inside the user's scope (nothing if none)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    prefixes = user.scope_prefixes()
    if not prefixes:
        return Q(pk__in=[])
    # A range of codes per prefix (core.figures.within), not a LIKE: one plain index on the code
    # serves it on both databases, so a county's rows cost the same in a prefecture's database.
    query = Q()
    for prefix in prefixes:
        query |= within(field, prefix)
    return query


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: Actor | None) -> Self:
        """Rows inside the user's scope; anything else is treated as non-existent (404)."""
        return self.filter(scope_q(user, self.model.scope_field))  # type: ignore[attr-defined]  # each scoped model names it
