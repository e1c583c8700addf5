"""Scoped reads of accounts."""

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from minxin.accounts.models import ApiToken, User
from minxin.core.models import AuditEvent


def user_list(*, user: User) -> QuerySet[User]:
    return User.objects.visible_to(user).select_related("scope", "sending_unit").order_by("scope_id", "username")


def user_get(*, user: User, pk: int) -> User:
    return get_object_or_404(user_list(user=user), pk=pk)


def token_for_key(raw: str) -> ApiToken | None:
    """The active token with this raw key, with its active user, or None."""
    if not raw or not raw.startswith("mx_"):
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def audit_event_list(*, user: User, action: str = "", actor: str = "", subject: str = "",
                     since: datetime.date | None = None, until: datetime.date | None = None,
                     request_id: str = "") -> QuerySet[AuditEvent]:
    """The audit events of the user's scope, newest first, narrowed to one action, an actor (user name
    or full name), a subject (the object's label: a household, a person, a cadre…), a date range
    (local days, both ends included) and the request that wrote them (its id in the server log)."""
    events = AuditEvent.objects.visible_to(user).select_related("actor")
    if request_id:
        events = events.filter(request_id=request_id.strip())
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_name__icontains=actor) | events.filter(actor__full_name__icontains=actor)
    if subject:
        events = events.filter(object_repr__icontains=subject)
    if since:
        events = events.filter(created_at__gte=_local_midnight(since))
    if until:
        events = events.filter(created_at__lt=_local_midnight(until + datetime.timedelta(days=1)))
    return events.order_by("-created_at", "-id")


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
