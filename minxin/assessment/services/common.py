"""Checks shared by the assessment services (the guards every service uses are core.guards)."""

from django.conf import settings
from django.utils.translation import gettext as _

from minxin.accounts.models import User
from minxin.core.errors import DomainError
from minxin.core.guards import require_scope
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.regions.selectors import user_county


def clean_text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError("required", message, field=field)
    return value


def assessed_county(actor: User | None, county_code: str | None = None) -> str:
    """The county (12 digits) an assessment write is for — each county of a prefecture's database
    keeps its own scheme, quarters and grades: the one named (inside the actor's scope), else the
    actor's own county, else, for the system (a command), the deployment's (MINXIN_COUNTY_CODE)."""
    if county_code:
        try:
            code = codes.county_code(county_code)
        except codes.InvalidRegionCode:
            raise DomainError("not_county", _("考核按县（区）进行：“%(code)s”不是县级区划代码。") % {"code": county_code},
                              field="county") from None
        require_scope(actor, code, field="county")
        if not Region.objects.filter(code=code).exists():
            raise DomainError("unknown_county", _("没有区划代码为 %(code)s 的县（区）。") % {"code": code}, field="county")
        return code
    if actor is None:
        return settings.MINXIN_COUNTY_CODE
    county = user_county(actor)
    if county is None:
        raise DomainError("not_county", _("考核按县（区）进行，您的账号不属于某一个县（区）。"), field="county")
    return county
