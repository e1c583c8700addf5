"""The one ledger for all money (SPEC §4.5, §4.6): accounts, and append-only double-entry
transactions whose legs (entries) sum to zero.

Amounts are kept as whole fen (`BigIntegerField`), exact on both databases (SQLite would sum a
decimal column as floating point); pages and the API see `Decimal` yuan (`money.to_yuan`). The
database itself keeps the rules, with triggers written by migration 0002 on SQLite and PostgreSQL:

- a transaction is inserted as a draft, its entries inserted, then it is *posted* (the draft flag
  flipped) — and the flip is refused unless its entries sum to zero and there are at least two;
- no entry may be added to a posted transaction, and no entry or transaction is ever updated or
  deleted (corrections are reversing transactions);
- an account that may not go negative (a fund's balance, a room's working fund) refuses, by a check
  constraint on its cached balance, any posting that would take it below zero — whatever the race.

The cached balance (`Account.balance_fen`) is kept by the posting service in the same database
transaction; `minxin reconcile` rebuilds every balance from the entries and reports any difference.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.scoping import ScopedQuerySet
from minxin.ledger.money import to_yuan


class Account(models.Model):
    class Kind(models.TextChoices):
        ASSET = "asset", _("资产")
        LIABILITY = "liability", _("负债")
        INCOME = "income", _("收入")
        EXPENSE = "expense", _("支出")
        EQUITY = "equity", _("净资产")

    scope_field = "region_code"

    code = models.CharField(_("科目编码"), max_length=100, unique=True)
    name = models.CharField(_("科目名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    # A fund's or a room's money cannot go below zero; a contra account (income, payable) can.
    allow_negative = models.BooleanField(_("允许为负"), default=False)
    balance_fen = models.BigIntegerField(_("余额（分）"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("会计科目")
        verbose_name_plural = _("会计科目")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(allow_negative=True) | Q(balance_fen__gte=0),
                                              name="ledger_account_not_negative")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Transaction(models.Model):
    scope_field = "region_code"

    kind = models.CharField(_("业务类型"), max_length=40)
    memo = models.CharField(_("摘要"), max_length=200)
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    occurred_on = models.DateField(_("业务日期"))
    posted = models.BooleanField(_("已记账"), default=False)
    posted_at = models.DateTimeField(_("记账时间"), auto_now_add=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记账人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField("self", verbose_name=_("冲销的凭证"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    idempotency_key = models.CharField(_("幂等键"), max_length=100, null=True, blank=True, unique=True)
    payload_hash = models.CharField(max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.memo}"


class Entry(models.Model):
    """One leg of a transaction: a positive amount debits the account, a negative one credits it."""

    transaction = models.ForeignKey(Transaction, verbose_name=_("凭证"), on_delete=models.PROTECT,
                                    related_name="entries")
    account = models.ForeignKey(Account, verbose_name=_("科目"), on_delete=models.PROTECT, related_name="entries")
    amount_fen = models.BigIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["transaction", "id"]
        indexes = [models.Index(fields=["account", "transaction"], name="ledger_entry_account")]
        constraints = [models.CheckConstraint(condition=~Q(amount_fen=0), name="ledger_entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_fen}"


class Posted(models.Model):
    """A business record one ledger transaction posted — a contribution, a tranche, a receipt, a
    spending: its amount in fen (above zero), the transaction, who recorded it and when. Each module
    keeps its own table of them (what the money was for); the ledger keeps the money."""

    amount_fen = models.BigIntegerField(_("金额（分）"))
    transaction = models.OneToOneField(Transaction, verbose_name=_("记账凭证"), on_delete=models.PROTECT,
                                       related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        abstract = True
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="%(app_label)s_%(class)s_positive")]

    @property
    def amount(self) -> Decimal:
        return to_yuan(self.amount_fen)
