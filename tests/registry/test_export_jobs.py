"""Large exports as background jobs: confirmation, the job, its progress, the download (logged and
scoped), failures that end the job, and the purge of old files."""

import datetime
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from minxin.core.models import AuditEvent
from minxin.registry import services_io
from minxin.registry.io import exporter
from minxin.registry.models import ExportJob, Household, ImportJob
from minxin.registry.selectors import HouseholdFilters
from tests.registry.conftest import HEADER

pytestmark = pytest.mark.django_db
EXPORT = "/registry/households/export.xlsx"


@pytest.fixture
def background(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MINXIN_EXPORT_INLINE_MAX_HOUSEHOLDS = 0  # every export is a job


def sheet_rows(path):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def download(client, job, tmp_path):
    response = client.post(reverse("registry:export-download", args=[job.pk]))
    assert response.status_code == 200
    path = tmp_path / f"download-{job.pk}.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return sheet_rows(path)


def test_a_large_export_is_confirmed_then_written_by_the_worker(world, client, background, tmp_path):
    user = world.users["tdw_admin"]
    client.force_login(user)
    confirm = client.get(EXPORT, {"q": "ahzj"})
    body = confirm.content.decode()
    assert confirm.status_code == 200 and "当前筛选共 <strong>1</strong> 户" in body and "开始导出" in body
    assert ExportJob.objects.count() == 2  # the world's; looking at the confirmation starts nothing

    # The list's button POSTs without `start`: a large list is confirmed first, still nothing started.
    again = client.post(f"{EXPORT}?q=ahzj")
    assert again.status_code == 200 and "开始导出" in again.content.decode() and ExportJob.objects.count() == 2
    assert not AuditEvent.objects.filter(action__startswith="household.export").exists()

    response = client.post(f"{EXPORT}?q=ahzj", {"start": "1"})
    job = ExportJob.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == reverse("registry:export-job", args=[job.pk])
    assert job.state == "done" and job.households == 1 and job.rows_written == 2 and job.created_by == user
    assert job.filters["q"] == "ahzj" and job.region_code == user.scope_id and not job.unmasked
    assert job.description == "搜索：ahzj"

    page = client.get(reverse("registry:export-progress", args=[job.pk])).content.decode()
    assert "100%" in page and "已导出 1 户、2 人。" in page and "hx-get" not in page  # finished: no more polling
    rows = download(client, job, tmp_path)
    assert [r[HEADER.index("姓名")] for r in rows[1:]] == ["坳户主甲", "坳小孩"]
    assert all("*" in r[HEADER.index("证件号码")] for r in rows[1:])
    assert AuditEvent.objects.filter(action="household.export", actor=user, after__rows=2).exists()
    assert AuditEvent.objects.filter(action="household.export.download", actor=user, object_id=str(job.pk)).exists()


def test_an_unmasked_job_is_downloadable_only_by_roles_that_may_reveal(world, client, background, tmp_path):
    client.force_login(world.users["tdw_admin"])
    client.post(f"{EXPORT}?unmasked=1&q=ahzj", {"start": "1"})
    job = ExportJob.objects.latest("id")
    assert job.unmasked and job.state == "done"
    rows = download(client, job, tmp_path)
    assert all("*" not in r[HEADER.index("证件号码")] for r in rows[1:])
    # A county auditor sees the township's job but never unmasked identifiers.
    client.force_login(world.users["county_auditor"])
    assert client.get(reverse("registry:export-job", args=[job.pk])).status_code == 200
    assert client.post(reverse("registry:export-download", args=[job.pk])).status_code == 403
    assert client.post(f"{EXPORT}?unmasked=1", {"start": "1"}).status_code == 403
    # The other township does not see it at all.
    client.force_login(world.users["gz_admin"])
    assert client.get(reverse("registry:export-job", args=[job.pk])).status_code == 404


def test_the_job_exports_what_its_user_may_see_when_it_runs(world, background):
    job = services_io.export_job_create(actor=world.users["county_admin"], filters=HouseholdFilters())
    services_io.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.households == Household.objects.count()
    township = services_io.export_job_create(actor=world.users["tdw_admin"], filters=HouseholdFilters())
    services_io.export_job_run(job_id=township.pk)
    township.refresh_from_db()
    names = " ".join(str(c) for row in sheet_rows(township.stored_path) for c in row)
    assert "坳户主甲" in names and "舟" not in names
    assert township.households == Household.objects.filter(village__code__startswith="520627106").count()


def test_a_deactivated_user_gets_no_file(world, background):
    user = world.users["tdw_admin"]
    job = services_io.export_job_create(actor=user, filters=HouseholdFilters())
    user.is_active = False
    user.save()
    services_io.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and job.message == "该账号已停用。" and not job.stored_path
    assert not AuditEvent.objects.filter(action="household.export").exists()


def test_a_user_whose_role_lost_the_registry_gets_no_file(world, background):
    user = world.users["tdw_admin"]
    job = services_io.export_job_create(actor=user, filters=HouseholdFilters())
    user.role = "expert"
    user.save()
    services_io.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and job.message == "您的角色不能查看户档案。" and not job.stored_path


def test_an_unexpected_error_ends_the_job_as_failed(world, background, monkeypatch, tmp_path):
    def broken(target, rows, **kwargs):
        with open(target, "wb") as handle:  # half a file, then the disk fills up
            handle.write(b"PK")
        raise OSError("disk full")

    monkeypatch.setattr(exporter, "write_xlsx", broken)
    job = services_io.export_job_create(actor=world.users["tdw_admin"], filters=HouseholdFilters())
    with pytest.raises(OSError):
        services_io.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and job.progress == 100 and "意外错误" in job.message and job.finished_at
    assert not job.stored_path
    assert not list((tmp_path / "media" / "exports").iterdir())  # the partial file is gone


def test_progress_is_reported_per_chunk_of_households(world, monkeypatch, tmp_path):
    monkeypatch.setattr(exporter, "PROGRESS_EVERY", 1)
    seen = []
    services_io.household_export(actor=None, households=Household.objects.all(), target=str(tmp_path / "x.xlsx"),
                                 progress=seen.append)
    assert seen == list(range(1, Household.objects.count()))


def test_the_filters_are_described_in_words(world):
    filters = HouseholdFilters(region="520627106", registered="yes", status="exited", cause="illness",
                               tags=["dibao", "care_child"], q="zsf")
    assert filters.description() == ("区划：土地坳镇；建档立卡：是；脱贫状态：已脱贫；主要致贫原因：因病；低保；留守儿童；"
                                     "搜索：zsf")
    assert HouseholdFilters().description() == ""


def test_small_exports_stay_inline(world, client, settings):
    settings.MINXIN_EXPORT_INLINE_MAX_HOUSEHOLDS = 3000
    client.force_login(world.users["tdw_admin"])
    confirm = client.get(EXPORT).content.decode()
    assert "下载 Excel 文件" in confirm and "立即下载" in confirm
    response = client.post(EXPORT)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ExportJob.objects.count() == 2  # the world's
    assert AuditEvent.objects.filter(action="household.export", actor=world.users["tdw_admin"]).count() == 1


def test_old_files_are_purged_and_the_page_says_so(world, client, background, tmp_path):
    from django.core.management import call_command

    client.force_login(world.users["tdw_admin"])
    client.post(EXPORT, {"start": "1"})
    recent = ExportJob.objects.latest("id")
    old = world.registry["tdw"]["export"]
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    old_report = world.registry["tdw"]["job"]
    ImportJob.objects.filter(pk=old_report.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))

    call_command("purge-files")
    old.refresh_from_db()
    old_report.refresh_from_db()
    assert not old.stored_path and not os.path.exists(world.registry["tdw"]["export"].stored_path)
    assert not old_report.report_path
    assert os.path.exists(ExportJob.objects.get(pk=recent.pk).stored_path)  # within the 7 days: kept
    assert "文件已过期清除" in client.get(reverse("registry:export-job", args=[old.pk])).content.decode()
    assert client.post(reverse("registry:export-download", args=[old.pk])).status_code == 404
    assert client.post(reverse("registry:import-report", args=[old_report.pk])).status_code == 404


def test_an_export_searched_by_a_whole_id_number_keeps_it_sealed_and_masked(world, client, background, tmp_path):
    """The number searched by (by a role that may reveal) is in no description, audit event or page of
    the job, and not in clear in its stored filters; the job still finds the household."""
    from minxin.core import sealing
    from tests.sealed import plain

    member = world.registry["tdw"]["member"]
    number = plain(member)
    client.force_login(world.users["tdw_admin"])
    client.post(EXPORT + f"?q={number}", {"start": "1"})
    job = ExportJob.objects.latest("pk")
    assert number not in job.description and number[-4:] in job.description
    assert sealing.is_sealed(job.filters["q"]) and number not in str(job.filters)
    rows = download(client, job, tmp_path)
    assert member.household.number in {str(cell) for row in rows for cell in row}
    logged = list(AuditEvent.objects.filter(action__startswith="household.export").values_list("object_repr", "after"))
    assert logged and number not in str(logged)
    assert number not in client.get(reverse("registry:export-job", args=[job.pk])).content.decode()
