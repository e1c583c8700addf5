"""The editable facts of a village's file (一村一档); the figures are computed from the records."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet


class VillageFile(TimeStampedModel):
    scope_field = "village__code"

    village = models.OneToOneField("regions.Region", verbose_name=_("村"), on_delete=models.CASCADE,
                                   related_name="village_file", primary_key=True)
    road = models.CharField(_("道路（通组硬化路）"), max_length=200, blank=True)
    water = models.CharField(_("饮水"), max_length=200, blank=True)
    electricity = models.CharField(_("用电"), max_length=200, blank=True)
    broadband = models.CharField(_("宽带与通信"), max_length=200, blank=True)
    clinic = models.CharField(_("村卫生室"), max_length=200, blank=True)
    collective_income = models.DecimalField(_("村集体经济收入（元/年）"), max_digits=12, decimal_places=2,
                                            null=True, blank=True)
    committees = models.TextField(_("村两委成员"), blank=True)
    party_branch = models.TextField(_("村党组织"), blank=True)
    liaison_room = models.CharField(_("干群连心室"), max_length=200, blank=True)
    notes = models.TextField(_("其他情况"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更新人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("一村一档")
        verbose_name_plural = _("一村一档")

    def __str__(self) -> str:
        return str(self.village_id)
