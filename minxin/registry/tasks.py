"""Background work: large imports and exports run in `minxin db_worker` (django-tasks, database backend)."""

from django_tasks import task

from minxin.registry import services_io


@task()
def import_households_job(job_id: int) -> None:
    services_io.import_job_run(job_id=job_id)


@task()
def export_households_job(job_id: int) -> None:
    services_io.export_job_run(job_id=job_id)
