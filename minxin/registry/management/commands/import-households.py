"""`minxin import-households FILE [--sheet NAME] [--dry-run] [--skip-invalid] [--report PATH] [--user NAME]`
(DESIGN §4).

Exit 0: imported (or nothing to change); 1: invalid rows found (nothing written unless
--skip-invalid); 2: unusable file.
"""

import sys

from django.core.management.base import BaseCommand

from minxin.accounts.models import User
from minxin.core.errors import DomainError
from minxin.registry.io.report import write_report
from minxin.registry.services_io import household_import


class Command(BaseCommand):
    help = "Import households from an .xlsx, .xls or .csv sheet in the template of SPEC §6."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--sheet", default="", help="The workbook's sheet to import (default: the one sheet "
                                                        "holding the template's header; asked when several do).")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="Import the valid households; skip every household with an invalid row.")
        parser.add_argument("--report", help="Write the report of bad rows here (.xlsx, or .csv by extension).")
        parser.add_argument("--user", help="Act as this user (its scope applies); default: the system, county-wide.")

    def handle(self, *args, file, sheet, dry_run, skip_invalid, report, user, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                self.stderr.write(f"No active user named {user!r}.")
                sys.exit(2)
        try:
            outcome = household_import(actor=actor, path=file, sheet=sheet, dry_run=dry_run, skip_invalid=skip_invalid,
                                       progress=self._progress if options.get("verbosity", 1) > 1 else None)
        except FileNotFoundError:
            self.stderr.write(f"File not found: {file}")
            sys.exit(2)
        except DomainError as exc:
            self.stderr.write(exc.message)
            sys.exit(2)
        if report:
            write_report(report, outcome.report_rows, notes=outcome.layout)
        for note in outcome.layout:
            self.stdout.write(f"  * {note}")
        out = self.stdout if outcome.exit_code == 0 else self.stderr
        out.write(outcome.message)
        for name, value in outcome.counts.items():
            self.stdout.write(f"  {name:<22} {value:>9,}")
        for problem in outcome.problems[:20]:
            self.stderr.write(f"  row {problem.row} {problem.column}: {problem.reason}")
        if len(outcome.problems) > 20:
            self.stderr.write(f"  … {len(outcome.problems) - 20} more (see --report)")
        if outcome.exit_code:
            sys.exit(outcome.exit_code)

    def _progress(self, percent, phase):
        self.stderr.write(f"{percent:3d}% {phase}")
