"""Background work: large imports run in `minxin db_worker` (django-tasks, database backend)."""

from django_tasks import task

from minxin.registry import services


@task()
def import_households_job(job_id: int) -> None:
    services.import_job_run(job_id=job_id)
