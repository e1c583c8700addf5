"""The county's assessment scheme (考核方案): weights, targets and rules, versioned.

Every change saves a new version; a period records the version it was computed with, so changing
the scheme never changes a published period.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.Model):
    """One version of a county's settings (each county of a prefecture's database keeps its own).
    Rows are never edited: a change is a new version."""

    county_code = models.CharField(_("县"), max_length=12)
    version = models.PositiveIntegerField(_("版本"))
    note = models.CharField(_("修改说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # Fairness adjustment (docs/assessment.md): a score is multiplied by the terrain factor of the
    # cadre's village, and size-sensitive indicators also by the size factor; capped at 100.
    fairness_enabled = models.BooleanField(_("启用公平性调整"), default=False)
    terrain_mountain = models.DecimalField(_("山区系数"), max_digits=4, decimal_places=2, default=Decimal("1.05"))
    terrain_hill = models.DecimalField(_("丘陵系数"), max_digits=4, decimal_places=2, default=Decimal("1.02"))
    terrain_flat = models.DecimalField(_("坝区系数"), max_digits=4, decimal_places=2, default=Decimal("1.00"))
    size_reference = models.PositiveIntegerField(_("规模基准户数"), default=300)
    size_step = models.DecimalField(_("每超 100 户增加系数"), max_digits=4, decimal_places=3, default=Decimal("0.02"))
    size_cap = models.DecimalField(_("规模系数上限"), max_digits=4, decimal_places=2, default=Decimal("1.10"))
    # Publishing, appeals and pledges.
    appeal_days = models.PositiveSmallIntegerField(_("申诉期限（天）"), default=7)
    pledge_due_month = models.PositiveSmallIntegerField(_("承诺提交截止月"), default=3)
    pledge_due_day = models.PositiveSmallIntegerField(_("承诺提交截止日"), default=31)
    # Annual grade (年度考核等次).
    excellent_cap_pct = models.PositiveSmallIntegerField(_("优秀比例上限（%）"), default=20)
    excellent_min = models.DecimalField(_("优秀分数线"), max_digits=5, decimal_places=2, default=Decimal("90"))
    competent_min = models.DecimalField(_("称职分数线"), max_digits=5, decimal_places=2, default=Decimal("75"))
    basic_min = models.DecimalField(_("基本称职分数线"), max_digits=5, decimal_places=2, default=Decimal("60"))
    annual_quarters_pct = models.PositiveSmallIntegerField(_("年度综合：季度得分占比（%）"), default=70)
    annual_pledge_pct = models.PositiveSmallIntegerField(_("年度综合：评诺占比（%）"), default=20)
    annual_supervision_pct = models.PositiveSmallIntegerField(_("年度综合：年终考核占比（%）"), default=10)
    # The bulletin's 表扬和批评: the top N with at least a score are commended; those below a score
    # are criticised, the lowest-ranked N at most; with none below it, the bottom N are reminded.
    commend_top = models.PositiveSmallIntegerField(_("通报表扬：全县前几名"), default=10)
    commend_min = models.DecimalField(_("通报表扬：至少得分"), max_digits=5, decimal_places=2, default=Decimal("85"))
    criticise_below = models.DecimalField(_("通报批评：得分低于"), max_digits=5, decimal_places=2,
                                          default=Decimal("60"))
    criticise_max = models.PositiveSmallIntegerField(_("通报批评：最多人数（排名最后的）"), default=5)
    remind_bottom = models.PositiveSmallIntegerField(_("无人低于分数线时：提醒排名最后几名"), default=5)

    RULE_FIELDS = [
        "fairness_enabled", "terrain_mountain", "terrain_hill", "terrain_flat", "size_reference", "size_step",
        "size_cap", "appeal_days", "pledge_due_month", "pledge_due_day", "excellent_cap_pct", "excellent_min",
        "competent_min", "basic_min", "annual_quarters_pct", "annual_pledge_pct", "annual_supervision_pct",
        "commend_top", "commend_min", "criticise_below", "criticise_max", "remind_bottom",
    ]

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["county_code", "version"], name="scheme_unique_version")]

    def __str__(self) -> str:
        return _("考核方案第 %(v)s 版") % {"v": self.version}

    def terrain_factor(self, terrain: str) -> Decimal:
        return {"mountain": self.terrain_mountain, "hill": self.terrain_hill}.get(terrain, self.terrain_flat)


MAX_TARGET = Decimal("99999999.99")  # SchemeWeight.target's 10 digits, 2 after the point
MAX_STEP = Decimal("9999.99")  # SchemeWeight.step's 6


class SchemeWeight(models.Model):
    """The weight (out of 100 for the whole scheme), target and step of one indicator."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="weights")
    indicator = models.CharField(_("指标"), max_length=64)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    target = models.DecimalField(_("目标值"), max_digits=10, decimal_places=2)
    step = models.DecimalField(_("每超一个单位扣分"), max_digits=6, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("指标权重")
        verbose_name_plural = _("指标权重")
        constraints = [models.UniqueConstraint(fields=["scheme", "indicator"], name="scheme_weight_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.weight}"
