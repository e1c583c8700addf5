"""Screenings (排查): every village files one each half month — each week in a sensitive period the
county declares — nil reports included."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet
from minxin.regions import codes


class SensitivePeriodQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The periods of the counties the user's scope lies in (a county's rule, read in all of it)."""
        return self.filter(county_code__in=codes.counties_of(user.scope_prefixes()))


class SensitivePeriod(TimeStampedModel):
    """A period a county declares sensitive (a festival, a major meeting): its villages screen weekly."""

    county_code = models.CharField(_("县"), max_length=12, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = SensitivePeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("敏感时期")
        verbose_name_plural = _("敏感时期")
        ordering = ["-start", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="sensitive_period_dates")]

    def __str__(self) -> str:
        return f"{self.name}（{self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}）"


class Screening(TimeStampedModel):
    """One screening of a village: the disputes found, or none (a nil report, 零报告)."""

    scope_field = "village__code"

    village = models.ForeignKey("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    screened_on = models.DateField(_("排查日期"))
    found = models.PositiveSmallIntegerField(_("排查出的矛盾纠纷（件）"), default=0)
    note = models.TextField(_("排查情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("矛盾纠纷排查")
        verbose_name_plural = _("矛盾纠纷排查")
        ordering = ["-screened_on", "-id"]
        indexes = [models.Index(fields=["village", "screened_on"])]

    def __str__(self) -> str:
        return f"{self.village_id} {self.screened_on:%Y-%m-%d}"

    @property
    def is_nil(self) -> bool:
        return self.found == 0
