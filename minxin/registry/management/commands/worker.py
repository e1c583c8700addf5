"""`minxin worker [db_worker options]`: the background worker, as `minxin db_worker`, that first fails
the jobs a crash or restart left "running" and deletes their files (services_io.jobs_recover).

django-tasks-db's `db_worker` has no start-up hook, and as the app listed first in INSTALLED_APPS
its command cannot be overridden by name: this command extends it instead.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from minxin.registry.services_io import jobs_recover


class Command(DbWorkerCommand):
    help = "Run the background worker (db_worker), after failing the jobs a crash or restart interrupted."

    def handle(self, *args, **options):
        recovered = jobs_recover()
        if recovered:
            self.stderr.write(f"Failed {recovered} job(s) interrupted by a crash or restart.")
        super().handle(*args, **options)
