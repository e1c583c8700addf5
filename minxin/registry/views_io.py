"""Import (upload page with a progress bar), export, the template, and the village file page."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.core import errors
from minxin.core.errors import DomainError
from minxin.core.pages import form_page, show_error
from minxin.registry import permissions, selectors, services, services_io, tasks
from minxin.registry.forms import ImportForm, SheetChoiceForm, VillageFileForm
from minxin.registry.io.report import template_bytes
from minxin.registry.views import NAV, filters_from

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def household_export(request):
    """The filtered list (filters in the query string) as an .xlsx in the import template; unmasked
    only if allowed and asked. Writing one is logged, so only a POST writes: a GET shows the
    confirmation. A small list is written during the request; a large one is confirmed (a POST
    without `start`, from the list's buttons, shows the confirmation too) and runs as a background job."""
    filters = filters_from(request)
    unmasked = request.GET.get("unmasked") == "1"
    if unmasked and not permissions.can_reveal(request.user):
        raise PermissionDenied
    households = selectors.household_list(user=request.user, filters=filters)
    count = households.count()
    inline = count <= settings.MINXIN_EXPORT_INLINE_MAX_HOUSEHOLDS
    if request.method != "POST" or not (inline or request.POST.get("start")):
        return render(request, "registry/export_confirm.html", {
            "count": count, "inline": inline, "unmasked": unmasked, "description": filters.description(),
            "nav_active": NAV, "jobs": selectors.export_job_list(user=request.user).filter(created_by=request.user)[:5]})
    if not inline:
        try:
            job = services_io.export_job_create(actor=request.user, filters=filters, unmasked=unmasked)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("registry:household-list")
        tasks.export_households_job.enqueue(job.pk)
        return redirect("registry:export-job", pk=job.pk)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    services_io.household_export(actor=request.user, households=households, target=handle, unmasked=unmasked,
                                 description=filters.description())
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=_export_name(unmasked), content_type=XLSX)


def _export_name(unmasked: bool) -> str:
    return f"households-{timezone.localdate():%Y%m%d}{'-unmasked' if unmasked else ''}.xlsx"


@login_required
def export_job(request, pk):
    job = selectors.export_job_get(user=request.user, pk=pk)
    return render(request, "registry/export_job.html", {
        "job": job, "nav_active": NAV, "retention_days": settings.MINXIN_FILE_RETENTION_DAYS})


@login_required
def export_progress(request, pk):
    """The progress fragment; htmx polls it until the job has finished."""
    job = selectors.export_job_get(user=request.user, pk=pk)
    return render(request, "registry/_export_progress.html", {
        "job": job, "retention_days": settings.MINXIN_FILE_RETENTION_DAYS})


def _job_file(download, request, job, filename):
    """A job's file through its service: refused by role → 403, missing or purged → 404."""
    try:
        path = download(actor=request.user, job=job)
    except errors.PermissionDenied:
        raise PermissionDenied from None
    except DomainError:
        raise Http404 from None
    return FileResponse(open(path, "rb"), as_attachment=True,  # noqa: SIM115 - closed by FileResponse
                        filename=filename, content_type=XLSX)


@login_required
@require_POST  # each download is logged (an unmasked file reveals identifiers): never a bare link
def export_download(request, pk):
    job = selectors.export_job_get(user=request.user, pk=pk)
    return _job_file(services_io.export_download, request, job, _export_name(job.unmasked))


@login_required
def import_template(request):
    if not permissions.can_view(request.user):
        raise PermissionDenied
    response = HttpResponse(template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="household-import-template.xlsx"'
    return response


@login_required
def import_upload(request):
    if not permissions.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services_io.import_job_create(actor=request.user, upload=upload, dry_run=form.cleaned_data["dry_run"],
                                             skip_invalid=form.cleaned_data["skip_invalid"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            # Never read here, however small: a hostile sheet must not cost the web server its memory.
            tasks.import_households_job.enqueue(job.pk)
            return redirect("registry:import-job", pk=job.pk)
    jobs = selectors.import_job_list(user=request.user)[:10]
    return render(request, "registry/import.html", {"form": form, "jobs": jobs, "nav_active": NAV})


def _job_context(request, job, form=None) -> dict:
    """A job's page and its progress fragment: when it waits for a sheet, its starter's choice."""
    if form is None and job.state == job.State.SHEET and job.created_by_id == request.user.pk:
        form = SheetChoiceForm(choices=job.sheet_choices)
    return {"job": job, "sheet_form": form}


@login_required
def import_job(request, pk):
    job = selectors.import_job_get(user=request.user, pk=pk)
    return render(request, "registry/import_job.html", {**_job_context(request, job), "nav_active": NAV})


@login_required
@require_POST
def import_sheet(request, pk):
    """The starter picks the sheet to import (several held the template); the job is queued again."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    form = SheetChoiceForm(request.POST, choices=job.sheet_choices)
    if form.is_valid():
        try:
            job = services_io.import_job_choose_sheet(actor=request.user, job=job, sheet=form.cleaned_data["sheet"])
        except errors.PermissionDenied:
            raise PermissionDenied from None
        except DomainError as exc:
            show_error(form, exc)
        else:
            tasks.import_households_job.enqueue(job.pk)
            return redirect("registry:import-job", pk=job.pk)
    return render(request, "registry/import_job.html", {**_job_context(request, job, form), "nav_active": NAV},
                  status=400)


@login_required
def import_progress(request, pk):
    """The progress fragment; htmx polls it until the job has finished."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    response = render(request, "registry/_import_progress.html", _job_context(request, job))
    if job.finished:
        response["HX-Trigger"] = "import-finished"
    return response


@login_required
@require_POST  # each download is logged: never a bare link
def import_report(request, pk):
    job = selectors.import_job_get(user=request.user, pk=pk)
    return _job_file(services_io.import_report_download, request, job, f"import-report-{job.pk}.xlsx")


@login_required
def village_file(request, code):
    village = selectors.village_get(user=request.user, code=code)
    data = selectors.village_file(user=request.user, village=village)
    return render(request, "registry/village_file.html", {
        "village": village, **data, "plans": selectors.village_plans(user=request.user, village=village),
        "nav_active": NAV, "can_edit": permissions.can_edit(request.user)})


@login_required
def village_file_edit(request, code):
    village = selectors.village_get(user=request.user, code=code)
    if not permissions.can_edit(request.user):
        raise PermissionDenied
    file = selectors.village_file(user=request.user, village=village)["file"]
    form = VillageFileForm(request.POST or None, instance=file, initial={"version": file.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.village_file_update(actor=request.user, village=village, **data)
        except services.Conflict as exc:
            messages.error(request, exc.message)
            file = selectors.village_file(user=request.user, village=village)["file"]
            form = VillageFileForm(instance=file, initial={"version": file.version})
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("村情档案已保存。"))
            return redirect("registry:village-file", code=village.code)
    return form_page(request, form, _("编辑一村一档：%(name)s") % {"name": village.name}, nav=NAV,
                     back=reverse("registry:village-file", args=[village.code]), template="registry/form.html",
                     forms=[form])
