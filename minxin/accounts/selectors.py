"""Scoped reads of accounts."""

from django.shortcuts import get_object_or_404

from minxin.accounts.models import ApiToken, User


def user_list(*, user: User):
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
