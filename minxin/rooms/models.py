"""The liaison rooms (干群连心室, SPEC §4.5): one per village, its standardisation checklist, the
money it is owed and receives (dues by payer, receipts) and spends (construction, working fund) —
every movement a ledger transaction — and its semi-annual evaluations.

Amounts are whole fen, like the ledger's entries; pages and the API show yuan."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet
from minxin.ledger.models import Posted
from minxin.ledger.money import to_yuan
from minxin.rooms.checklist import GRADES, STANDARD_CODES


class Room(TimeStampedModel):
    scope_field = "village__code"

    village = models.OneToOneField("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT,
                                   related_name="liaison_room")
    opened_on = models.DateField(_("启用日期"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area = models.DecimalField(_("面积（平方米）"), max_digits=7, decimal_places=1, null=True, blank=True)
    equipment = models.TextField(_("设施设备"), blank=True)
    # The sending unit that pays the unit's share of the working fund (the First Secretary's unit).
    sending_unit = models.ForeignKey("cadres.SendingUnit", verbose_name=_("出资派出单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="liaison_rooms")
    standards = models.JSONField(_("标准化建设清单"), default=dict, blank=True)
    disclosed_on = models.DateField(_("最近一次党务村务财务公开"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("干群连心室")
        verbose_name_plural = _("干群连心室")
        ordering = ["village__code"]

    def __str__(self) -> str:
        return f"{self.village.name}干群连心室"

    @property
    def standards_met(self) -> int:
        return sum(1 for code in STANDARD_CODES if self.standards.get(code))


class Payer(models.TextChoices):
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    UNIT = "unit", _("派出单位")
    PROVINCE = "province", _("省级补助")


WORKING_PAYERS = [Payer.CITY, Payer.COUNTY, Payer.UNIT]  # the order of MINXIN_ROOM_SPLIT


class Due(models.Model):
    """What a payer owes a room for a year (its share of the working fund, or the provincial subsidy),
    levied by one ledger transaction per room and year."""

    scope_field = "room__village__code"

    room = models.ForeignKey(Room, verbose_name=_("干群连心室"), on_delete=models.PROTECT, related_name="dues")
    year = models.PositiveSmallIntegerField(_("年度"))
    payer = models.CharField(_("出资方"), max_length=10, choices=Payer.choices)
    sending_unit = models.ForeignKey("cadres.SendingUnit", verbose_name=_("派出单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField(_("应拨金额（分）"))
    due_on = models.DateField(_("应到账日期"))
    transaction = models.ForeignKey("ledger.Transaction", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("应拨经费")
        verbose_name_plural = _("应拨经费")
        ordering = ["year", "room", "payer"]
        constraints = [
            models.UniqueConstraint(fields=["room", "year", "payer"], name="rooms_due_once"),
            models.UniqueConstraint(fields=["room"], condition=Q(payer="province"), name="rooms_subsidy_once"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="rooms_due_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.year} {self.get_payer_display()}"

    @property
    def amount(self):
        return to_yuan(self.amount_fen)


class Receipt(Posted):
    """A tranche received from a payer against one of its dues."""

    scope_field = "due__room__village__code"

    due = models.ForeignKey(Due, verbose_name=_("应拨经费"), on_delete=models.PROTECT, related_name="receipts")
    received_on = models.DateField(_("到账日期"))
    reference = models.CharField(_("凭证号"), max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta(Posted.Meta):
        verbose_name = _("经费到账")
        verbose_name_plural = _("经费到账")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.due} {to_yuan(self.amount_fen)}"


class Spending(Posted):
    """Money spent on a room: its construction (from the county's construction budget) or its work
    (from its working fund)."""

    class Kind(models.TextChoices):
        CONSTRUCTION = "construction", _("建设经费")
        WORKING = "working", _("工作经费")

    scope_field = "room__village__code"

    room = models.ForeignKey(Room, verbose_name=_("干群连心室"), on_delete=models.PROTECT, related_name="spendings")
    kind = models.CharField(_("经费类别"), max_length=12, choices=Kind.choices)
    spent_on = models.DateField(_("支出日期"))
    purpose = models.CharField(_("用途"), max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta(Posted.Meta):
        verbose_name = _("经费支出")
        verbose_name_plural = _("经费支出")
        ordering = ["-spent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.room} {self.purpose}"


class Evaluation(models.Model):
    """The semi-annual evaluation (每半年考核评估、分类定级): every item's score kept, the total and
    the grade it earned by the thresholds in force."""

    scope_field = "room__village__code"

    room = models.ForeignKey(Room, verbose_name=_("干群连心室"), on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=[(1, _("上半年")), (2, _("下半年"))])
    evaluated_on = models.DateField(_("评估日期"))
    scores = models.JSONField(_("各项得分"))
    total = models.PositiveSmallIntegerField(_("总分"))
    grade = models.CharField(_("等级"), max_length=8, choices=GRADES)
    note = models.TextField(_("评估意见"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评估人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("半年评估")
        verbose_name_plural = _("半年评估")
        ordering = ["-year", "-half", "room"]
        constraints = [models.UniqueConstraint(fields=["room", "year", "half"], name="rooms_evaluation_once")]

    def __str__(self) -> str:
        return f"{self.room} {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.year}{self.get_half_display()}"
