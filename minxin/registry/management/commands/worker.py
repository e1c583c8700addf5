"""`minxin worker [db_worker options]`: the background worker, as `minxin db_worker`, that first fails
the jobs a crash or restart left "running" and deletes their files (services_io.jobs_recover), and
beats for the readiness check while it runs (core.health).

django-tasks-db's `db_worker` has no start-up hook, and as the app listed first in INSTALLED_APPS
its command cannot be overridden by name: this command extends it instead.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from minxin.core.health import start_heartbeat
from minxin.registry.services_io import jobs_recover


class Command(DbWorkerCommand):
    help = ("Run the background worker (db_worker), after failing the jobs a crash or restart interrupted; "
            "it beats for /readyz while it runs.")

    def handle(self, *args, **options):
        recovered = jobs_recover()
        if recovered:
            self.stderr.write(f"Failed {recovered} job(s) interrupted by a crash or restart.")
        stop_heartbeat = start_heartbeat(options["worker_id"])
        try:
            super().handle(*args, **options)
        finally:
            stop_heartbeat()
