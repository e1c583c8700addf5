"""A household import run from the upload page (the file, its options, progress and report)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.scoping import ScopedQuerySet, scope_q


class ImportJobQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Jobs inside the user's scope (by the uploader's scope) and always the user's own."""
        query = scope_q(user, "region_code")
        if user is not None and user.is_authenticated:
            query |= Q(created_by_id=user.pk)
        return self.filter(query)


class ImportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        INVALID = "invalid", _("有错误")
        FAILED = "failed", _("文件无法使用")

    scope_field = "region_code"

    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                   related_name="+")
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(max_length=500)
    dry_run = models.BooleanField(_("只检查，不写入"), default=False)
    skip_invalid = models.BooleanField(_("跳过有错误的户"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    phase = models.CharField(_("阶段"), max_length=64, blank=True)
    rows_total = models.PositiveIntegerField(_("行数"), default=0)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    message = models.CharField(_("结果"), max_length=500, blank=True)
    report_path = models.CharField(max_length=500, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.INVALID, self.State.FAILED)
