"""Writes that move households in and out as files: imports (CLI and upload page), exports (inline
or as a background job for large lists), and the removal of old files holding personal data.

Jobs run in `minxin db_worker` (tasks.py); an uploaded file is never imported inside the web
request. A job keeps its progress and a heartbeat on its row, so the page can poll it; whatever goes
wrong, a job ends in a final state instead of staying "running" — and one whose process died with
it (a crash, a restart) is failed by `jobs_recover` once its heartbeat is stale.
"""

import contextlib
import datetime
import os
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts.models import User
from minxin.core import sealing
from minxin.core.audit import audit_record
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.masking import is_whole_id_number
from minxin.core.requestlog import current_request_id, request_bound
from minxin.registry import permissions, selectors
from minxin.registry.io import exporter, importer, report
from minxin.registry.models import ExportJob, ImportJob

EXPORT_TYPE = "registry.export"


def household_import(*, actor: User | None, path: str, name: str | None = None, dry_run: bool = False,
                     skip_invalid: bool = False, progress: Any = None, sheet: str = "") -> Any:
    """Import a sheet (see io/importer.py); writes in one transaction, with audit events."""

    if actor is not None and not permissions.can_import(actor):
        raise PermissionDenied(_("您的角色不能导入户档案。"))
    return importer.run_import(path, actor=actor, name=name, dry_run=dry_run, skip_invalid=skip_invalid,
                               progress=progress, sheet=sheet)


def household_export(*, actor: User | None, households: Any, target: Any, unmasked: bool = False, description: str = "",
                     region_code: str = "", progress: Any = None) -> int:
    """Write the households (already scoped by the selector) in the import template; log the export.
    Unmasked identifiers only for roles that may reveal them (the CLI, actor=None, is an admin tool).
    `progress(done)` is told how many households are written, every few thousand."""

    if unmasked and actor is not None and not permissions.can_reveal(actor):
        raise PermissionDenied(_("您的角色不能导出完整的身份证号和电话。"))
    count = exporter.write_xlsx(target, exporter.rows_for(households, unmasked=unmasked, progress=progress))
    audit_record(actor=actor, action="household.export.unmasked" if unmasked else "household.export",
                 object_type=EXPORT_TYPE, object_repr=description[:255],
                 region_code=region_code or (getattr(actor, "scope_id", "") or ""),
                 after={"rows": count, "unmasked": unmasked, "filters": description})
    return count


def _job_region(actor: User) -> str:
    """Where a job belongs (its visibility): the starter's scope, the county for a county-wide user."""
    return actor.scope_id or settings.MINXIN_COUNTY_CODE


@contextlib.contextmanager
def _ends_failed(model: Any, pk: int, partial: Path | None = None) -> Any:
    """An unexpected error still ends the job (as failed, with a plain message, its partial file
    removed) before it propagates to the worker's log, so its page never polls forever."""
    try:
        yield
    except Exception:
        ended = {"state": "failed", "progress": 100, "phase": "", "finished_at": timezone.now(),
                 "message": _("处理时发生意外错误，已记录；请联系系统管理员。")}
        if partial is not None:
            partial.unlink(missing_ok=True)
            ended["stored_path"] = ""
        model.objects.filter(pk=pk).update(**ended)
        raise


@transaction.atomic
def import_job_create(*, actor: User, upload: Any, dry_run: bool = False, skip_invalid: bool = False) -> ImportJob:
    """Store an uploaded sheet and queue its import (run by tasks.import_households_job)."""
    if not permissions.can_import(actor):
        raise PermissionDenied(_("您的角色不能导入户档案。"))
    ext = os.path.splitext(upload.name)[1].lower()[:8]
    folder = settings.MEDIA_ROOT / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{ext}"
    size = 0
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > settings.MINXIN_IMPORT_MAX_FILE_BYTES:
                handle.close()
                path.unlink(missing_ok=True)
                raise DomainError("file_too_large", _("文件太大，上限为 %(max)d MB。")
                                  % {"max": settings.MINXIN_IMPORT_MAX_FILE_BYTES // 2**20}, field="file")
            handle.write(chunk)
    job = ImportJob.objects.create(created_by=actor, region_code=_job_region(actor),
                                   file_name=os.path.basename(upload.name)[:255], stored_path=str(path),
                                   dry_run=dry_run, skip_invalid=skip_invalid, request_id=current_request_id())
    audit_record(actor=actor, action="household.import.upload", obj=job, region_code=job.region_code,
                 after={"file": job.file_name, "bytes": size, "dry_run": dry_run, "skip_invalid": skip_invalid})
    return job


def import_job_run(*, job_id: int) -> None:
    """Run a queued import job, keeping its progress and report up to date (called by the task),
    as part of the request that queued it (its id in the log and on the audit events).
    The uploaded file is deleted once read: the records (or the report) are what remains."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with request_bound(job.request_id):
        _import_job_run(job)


def _import_job_run(job: ImportJob) -> None:
    if job.finished:
        return
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, progress=1, phase=_("开始处理"),
                                               heartbeat_at=timezone.now())

    def progress(percent: int, phase: str) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=percent, phase=str(phase)[:64],
                                                   heartbeat_at=timezone.now())

    with _ends_failed(ImportJob, job.pk):
        outcome = None
        try:
            outcome = household_import(actor=job.created_by, path=job.stored_path, name=job.file_name,
                                       dry_run=job.dry_run, skip_invalid=job.skip_invalid, progress=progress,
                                       sheet=job.sheet)
        except DomainError as exc:
            ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED, progress=100,
                                                       message=exc.message, finished_at=timezone.now())
            return
        finally:
            if outcome is None or not outcome.sheets:  # kept while its starter chooses the sheet
                Path(job.stored_path).unlink(missing_ok=True)
        if outcome.sheets:
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportJob.State.SHEET, progress=100, phase="", message=outcome.message[:500],
                sheet_choices=outcome.sheets, finished_at=timezone.now())
            return
        report_path = ""
        if outcome.report_rows:
            folder = settings.MEDIA_ROOT / "imports" / "reports"
            folder.mkdir(parents=True, exist_ok=True)
            report_path = str(folder / f"report-{job.pk}.xlsx")
            report.write_report(report_path, outcome.report_rows, notes=outcome.layout)
    state = {0: ImportJob.State.DONE, 1: ImportJob.State.INVALID}.get(outcome.exit_code, ImportJob.State.FAILED)
    if outcome.exit_code == 1 and job.skip_invalid and outcome.counts.get("households_created") is not None:
        state = ImportJob.State.DONE
    ImportJob.objects.filter(pk=job.pk).update(
        state=state, progress=100, phase="", counts=outcome.counts, message=outcome.message[:500],
        report_path=report_path, error_count=len(outcome.problems), rows_total=outcome.counts.get("rows", 0),
        layout=outcome.layout, finished_at=timezone.now())


@transaction.atomic
def import_job_choose_sheet(*, actor: User, job: ImportJob, sheet: str) -> ImportJob:
    """Its starter says which sheet of the workbook to import (several held the template): the job is
    queued again for that sheet (the caller enqueues it)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk or not permissions.can_import(actor):
        raise PermissionDenied(_("只有上传该文件的人可以选择要导入的工作表。"))
    if job.state != ImportJob.State.SHEET or not os.path.exists(job.stored_path):
        raise DomainError("not_waiting", _("该导入任务不在等待选择工作表（可能已处理，或文件已过期清除）。"))
    if sheet not in job.sheet_choices:
        raise DomainError("no_such_sheet", _("请从含导入模板表头的工作表中选择一个。"), field="sheet")
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED, sheet=sheet, progress=0, message="",
                                               finished_at=None)
    audit_record(actor=actor, action="household.import.sheet", obj=job, region_code=job.region_code,
                 after={"sheet": sheet})
    job.refresh_from_db()
    return job


def export_job_create(*, actor: User, filters: selectors.HouseholdFilters, unmasked: bool = False) -> ExportJob:
    """Queue the export of a filtered household list (run by tasks.export_households_job)."""
    if not permissions.can_view(actor):
        raise PermissionDenied(_("您的角色不能查看户档案。"))
    if unmasked and not permissions.can_reveal(actor):
        raise PermissionDenied(_("您的角色不能导出完整的身份证号和电话。"))
    stored = asdict(filters)
    if is_whole_id_number(filters.q):  # kept sealed like every stored ID number, opened when the job runs
        stored["q"] = sealing.seal(filters.q.strip().upper(), "id_number")
    return ExportJob.objects.create(created_by=actor, region_code=_job_region(actor), filters=stored,
                                    description=filters.description()[:500], unmasked=unmasked,
                                    request_id=current_request_id())


def _job_filters(stored: dict) -> selectors.HouseholdFilters:
    q = stored.get("q", "")
    return selectors.HouseholdFilters(**{**stored, "q": sealing.reveal(q, "id_number") if sealing.is_sealed(q) else q})


def export_job_run(*, job_id: int) -> None:
    """Write a queued export to a file under MEDIA_ROOT/exports, as the user who asked for it: the
    rows are those the user may see when it runs, and a user who has lost the right gets nothing.
    It runs as part of the request that queued it (its id in the log and on the audit events)."""
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    with request_bound(job.request_id):
        _export_job_run(job)


def _export_job_run(job: ExportJob) -> None:
    if job.finished:
        return
    actor = job.created_by
    folder = settings.MEDIA_ROOT / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.xlsx"
    # The path is kept from the start, so that jobs_recover can delete a file its crash left half-written.
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, progress=1, phase=_("正在查询"),
                                               stored_path=str(path), heartbeat_at=timezone.now())
    with _ends_failed(ExportJob, job.pk, partial=path):
        try:
            if not actor.is_active:
                raise PermissionDenied(_("该账号已停用。"))
            if not permissions.can_view(actor):
                raise PermissionDenied(_("您的角色不能查看户档案。"))
            households = selectors.household_list(user=actor, filters=_job_filters(job.filters))
            total = households.count()

            def progress(done: int) -> None:
                ExportJob.objects.filter(pk=job.pk).update(progress=max(1, min(99, done * 100 // max(total, 1))),
                                                           phase=_("正在写入"), heartbeat_at=timezone.now())

            rows = household_export(actor=actor, households=households, target=str(path), unmasked=job.unmasked,
                                    description=job.description, region_code=job.region_code, progress=progress)
        except PermissionDenied as exc:
            path.unlink(missing_ok=True)
            ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, progress=100, phase="",
                                                       stored_path="", message=str(exc)[:500],
                                                       finished_at=timezone.now())
            return
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, progress=100, phase="", households=total, rows_written=rows,
        stored_path=str(path), finished_at=timezone.now(),
        message=_("已导出 %(households)s 户、%(people)s 人。") % {"households": f"{total:,}", "people": f"{rows:,}"})


def _logged_download(*, actor: User | None, job: Any, path: str, action: str, identifiers: bool) -> str:
    """The path of a job's file for a user who may see the job (the selectors), logged: the file may
    be fetched by someone other than its starter. A file holding full identifiers (`identifiers`)
    only for a role that may reveal them; a missing or purged file is a DomainError (404)."""
    if not path or not os.path.exists(path):
        raise DomainError("file_unavailable", _("文件不存在或已过期清除。"))
    if identifiers and not permissions.can_reveal(actor):
        raise PermissionDenied(_("您的角色不能下载完整的身份证号和电话。"))
    audit_record(actor=actor, action=action, obj=job, region_code=job.region_code,
                 after={"job": job.pk, "identifiers": identifiers})
    return path


def export_download(*, actor: User | None, job: ExportJob) -> str:
    """A finished export's file (unmasked ones only for roles that may reveal)."""
    path = job.stored_path if job.state == ExportJob.State.DONE else ""
    return _logged_download(actor=actor, job=job, path=path, action="household.export.download",
                            identifiers=job.unmasked)


def import_report_download(*, actor: User, job: ImportJob) -> str:
    """An import's report. It quotes the bad cells as typed — ID numbers and phones among them — so
    beside its uploader, only roles that may reveal identifiers fetch it."""
    return _logged_download(actor=actor, job=job, path=job.report_path, action="household.import.report",
                            identifiers=actor.pk != job.created_by_id)


def job_files_purge(*, older_than: datetime.timedelta) -> int:
    """Delete export files and import reports of jobs finished longer ago than `older_than` (they hold
    names and identifiers; the records themselves stay). Returns how many files were deleted."""
    cutoff = timezone.now() - older_than
    deleted = 0
    # An import's upload is normally deleted once read; one still waiting for its sheet goes here.
    for model, field in ((ExportJob, "stored_path"), (ImportJob, "report_path"), (ImportJob, "stored_path")):
        old = model.objects.filter(finished_at__lt=cutoff).exclude(**{field: ""})
        for file_path in old.values_list(field, flat=True):
            if os.path.exists(file_path):
                os.unlink(file_path)
                deleted += 1
        old.update(**{field: ""})
    return deleted


def jobs_recover(*, stale_after: datetime.timedelta | None = None) -> int:
    """Fail the jobs that a crash or restart cut off: "running", with a heartbeat older than
    `stale_after` (MINXIN_JOB_STALE_MINUTES), or none and created before that. The import's upload,
    or the export's half-written file, is deleted (they hold personal data). Run when a worker starts
    (`minxin worker`), before each job and by `minxin purge-files`. Returns how many jobs it failed."""
    if stale_after is None:
        stale_after = datetime.timedelta(minutes=settings.MINXIN_JOB_STALE_MINUTES)
    now = timezone.now()
    cutoff = now - stale_after
    stale = Q(state="running") & (Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    failed = 0
    for model, message, cleared in ((ImportJob, _("处理中断（服务重启），请重新上传。"), {}),
                                    (ExportJob, _("处理中断（服务重启），请重新导出。"), {"stored_path": ""})):
        # Read first, then fail row by row under the same condition: a job whose heartbeat moves on
        # meanwhile is left alone, and on SQLite nothing waits for a lock unless a job is really stale.
        for pk, path in model.objects.filter(stale).values_list("pk", "stored_path"):
            if model.objects.filter(stale, pk=pk).update(state="failed", progress=100, phase="", message=message,
                                                         finished_at=now, **cleared):
                if path:
                    Path(path).unlink(missing_ok=True)
                failed += 1
    return failed
