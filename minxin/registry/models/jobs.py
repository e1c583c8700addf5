"""Background jobs of the registry: an import run from the upload page, and a large export.

Both are seen by users whose scope holds the starter's scope (a county clerk sees a township's
jobs, not the other way round) and always by the starter; the page polls their progress.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.scoping import ScopedQuerySet, scope_q


class JobQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Jobs inside the user's scope (by the starter's scope) and always the user's own."""
        query = scope_q(user, "region_code")
        if user is not None and user.is_authenticated:
            query |= Q(created_by_id=user.pk)
        return self.filter(query)


class Job(models.Model):
    """What every background job keeps: who started it, where, how far it is and how it ended."""

    FINISHED_STATES = ("done", "invalid", "failed")
    scope_field = "region_code"

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+")
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    phase = models.CharField(_("阶段"), max_length=64, blank=True)
    message = models.CharField(_("结果"), max_length=500, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Set when the job starts and with each progress report: a "running" job whose heartbeat is
    # older than MINXIN_JOB_STALE_MINUTES was cut off by a crash or restart (services_io.jobs_recover).
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    # The request that queued it: the worker's log lines and audit events for the job carry its id.
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED_STATES


class ImportJob(Job):
    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        INVALID = "invalid", _("有错误")
        FAILED = "failed", _("文件无法使用")
        SHEET = "sheet", _("待选择工作表")

    # A job waiting for its starter to say which sheet to read has stopped too (its page stops polling).
    FINISHED_STATES = (*Job.FINISHED_STATES, "sheet")

    file_name = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(max_length=500)
    dry_run = models.BooleanField(_("只检查，不写入"), default=False)
    skip_invalid = models.BooleanField(_("跳过有错误的户"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("行数"), default=0)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    report_path = models.CharField(max_length=500, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    sheet = models.CharField(_("工作表"), max_length=100, blank=True)
    sheet_choices = models.JSONField(_("含模板表头的工作表"), default=list, blank=True)
    layout = models.JSONField(_("表格格式说明"), default=list, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return self.file_name


class ExportJob(Job):
    """A filtered household list written to .xlsx by the worker (too large to wait for in a request).
    The filters are those of the list page; the rows are scoped by the starter's scope when it runs."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("导出失败")

    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    description = models.CharField(_("筛选说明"), max_length=500, blank=True)
    unmasked = models.BooleanField(_("不脱敏"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    households = models.PositiveIntegerField(_("户数"), default=0)
    rows_written = models.PositiveIntegerField(_("人数"), default=0)
    stored_path = models.CharField(max_length=500, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")

    def __str__(self) -> str:
        return self.description or str(self.pk)
