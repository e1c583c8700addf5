"""A registered household's poverty registration, yearly income and 两不愁三保障 checklist."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.registry import choices
from minxin.registry.models.household import Household

FEN = Decimal("0.01")


class Registration(TimeStampedModel):
    """建档立卡: present only for registered (poor) households."""

    scope_field = "household__village__code"

    household = models.OneToOneField(Household, verbose_name=_("户"), on_delete=models.CASCADE,
                                     related_name="registration")
    year = models.PositiveSmallIntegerField(_("建档立卡年度"), null=True, blank=True)
    attribute = models.CharField(_("贫困户属性"), max_length=16, choices=choices.Attribute.choices, blank=True)
    status = models.CharField(_("脱贫状态"), max_length=16, choices=choices.Status.choices, blank=True)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    main_cause = models.CharField(_("主要致贫原因"), max_length=16, choices=choices.Cause.choices, blank=True)
    other_cause_1 = models.CharField(_("其他致贫原因一"), max_length=16, choices=choices.Cause.choices, blank=True)
    other_cause_2 = models.CharField(_("其他致贫原因二"), max_length=16, choices=choices.Cause.choices, blank=True)

    class Meta:
        verbose_name = _("建档立卡信息")
        verbose_name_plural = _("建档立卡信息")
        indexes = [models.Index(fields=["status"]), models.Index(fields=["attribute"]),
                   models.Index(fields=["main_cause"])]
        constraints = [
            models.CheckConstraint(condition=Q(exit_year__isnull=True) | Q(year__isnull=True)
                                   | Q(exit_year__gte=models.F("year")), name="registration_exit_after_year"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_attribute_display()} {self.get_status_display()}"

    @property
    def other_causes(self) -> list[str]:
        return [c for c in (self.other_cause_1, self.other_cause_2) if c]


class Income(TimeStampedModel):
    """A household's income of one year by kind, in yuan exact to the fen."""

    scope_field = "household__village__code"

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("年度"))
    persons = models.PositiveSmallIntegerField(_("家庭人口"))
    wage = models.DecimalField(_("工资性收入"), max_digits=12, decimal_places=2, default=Decimal("0"))
    business = models.DecimalField(_("经营性收入"), max_digits=12, decimal_places=2, default=Decimal("0"))
    transfer = models.DecimalField(_("转移性收入"), max_digits=12, decimal_places=2, default=Decimal("0"))
    assets = models.DecimalField(_("财产性收入"), max_digits=12, decimal_places=2, default=Decimal("0"))
    costs = models.DecimalField(_("生产经营性支出"), max_digits=12, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("家庭收入")
        verbose_name_plural = _("家庭收入")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_one_per_year"),
            models.CheckConstraint(condition=Q(persons__gte=1), name="income_persons_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"

    @property
    def gross(self) -> Decimal:
        return self.wage + self.business + self.transfer + self.assets

    @property
    def net(self) -> Decimal:
        return self.gross - self.costs

    @property
    def per_capita(self) -> Decimal:
        """人均纯收入, rounded half-up to the fen."""
        return (self.net / self.persons).quantize(FEN, rounding=ROUND_HALF_UP)


class Checklist(TimeStampedModel):
    """两不愁三保障 plus safe drinking water: one row per household, updated in place (history in audit)."""

    household = models.OneToOneField(Household, verbose_name=_("户"), on_delete=models.CASCADE,
                                     related_name="checklist")
    food = models.CharField(_("不愁吃"), max_length=8, choices=choices.Check.choices, blank=True)
    clothing = models.CharField(_("不愁穿"), max_length=8, choices=choices.Check.choices, blank=True)
    education = models.CharField(_("义务教育有保障"), max_length=8, choices=choices.Check.choices, blank=True)
    medical = models.CharField(_("基本医疗有保障"), max_length=8, choices=choices.Check.choices, blank=True)
    housing = models.CharField(_("住房安全有保障"), max_length=8, choices=choices.Check.choices, blank=True)
    water = models.CharField(_("饮水安全有保障"), max_length=8, choices=choices.Check.choices, blank=True)
    checked_on = models.DateField(_("核查日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("两不愁三保障")
        verbose_name_plural = _("两不愁三保障")

    def __str__(self) -> str:
        return str(self.household_id)

    def items(self):
        return [(name, label, getattr(self, name), getattr(self, f"get_{name}_display")())
                for name, label in choices.CHECK_ITEMS]


class ChecklistChange(models.Model):
    """One item of a household's checklist changing value (未保障 → 已保障 closes a gap): the history the
    livelihood heart's indicator reads. Written by registry.services.checklist_save, never edited."""

    scope_field = "household__village__code"

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE,
                                  related_name="checklist_changes", db_index=False)
    item = models.CharField(_("核查项目"), max_length=16, choices=choices.CHECK_ITEMS)
    before = models.CharField(_("原结果"), max_length=8, choices=choices.Check.choices, blank=True)
    after = models.CharField(_("新结果"), max_length=8, choices=choices.Check.choices, blank=True)
    changed_at = models.DateTimeField(_("变更时间"))

    class Meta:
        verbose_name = _("两不愁三保障变更")
        verbose_name_plural = _("两不愁三保障变更")
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["household", "item", "changed_at"]), models.Index(fields=["changed_at"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.item} {self.before}→{self.after}"
