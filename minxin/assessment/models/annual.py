"""年度考核等次 and the use of results (commendation, promotion, accountability, recall)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.core.figures import within
from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet
from minxin.regions import codes


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


GRADE_ORDER = [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT]


class AnnualGradeQuerySet(ScopedQuerySet):
    def of_county(self, county: str) -> "AnnualGradeQuerySet":
        """The grades of the county's cadres (by the village they served in): its 优秀 cap is counted
        among them, and it computes and confirms them apart from other counties'."""
        return self.filter(within("village_code", codes.prefix_of(county)))


class AnnualGrade(TimeStampedModel):
    """A cadre's grade for a year: computed from the year's quarters, the pledge review and the
    year-end supervision, then confirmed or overridden (with a reason) by the county."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待确认")
        CONFIRMED = "confirmed", _("已确认")

    scope_field = "village_code"

    year = models.PositiveSmallIntegerField(_("年度"))
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("驻村干部"), on_delete=models.PROTECT,
                              related_name="annual_grades")
    village_code = models.CharField(_("驻村"), max_length=12, db_index=True)
    quarters_score = models.DecimalField(_("季度平均分"), max_digits=6, decimal_places=2, null=True, blank=True)
    quarters_count = models.PositiveSmallIntegerField(_("参评季度数"), default=0)
    pledge_score = models.DecimalField(_("评诺得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    supervision_score = models.DecimalField(_("年终考核得分"), max_digits=6, decimal_places=2, null=True,
                                            blank=True)
    composite = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    unexcused_absences = models.PositiveSmallIntegerField(_("抽查无故不在岗次数"), default=0)
    computed_grade = models.CharField(_("计算等次"), max_length=16, choices=Grade.choices)
    explanation = models.JSONField(_("计算说明"), default=list)
    grade = models.CharField(_("确定等次"), max_length=16, choices=Grade.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    override_reason = models.TextField(_("调整理由"), blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = AnnualGradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度考核等次")
        verbose_name_plural = _("年度考核等次")
        ordering = ["-year", "-composite", "cadre_id"]
        constraints = [models.UniqueConstraint(fields=["year", "cadre"], name="annual_grade_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.cadre_id} {self.get_grade_display()}"


class Consequence(TimeStampedModel):
    """How a result is used: commendation, promotion recommendation, accountability or recall."""

    class Kind(models.TextChoices):
        COMMENDATION = "commendation", _("表彰")
        PROMOTION = "promotion", _("推荐提拔使用")
        ACCOUNTABILITY = "accountability", _("问责")
        RECALL = "recall", _("召回")

    scope_field = "village_code"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("驻村干部"), on_delete=models.PROTECT,
                              related_name="consequences")
    village_code = models.CharField(_("驻村"), max_length=12, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200, help_text=_("如：“十颗心”最美第一书记"))
    basis = models.TextField(_("依据"))
    decided_on = models.DateField(_("决定日期"))
    grade = models.ForeignKey(AnnualGrade, verbose_name=_("所依据的年度等次"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="consequences")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核结果运用")
        verbose_name_plural = _("考核结果运用")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"
