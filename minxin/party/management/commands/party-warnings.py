import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from minxin.party import services_rect
from minxin.party.models import Branch


class Command(BaseCommand):
    help = ("Compute the weak-branch warning of every village party branch for today (or --date) from "
            "the recorded facts and the manual flags; run nightly. Rerunning the same day replaces that day's rows.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to compute, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, date: str | None = None, **options: Any) -> None:
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
        branches = Branch.objects.select_related("village").order_by("village__code")
        warned = services_rect.warnings_store(actor=None, branches=branches, day=day)
        self.stdout.write(self.style.SUCCESS(f"{day}: {branches.count()} branches, {warned} under a warning."))
