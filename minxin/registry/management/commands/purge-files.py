"""`minxin purge-files [--days N]`: fail the jobs a crash or restart left "running" (their uploads are
deleted), then delete export files and import reports of jobs finished more than N days ago (default
MINXIN_FILE_RETENTION_DAYS). Run it daily (docs/operations.md)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from minxin.registry.services_io import job_files_purge, jobs_recover


class Command(BaseCommand):
    help = "Delete export files and import reports older than the retention period (they hold personal data)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help=f"Keep files this many days (default {settings.MINXIN_FILE_RETENTION_DAYS}).")

    def handle(self, *args, days, **options):
        days = settings.MINXIN_FILE_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days cannot be negative.")
        recovered = jobs_recover()
        if recovered:
            self.stdout.write(f"Failed {recovered} job(s) interrupted by a crash or restart.")
        deleted = job_files_purge(older_than=datetime.timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} file(s) of jobs finished more than {days} day(s) ago.")
