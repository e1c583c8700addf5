"""A village's development plan (村发展规划) and its items: the plan heart (精心) is scored from how
many items due by the end of a period were completed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet


class VillagePlan(TimeStampedModel):
    """One plan of a village, covering some years (a village may have had several)."""

    scope_field = "village__code"

    village = models.ForeignKey("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT,
                                related_name="plans")
    title = models.CharField(_("规划名称"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("截止年度"))
    approved_on = models.DateField(_("村民代表大会通过日期"), null=True, blank=True)
    summary = models.TextField(_("发展思路"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编制人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("村发展规划")
        verbose_name_plural = _("村发展规划")
        ordering = ["village", "-start_year", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")),
                                              name="village_plan_years")]

    def __str__(self) -> str:
        return self.title


class PlanItem(TimeStampedModel):
    """One thing the plan commits to doing by a date; completed (with the date) or not."""

    scope_field = "plan__village__code"

    class Category(models.TextChoices):
        INFRASTRUCTURE = "infrastructure", _("基础设施")
        INDUSTRY = "industry", _("产业发展")
        LIVELIHOOD = "livelihood", _("民生保障")
        GOVERNANCE = "governance", _("乡村治理")
        PARTY = "party", _("组织建设")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PLANNED = "planned", _("未开始")
        ACTIVE = "active", _("推进中")
        DONE = "done", _("已完成")
        DROPPED = "dropped", _("已取消")

    plan = models.ForeignKey(VillagePlan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("事项"), max_length=200)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    due_on = models.DateField(_("计划完成日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    progress_note = models.CharField(_("进展情况"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("规划事项")
        verbose_name_plural = _("规划事项")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["plan", "due_on"])]
        constraints = [models.CheckConstraint(condition=Q(status="done", done_on__isnull=False)
                                              | (~Q(status="done") & Q(done_on__isnull=True)),
                                              name="plan_item_done_date")]

    def __str__(self) -> str:
        return self.title
