"""`minxin load-regions [FILE] [--dry-run]`: the division tree an installation serves.

Without FILE: the province, the prefecture and the county of MINXIN_COUNTY_CODE, with Yanhe's 23
townships built in. With FILE (CSV, UTF-8 or GBK, a header with 区划代码 and 名称, optionally 贫困村):
every township and village it lists, checked first and written all together (services_load.py).

Exit 0: loaded (or nothing to change); 1: rows refused, nothing written; 2: unusable file.
"""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from minxin.core.csvfile import UnreadableCsv, read_csv
from minxin.regions import codes, data, services_load
from minxin.regions.services import region_seed_county

SHOWN = 50


class Command(BaseCommand):
    help = "Load the division tree: the built-in county (no FILE) or a CSV list of 区划代码 and 名称."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV with the columns 区划代码, 名称 and optionally 贫困村 (是/否).")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and count, write nothing.")

    def handle(self, *args, file, dry_run, **options):
        rows = self._rows(file) if file else None
        with transaction.atomic():  # a refusal or a dry run leaves the database as it was
            county = region_seed_county(*self._county())
            self.stdout.write(f"{county.code} {county.name}: {county.children.count()} townships")
            if rows is not None:
                self._load(rows, dry_run)
            if dry_run:
                transaction.set_rollback(True)

    def _rows(self, file: str):
        try:
            if os.path.getsize(file) > services_load.MAX_FILE_BYTES:
                self._unusable(f"{file}: larger than {services_load.MAX_FILE_BYTES // 1024 // 1024} MB; a division list is far smaller.")
            return list(read_csv(file, max_rows=services_load.MAX_ROWS)[1])  # read whole: a bad line refuses before any write
        except OSError as exc:
            self._unusable(f"{file}: {exc.strerror}")
        except UnreadableCsv as exc:
            self._unusable(str(exc))

    def _load(self, rows, dry_run: bool) -> None:
        outcome = services_load.regions_load(rows, dry_run=dry_run)
        for problem in outcome.problems[:SHOWN]:
            self.stderr.write(f"  row {problem.row} {problem.column} {problem.value!r}: {problem.reason}")
        if outcome.problems:
            more = len(outcome.problems) - SHOWN
            self.stderr.write((f"  … {more} more\n" if more > 0 else "")
                              + f"{len(outcome.problems)} rows refused; nothing was written.")
            sys.exit(1)
        verb = "would be" if dry_run else "were"
        self.stdout.write(f"{len(outcome.created)} regions {verb} created, {len(outcome.changed)} changed, "
                          f"{outcome.unchanged} unchanged.")

    def _county(self) -> tuple:
        """Yanhe with its townships; another county of the prefecture alone (its townships come from FILE)."""
        try:
            code = codes.county_code(settings.MINXIN_COUNTY_CODE)
        except codes.InvalidRegionCode as exc:
            self._unusable(f"MINXIN_COUNTY_CODE: {exc}")
        names = {c: n for c, n, _former in data.COUNTIES}
        if code == data.COUNTY[0]:
            return ()
        if code not in names:
            self._unusable(f"MINXIN_COUNTY_CODE {code} is not a county of {data.PREFECTURE[1]} "
                           f"({', '.join(c[:6] for c in names)}).")
        return (code, names[code]), []

    def _unusable(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)
