import sys
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minxin.core import backup
from minxin.core.models import WorkerBeat


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by `minxin backup` (stop the server first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, path: Path, yes: bool, **options: Any) -> None:
        if not yes:
            if not sys.stdin.isatty():  # a script or a cron job: nobody can answer the question
                raise CommandError("Restore replaces the whole database and needs confirmation: "
                                   "run it in a terminal, or pass --yes.")
            try:
                answer = input(f"Replace the current database with {path}? [y/N] ")
            except EOFError:
                answer = ""
            if answer.strip().lower() != "y":
                raise CommandError("Restore cancelled.")
        try:
            backup.restore(path)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        # Cached figures are keyed by the audit log's newest id, which a restore can move back.
        cache.clear()
        # The beats the backup held are of workers as they were then: /readyz waits for a live one's.
        WorkerBeat.objects.all().delete()
        self.stdout.write(self.style.SUCCESS(f"Database restored from {path}"))
