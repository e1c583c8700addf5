"""The dashboard's numbers, kept in the database per village and year (reports.counting).

They are derived data: every row can be counted again from the records, and `minxin count-figures`
does so nightly. They hold counts only, never a person's data.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tally(models.Model):
    """Every registered figure's number (and monthly trend) for one year in one region's own records:
    a village's, or the few a township or county holds under its own code."""

    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.CharField(_("区划代码"), max_length=12)
    numbers = models.JSONField(_("数字"), default=dict)  # figure key → number (absent = 0)
    trends = models.JSONField(_("月度趋势"), default=dict)  # figure key → 12 monthly numbers

    class Meta:
        verbose_name = _("统计数字")
        verbose_name_plural = _("统计数字")
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="reports_tally_year_code")]

    def __str__(self) -> str:
        return f"{self.year} {self.code}"


class TallyState(models.Model):
    """How far one county's tallies for a year have counted the audit log (reports.counting).

    `unit` is a county's 6-digit prefix, or the prefix of a prefecture or province for the records
    under its own code. `revision` grows with every write, so that two processes counting at once
    cannot both store their numbers: the second finds the revision moved and keeps its numbers to
    itself."""

    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.CharField(_("区划前缀"), max_length=6)
    revision = models.PositiveIntegerField(default=0)
    version = models.BigIntegerField(default=0)  # the newest audit event counted
    seen = models.JSONField(default=list)  # the ids counted among the WINDOW ids up to `version`
    figures = models.CharField(max_length=64, blank=True)  # digest of the figures counted
    counted_at = models.DateTimeField(null=True)  # when a number was last counted
    full_at = models.DateTimeField(null=True)  # when everything was last counted
    day = models.DateField(null=True)  # the day the date-dependent figures were counted for

    class Meta:
        verbose_name = _("统计进度")
        verbose_name_plural = _("统计进度")
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="reports_tallystate_year_unit")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} r{self.revision}"
