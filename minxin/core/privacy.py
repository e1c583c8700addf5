"""Revealing a masked personal identifier: only for roles that may, and always logged."""

from django.utils.translation import gettext as _

from minxin.accounts.roles import REVEAL_IDENTIFIERS
from minxin.core.audit import audit_record
from minxin.core.errors import PermissionDenied


def reveal_identifier(*, actor, obj, field: str, region_code: str) -> str:
    """Return the unmasked value of `obj.<field>` and write a `reveal` audit event."""
    if not actor.can(REVEAL_IDENTIFIERS):
        raise PermissionDenied(_("您的角色不能查看完整的身份证号或电话。"))
    audit_record(actor=actor, action=f"reveal.{field}", obj=obj, region_code=region_code,
                 after={"field": field})
    return getattr(obj, field)
