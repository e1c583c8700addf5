"""年初承诺 and 年终评诺: a cadre's annual pledge, its measurable items by heart, their review."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.assessment.hearts import HEART_CHOICES
from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet


class Pledge(TimeStampedModel):
    """A cadre's pledge for a year, made to four audiences (the county leading group, the sending
    unit, the township and the villagers); public on the village page once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        PUBLIC = "public", _("已公开")

    scope_field = "village__code"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("驻村干部"), on_delete=models.PROTECT,
                              related_name="pledges")
    year = models.PositiveSmallIntegerField(_("年度"))
    village = models.ForeignKey("regions.Region", verbose_name=_("驻村"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("公开审核人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年初承诺")
        verbose_name_plural = _("年初承诺")
        ordering = ["-year", "village_id", "id"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="pledge_one_per_year")]

    def __str__(self) -> str:
        return _("%(name)s %(year)s 年承诺") % {"name": self.cadre.name, "year": self.year}

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLIC


class PledgeItem(models.Model):
    """One measurable pledge item, and the township's year-end review of it."""

    class Result(models.TextChoices):
        FULFILLED = "fulfilled", _("已兑现")
        PARTLY = "partly", _("部分兑现")
        NOT = "not", _("未兑现")

    scope_field = "pledge__village__code"

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="items")
    heart = models.CharField(_("所属“心”"), max_length=16, choices=HEART_CHOICES)
    text = models.CharField(_("承诺事项"), max_length=300)
    measure = models.CharField(_("衡量标准"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    result = models.CharField(_("评诺结果"), max_length=16, choices=Result.choices, blank=True)
    evidence = models.TextField(_("评诺依据"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评诺人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("评诺时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("承诺事项")
        verbose_name_plural = _("承诺事项")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class PledgeDelivery(models.Model):
    """The pledge made to one of its audiences (SPEC §4.4): filed with the county leading group,
    the sending unit or the township on a date. The villagers' audience is the public page (the
    pledge's publication), so it has no row here."""

    class Audience(models.TextChoices):
        COUNTY = "county", _("县驻村工作领导小组")
        UNIT = "unit", _("派出单位")
        TOWNSHIP = "township", _("乡镇党委")

    scope_field = "pledge__village__code"

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="deliveries")
    audience = models.CharField(_("承诺对象"), max_length=16, choices=Audience.choices)
    delivered_on = models.DateField(_("报送日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("如：随年度工作计划报送，文号"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("承诺报送")
        verbose_name_plural = _("承诺报送")
        constraints = [models.UniqueConstraint(fields=["pledge", "audience"], name="pledge_delivery_unique")]

    def __str__(self) -> str:
        return f"{self.pledge_id} → {self.get_audience_display()}"


def new_public_token() -> str:
    return secrets.token_urlsafe(12)


class PledgeBoard(models.Model):
    """A village's public pledge page: the QR code carries this token, not a guessable code."""

    village = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=24, unique=True, default=new_public_token, editable=False)

    class Meta:
        verbose_name = _("村承诺公示页")
        verbose_name_plural = _("村承诺公示页")

    def __str__(self) -> str:
        return self.village_id
