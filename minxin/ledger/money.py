"""Money at the boundary: yuan as `Decimal` outside, whole fen inside. An amount with more than two
decimals, zero, negative where it must be positive, or past the largest sum the ledger holds is
refused with a message naming it — never rounded."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from minxin.core.errors import DomainError

CENT = Decimal("0.01")
MAX_YUAN = Decimal("999999999999.99")  # well inside a 64-bit count of fen


def to_fen(value: object, *, field: str = "amount", positive: bool = True) -> int:
    """Yuan (a Decimal, int or str) as whole fen."""
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise DomainError("bad_amount", _("金额“%(value)s”不是有效的数字。") % {"value": value}, field=field) from None
    if not amount.is_finite():
        raise DomainError("bad_amount", _("金额必须是有限的数字。"), field=field)
    if abs(amount) > MAX_YUAN:
        raise DomainError("too_large", _("金额超出可记账的范围。"), field=field)
    if amount != amount.quantize(CENT):
        raise DomainError("sub_fen", _("金额最多精确到分（两位小数）。"), field=field)
    if positive and amount <= 0:
        raise DomainError("not_positive", _("金额必须大于零。"), field=field)
    return int(amount * 100)


def to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def split(total_fen: int, weights: list[int]) -> list[int]:
    """`total_fen` shared in proportion to `weights`, each part whole fen, the parts adding up to the
    total exactly: each part is rounded down and the fen left over go, one each, to the parts with
    the largest remainders (largest-remainder method; ties to the earlier part). 2:3:5 of 10,000
    yuan is 2,000 / 3,000 / 5,000; of 0.01 yuan it is 0 / 0 / 0.01."""
    if total_fen < 0 or not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("a non-negative total and non-negative weights with a positive sum")
    whole = sum(weights)
    parts = [total_fen * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total_fen * weights[i] % whole), i))
    for i in remainders[: total_fen - sum(parts)]:
        parts[i] += 1
    return parts
