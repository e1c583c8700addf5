"""Sensitive reads: revealing a masked identifier, and searching people by their ID numbers.

Both are allowed only as far as the role's rights go and both are written to the audit log; what
the log keeps of them is masked like everything else (core.masking).
"""

import logging

from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext as _

from minxin.core.audit import audit_event, audit_record, audit_record_many
from minxin.core.errors import PermissionDenied, RateLimited, Unavailable
from minxin.core.masking import id_search_tail, may_reveal, search_log_term
from minxin.core.ratelimit import rate_limited, used_up
from minxin.core.sealedfields import reveal_field
from minxin.core.sealing import SealError
from minxin.core.types import Actor

logger = logging.getLogger(__name__)


def reveal_identifier(*, actor: Actor, obj: Model, field: str, region_code: str, allowed: bool = False) -> str:
    """Return the unmasked value of `obj.<field>` and write a `reveal` audit event. `allowed` lets a
    caller grant a narrower right of its own (a request's handler calling the villager back)."""
    if not (allowed or may_reveal(actor)):
        raise PermissionDenied(_("您的角色不能查看完整的身份证号或电话。"))
    try:
        value = reveal_field(obj, field)
    except SealError as exc:  # sealed under a key no longer configured, or altered in the database
        logger.error("reveal: %s of %s %s cannot be opened: %s", field, obj._meta.label_lower, obj.pk, exc)
        raise Unavailable("sealed_value_unavailable", _(
            "无法解密这个号码：加密它的密钥已不在服务器的配置中，或数据已被改动。已记录，请联系系统管理员。")) from None
    audit_record(actor=actor, action=f"reveal.{field}", obj=obj, region_code=region_code,
                 after={"field": field})
    return value


def identifier_search(*, actor: Actor, term: str) -> str | None:
    """The ID-number tail that `term` may match for `actor` (masking.id_search_tail), or None when the
    term is no identifier search. Each identifier search is an audit event and counts against the
    user's limit: past it, RateLimited — a guess-by-search attack is slow, visible and stopped."""
    tail = id_search_tail(actor, term)
    if tail is None:
        return None
    window = settings.MINXIN_ID_SEARCH_WINDOW
    if rate_limited(f"user:id-search:{actor.pk}", limit=settings.MINXIN_ID_SEARCH_LIMIT, window=window):
        raise RateLimited(_("按证件号码搜索过于频繁，请 %(minutes)d 分钟后再试。") % {"minutes": max(1, window // 60)})
    audit_record(actor=actor, action="search.identifier", object_type="search",
                 region_code=getattr(actor, "scope_id", "") or "", after={"term": search_log_term(term)})
    return tail


def check_identifiers(*, actor: Actor | None, count: int = 1, whole_answer: bool = False) -> None:
    """`count` whole ID numbers are checked against the registry for `actor`, whose answer ("already
    registered") would confirm a masked number's hidden digits: for a role that may not reveal, each
    counts against its ID-check limit; past it, RateLimited before anything is answered.

    With `whole_answer` (an import, whose outcome as a whole tells a right guess — the person
    himself, counted nothing — from a wrong one) a limit already used up refuses it even when it
    counts nothing. Its caller logs the checks before asking, so that an import refused because its
    guesses pass the limit still leaves them in the audit log."""
    if actor is None or may_reveal(actor):
        return
    key, limit, window = f"user:id-check:{actor.pk}", settings.MINXIN_ID_CHECK_LIMIT, settings.MINXIN_ID_SEARCH_WINDOW
    refused = whole_answer and used_up(key, limit=limit)
    for _check in range(count):
        refused = refused or rate_limited(key, limit=limit, window=window)
    if refused:
        raise RateLimited(_("证件号码核验过于频繁，请稍后再试。"))


def log_identifier_matches(*, actor: Actor | None, numbers: list[str]) -> None:
    """Each whole ID number found registered and told to a role that may not reveal is an audit event
    (masked: its length and last four)."""
    if actor is None or may_reveal(actor):
        return
    audit_record_many([audit_event(actor=actor, action="search.identifier.match", object_type="search",
                                   region_code=getattr(actor, "scope_id", "") or "",
                                   after={"term": search_log_term(number)}) for number in numbers])
