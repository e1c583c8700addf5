"""Quarterly periods, their computed results per cadre and indicator, and appeals (申诉)."""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from minxin.assessment.window import Window
from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet
from minxin.regions import codes, issuers


class Period(TimeStampedModel):
    """A county's quarter of assessment (a prefecture's database holds one per county). Draft until
    published; publishing freezes it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    county_code = models.CharField(_("县"), max_length=12)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    scheme = models.ForeignKey("assessment.Scheme", verbose_name=_("考核方案"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="periods")
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("计算人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    appeal_deadline = models.DateTimeField(_("申诉截止"), null=True, blank=True)
    document_number = models.PositiveIntegerField(_("通报文号序号"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核季度")
        verbose_name_plural = _("考核季度")
        ordering = ["-year", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["county_code", "year", "quarter"], name="period_unique_quarter")]

    def __str__(self) -> str:
        return self.window.label()

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def window(self) -> Window:
        return Window(self.year, self.quarter)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def county(self) -> str:
        """The county's significant prefix (520627), as in the period's address."""
        return codes.prefix_of(self.county_code)

    @cached_property
    def county_name(self) -> str:
        """The county's name: annotated by selectors.period_list, otherwise one query."""
        annotated = getattr(self, "annotated_county_name", None)
        return annotated if annotated is not None else issuers.county_name(self.county_code)

    @property
    def issuer_code(self) -> str:
        """The county organisation department's abbreviation in a document number: 沿组通 for 沿河."""
        return f"{issuers.abbreviation(self.county_name)}组通"

    @property
    def document_code(self) -> str:
        """沿组通〔2026〕N号 (GB/T 9704 发文字号), numbered per county and year."""
        return f"{self.issuer_code}〔{self.year}〕{self.document_number or '×'}号"


class CadreResult(models.Model):
    """One cadre's total and ranks in a period. `village_code` is where the cadre served then."""

    scope_field = "village_code"

    period = models.ForeignKey(Period, verbose_name=_("考核季度"), on_delete=models.CASCADE, related_name="results")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("驻村干部"), on_delete=models.PROTECT,
                              related_name="assessment_results")
    village_code = models.CharField(_("驻村"), max_length=12, db_index=True)
    township_code = models.CharField(_("乡镇"), max_length=12, db_index=True)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    rank_county = models.PositiveIntegerField(_("全县排名"))
    rank_township = models.PositiveIntegerField(_("乡镇排名"))
    cohort_county = models.PositiveIntegerField(_("全县参评人数"))
    cohort_township = models.PositiveIntegerField(_("乡镇参评人数"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度考核结果")
        verbose_name_plural = _("季度考核结果")
        ordering = ["rank_county", "cadre_id"]
        constraints = [models.UniqueConstraint(fields=["period", "cadre"], name="result_unique_cadre")]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.total}"


class IndicatorScore(models.Model):
    """The raw value, score, weight and points of one indicator for one cadre in a period."""

    scope_field = "result__village_code"

    result = models.ForeignKey(CadreResult, on_delete=models.CASCADE, related_name="scores")
    indicator = models.CharField(_("指标"), max_length=64)
    heart = models.CharField(_("心"), max_length=16)
    kind = models.CharField(_("类型"), max_length=8)
    raw = models.DecimalField(_("原始值"), max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=10, decimal_places=2)
    factor = models.DecimalField(_("公平系数"), max_digits=5, decimal_places=3, default=1)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    effective_weight = models.DecimalField(_("实际权重"), max_digits=7, decimal_places=4)
    points = models.DecimalField(_("计入总分"), max_digits=6, decimal_places=2)
    original_score = models.DecimalField(_("申诉前得分"), max_digits=6, decimal_places=2, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["result", "indicator"], name="score_unique_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.score}"


class Appeal(TimeStampedModel):
    """申诉: a cadre disputes one of its scores in a published period; the county decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("申诉成立")
        REJECTED = "rejected", _("申诉不成立")

    scope_field = "score__result__village_code"

    score = models.ForeignKey(IndicatorScore, verbose_name=_("得分"), on_delete=models.PROTECT,
                              related_name="appeals")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申诉人"), on_delete=models.PROTECT,
                                 related_name="+")
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision = models.TextField(_("处理意见"), blank=True)
    corrected_score = models.DecimalField(_("更正后得分"), max_digits=6, decimal_places=2, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.score_id} {self.get_status_display()}"
