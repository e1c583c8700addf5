"""Shared by the assessment commands: who the command line acts as."""

from django.conf import settings
from django.core.management.base import CommandError

from minxin.accounts.models import User
from minxin.accounts.roles import Role


def acting_user(username: str | None):
    """A named account, or None: the command line itself, acting for the county (audited as "system")."""
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user named {username!r}.")
    return user


def county_viewer() -> User:
    """An unsaved county-level viewer, so that the command reads through the same scoped selectors."""
    return User(username="system", role=Role.COUNTY_ADMIN, scope_id=settings.MINXIN_COUNTY_CODE, is_active=True)
