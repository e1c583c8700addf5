"""Shared by the assessment commands: who the command line acts as."""

from django.conf import settings
from django.core.management.base import CommandError

from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.regions import codes


def acting_user(username: str | None):
    """A named account, or None: the command line itself, acting for the county (audited as "system")."""
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user named {username!r}.")
    return user


def county_viewer(county: str) -> User:
    """An unsaved viewer of the county, so that the command reads through the same scoped selectors."""
    return User(username="system", role=Role.COUNTY_ADMIN, scope_id=county, is_active=True)


def add_county_argument(parser) -> None:
    parser.add_argument("--county", default=settings.MINXIN_COUNTY_CODE,
                        help="The county assessed, 520627 or 520627000000 (default: MINXIN_COUNTY_CODE). A "
                             "prefecture's database assesses each of its counties apart.")


def county_code(text: str) -> str:
    """A county's 12-digit code from --county, or a CommandError."""
    try:
        return codes.county_code(text)
    except codes.InvalidRegionCode as exc:
        raise CommandError(f"--county {text}: not a county's code ({exc}).") from None
