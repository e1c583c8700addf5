"""Background work: imports and large exports run in `minxin db_worker` (django-tasks, database backend).

Each job first fails the jobs a crash or restart left "running" (services_io.jobs_recover), so a
worker that comes back recovers them with its next job even when it was started as plain
`db_worker` rather than `minxin worker`.
"""

from django_tasks import task

from minxin.registry import services_io


@task()
def import_households_job(job_id: int) -> None:
    services_io.jobs_recover()
    services_io.import_job_run(job_id=job_id)


@task()
def export_households_job(job_id: int) -> None:
    services_io.jobs_recover()
    services_io.export_job_run(job_id=job_id)
