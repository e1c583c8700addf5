"""Shared model bases and the append-only audit log."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.core.scoping import ScopedQuerySet


class TimeStampedModel(models.Model):
    """Base for domain models: creation and last-change time."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class AuditEventQuerySet(ScopedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One change or sensitive read (reveal, export), written by the service that did it.

    Rows are never updated or deleted: the model and its queryset refuse both, and services only
    ever call `audit_record`.
    """

    scope_field = "region_code"

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    # The region the object belongs to (12-digit code), so the log is scoped like everything else.
    region_code = models.CharField(_("所属区划"), max_length=12, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # The request that wrote it (its X-Request-ID and its server log lines); empty from the CLI and the worker.
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-created_at", "-id"]
        # action is filtered by equality and by prefix (startswith): one pattern-ops index serves
        # both on PostgreSQL (db_index would add a second, plain one that every write maintains for
        # nothing; other databases ignore opclasses). region_code is filtered by equality and by a
        # range of codes (the scope, core.figures.within): one plain index serves both.
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["action"], name="audit_action", opclasses=["varchar_pattern_ops"]),
                   models.Index(fields=["region_code"], name="audit_region_code"),
                   # Only events written by a request (the CLI and the worker leave it empty).
                   models.Index(fields=["request_id"], name="audit_request_id", condition=~models.Q(request_id=""))]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class WorkerBeat(models.Model):
    """A background worker's sign of life, written every MINXIN_WORKER_BEAT_SECONDS while it runs
    and deleted when it stops: readiness reports no worker when none is recent (core.health)."""

    worker_id = models.CharField(_("工作进程"), max_length=64, unique=True)
    hostname = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    beat_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("后台工作进程")
        verbose_name_plural = _("后台工作进程")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
