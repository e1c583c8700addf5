"""四位一体 supervision: inspections with findings, manual scores per indicator, rectification."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet


class Inspection(TimeStampedModel):
    """One supervision visit to a village: 日常督导, 交叉检查, 季度督查 or 年终考核."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("日常督导")
        CROSS = "cross", _("交叉检查")
        QUARTERLY = "quarterly", _("季度督查")
        ANNUAL = "annual", _("年终考核")

    scope_field = "village__code"

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    village = models.ForeignKey("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("督查人"), on_delete=models.PROTECT,
                                  related_name="+")
    summary = models.TextField(_("督查情况"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查")
        verbose_name_plural = _("督查")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"


class Finding(TimeStampedModel):
    """A problem found on an inspection. `unexcused_absence` marks a spot check that found the
    cadre away from the village without approved leave (SPEC §4.4 absence rules)."""

    class Severity(models.TextChoices):
        NOTE = "note", _("提醒")
        GENERAL = "general", _("一般问题")
        SERIOUS = "serious", _("严重问题")

    scope_field = "inspection__village__code"

    inspection = models.ForeignKey(Inspection, verbose_name=_("督查"), on_delete=models.PROTECT,
                                   related_name="findings")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("驻村干部"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="findings")
    indicator = models.CharField(_("相关指标"), max_length=64, blank=True)
    severity = models.CharField(_("性质"), max_length=16, choices=Severity.choices, default=Severity.GENERAL)
    text = models.TextField(_("发现问题"))
    unexcused_absence = models.BooleanField(_("无故不在岗（抽查）"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查发现")
        verbose_name_plural = _("督查发现")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.text[:40]


class ManualScore(TimeStampedModel):
    """A supervisor's score (0–100) of one manual indicator for one cadre on one inspection."""

    scope_field = "inspection__village__code"

    inspection = models.ForeignKey(Inspection, verbose_name=_("督查"), on_delete=models.PROTECT,
                                   related_name="scores")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("驻村干部"), on_delete=models.PROTECT,
                              related_name="manual_scores")
    indicator = models.CharField(_("指标"), max_length=64)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    note = models.CharField(_("评分说明"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查评分")
        verbose_name_plural = _("督查评分")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "cadre", "indicator"],
                                               name="manual_score_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.score}"


class Rectification(TimeStampedModel):
    """整改: a task opened from a finding, with a deadline and a status."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        DONE = "done", _("已整改")

    scope_field = "finding__inspection__village__code"

    finding = models.OneToOneField(Finding, verbose_name=_("督查发现"), on_delete=models.PROTECT,
                                   related_name="rectification")
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    result = models.TextField(_("整改情况"), blank=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        ordering = ["status", "deadline"]

    def __str__(self) -> str:
        return f"{self.finding} → {self.deadline:%Y-%m-%d}"

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.deadline < timezone.localdate()
