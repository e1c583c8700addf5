"""Writes of the ledger: open an account, post a balanced transaction, reverse one, reconcile.

`post` takes the legs as (account, fen); it locks the accounts it touches (in id order, so two
postings never wait on each other in a circle), refuses a leg that would take an account that may
not go negative below zero — the database's check constraint refuses it too, whatever the race —
inserts the draft and its entries, moves the cached balances, and posts (the database's trigger
checks once more that the legs sum to zero). An idempotency key makes a retried call answer the
first call's transaction; the same key with another payload is refused.

Callers (the fund, the liaison rooms) write the audit event of the business action they post for;
the ledger is itself the append-only record of every movement.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.core.audit import audit_record
from minxin.core.errors import DomainError
from minxin.core.types import Actor
from minxin.core.validation import check_text
from minxin.ledger import sql
from minxin.ledger.models import Account, Entry, Transaction
from minxin.ledger.money import to_yuan

MAX_LEGS = 50


class Conflict(DomainError):
    """The request repeats an idempotency key with another payload (409)."""

    status = 409


@dataclass(frozen=True)
class Difference:
    account: str
    cached_fen: int
    computed_fen: int


def account_open(*, code: str, name: str, kind: str, region_code: str, allow_negative: bool = False) -> Account:
    """The account `code`, created on first use (the same code always names the same account)."""
    account, _created = Account.objects.get_or_create(code=code, defaults={
        "name": name, "kind": kind, "region_code": region_code, "allow_negative": allow_negative})
    return account


def _payload_hash(kind: str, memo: str, region_code: str, occurred_on: datetime.date,
                  legs: list[tuple[Account, int]], reverses: Transaction | None) -> str:
    body = json.dumps([kind, memo, region_code, occurred_on.isoformat(), sorted((a.code, fen) for a, fen in legs),
                       reverses.pk if reverses else None], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def caller_key(actor: Actor | None, key: str | None) -> str | None:
    """An idempotency key as the ledger stores it: the caller's own (two users' keys never meet, so
    nobody can answer or block another's request by guessing its key)."""
    if not key:
        return None
    key = check_text(key, field="idempotency_key", max_length=64)
    owner = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    return f"{owner or 0}:{key}"


def replayed(*, kind: str, memo: str, region_code: str, legs: list[tuple[Account, int]],
             occurred_on: datetime.date | None = None, idempotency_key: str | None = None,
             reverses: Transaction | None = None) -> Transaction | None:
    """The transaction an earlier call with this idempotency key posted, if any (refused when its
    payload differs): a caller checks it before its own rules, so that a retry after success answers
    the first result instead of tripping over the state that success left (a due now paid)."""
    if not idempotency_key:
        return None
    memo = check_text(memo, field="memo", required=True, max_length=200)
    digest = _payload_hash(kind, memo, region_code, occurred_on or timezone.localdate(), legs, reverses)
    return _replayed(idempotency_key, digest)


def _replayed(key: str, digest: str) -> Transaction | None:
    earlier = Transaction.objects.filter(idempotency_key=key).first()
    if earlier is None:
        return None
    if earlier.payload_hash != digest:
        raise Conflict("idempotency_conflict", _("这个请求编号已用于另一笔不同的记账，未重复记账。"))
    return earlier


def _check_legs(legs: list[tuple[Account, int]]) -> None:
    if len(legs) < 2 or len(legs) > MAX_LEGS:
        raise DomainError("legs", _("一笔记账须有 2 到 %(n)d 条分录。") % {"n": MAX_LEGS})
    if any(not isinstance(fen, int) or fen == 0 for _account, fen in legs):
        raise DomainError("zero_leg", _("分录金额不能为零。"))
    if sum(fen for _account, fen in legs) != 0:
        raise DomainError("unbalanced", _("借贷不平：各分录金额之和必须为零。"))


def _apply(legs: list[tuple[Account, int]]) -> None:
    """Lock the accounts (id order), check none that must stay ≥ 0 would fall below, move them."""
    delta: dict[int, int] = {}
    for account, fen in legs:
        delta[account.pk] = delta.get(account.pk, 0) + fen
    for pk, name, balance, allow_negative in sql.lock_accounts(sorted(delta)):
        if not allow_negative and balance + delta[pk] < 0:
            raise DomainError("insufficient", _("余额不足：%(name)s可用 %(available)s 元，本次需要 %(needed)s 元。") % {
                "name": name, "available": to_yuan(balance), "needed": to_yuan(-delta[pk])})
    sql.move_balances(delta)


def post(*, actor: Actor | None, kind: str, memo: str, region_code: str, legs: list[tuple[Account, int]],
         occurred_on: datetime.date | None = None, idempotency_key: str | None = None,
         reverses: Transaction | None = None) -> Transaction:
    """Post one balanced transaction (or answer the earlier one its idempotency key names)."""
    memo = check_text(memo, field="memo", required=True, max_length=200)
    occurred_on = occurred_on or timezone.localdate()
    _check_legs(legs)
    digest = _payload_hash(kind, memo, region_code, occurred_on, legs, reverses)
    if idempotency_key:
        idempotency_key = check_text(idempotency_key, field="idempotency_key", max_length=100)
        earlier = _replayed(idempotency_key, digest)
        if earlier is not None:
            return earlier
    poster = actor if getattr(actor, "is_authenticated", False) else None
    key = idempotency_key or None
    try:
        with transaction.atomic():
            _apply(legs)
            pk, posted_at = sql.insert_posted(
                kind=kind, memo=memo, region_code=region_code, occurred_on=occurred_on, idempotency_key=key,
                payload_hash=digest, posted_by=poster.pk if poster else None,
                reverses=reverses.pk if reverses else None, legs=[(account.pk, fen) for account, fen in legs])
    except IntegrityError:
        # A concurrent call with the same key won the race: answer its transaction, or refuse.
        earlier = _replayed(idempotency_key, digest) if idempotency_key else None
        if earlier is None:
            raise
        return earlier
    return Transaction(pk=pk, kind=kind, memo=memo, region_code=region_code, occurred_on=occurred_on, posted=True,
                       posted_at=posted_at, posted_by_id=poster.pk if poster else None, reverses=reverses, idempotency_key=key,
                       payload_hash=digest)


def reverse(*, actor: Actor | None, original: Transaction, memo: str = "", occurred_on: datetime.date | None = None,
            idempotency_key: str | None = None) -> Transaction:
    """Correct a posted transaction by its mirror image (never by editing it): once per transaction,
    and never a reversal itself (post the right transaction instead)."""
    if original.reverses_id is not None:
        raise DomainError("reversal_of_reversal", _("冲销凭证不能再冲销，请重新记一笔正确的账。"))
    if Transaction.objects.filter(reverses=original).exists() and not idempotency_key:
        raise DomainError("already_reversed", _("这笔记账已经冲销过。"))
    legs = [(entry.account, -entry.amount_fen) for entry in original.entries.select_related("account")]
    try:
        return post(actor=actor, kind=f"{original.kind}.reversal", memo=memo or _("冲销：%(memo)s") % {
            "memo": original.memo}, region_code=original.region_code, legs=legs, occurred_on=occurred_on,
            idempotency_key=idempotency_key, reverses=original)
    except IntegrityError:
        raise DomainError("already_reversed", _("这笔记账已经冲销过。")) from None


def balance_fen(account: Account) -> int:
    """An account's balance from its posted entries (what the cached balance must equal)."""
    return Entry.objects.filter(account=account, transaction__posted=True).aggregate(n=Sum("amount_fen"))["n"] or 0


def reconcile(*, fix: bool = True) -> list[Difference]:
    """Every account's cached balance against the sum of its posted entries (one grouped query);
    with `fix`, the cached balances are rebuilt from the entries, each rebuilt balance an audit event.
    The accounts are locked before the entries are summed, so a posting that commits meanwhile is in
    both or in neither (summed first, a stale sum could undo it). Answers the differences found."""
    differences = []
    with transaction.atomic():
        accounts = list(Account.objects.select_for_update().order_by("pk"))
        sums = dict(Entry.objects.filter(transaction__posted=True).values("account_id").annotate(n=Sum("amount_fen"))
                    .values_list("account_id", "n").order_by())
        for account in accounts:
            computed = sums.get(account.pk, 0) or 0
            if computed != account.balance_fen:
                differences.append(Difference(account.code, account.balance_fen, computed))
                if fix:
                    Account.objects.filter(pk=account.pk).update(balance_fen=computed)
                    audit_record(actor=None, action="ledger.reconcile", obj=account, region_code=account.region_code,
                                 before={"balance_fen": account.balance_fen}, after={"balance_fen": computed})
    return differences
