"""`minxin count-figures`: count every county's dashboard figures again in full and store them
(reports.counting). Run it nightly after the other nightly jobs (docs/operations.md), so that no
view pays for a full count and no mistake in an event's region outlasts a day."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minxin.reports.counting import count_everything


class Command(BaseCommand):
    help = "Count every county's dashboard figures for this year (or --year) again and store them."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="the year to count (default: this year)")

    def handle(self, *args, year=None, **options):
        if year is not None and not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"--year must be between 2000 and {timezone.localdate().year}, not {year}.")
        started = time.perf_counter()
        counties = count_everything(year)
        self.stdout.write(f"Counted the figures of {counties} counties (and the regions above them) "
                          f"in {time.perf_counter() - started:.1f} s.")
