from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from minxin.ledger import services
from minxin.ledger.money import to_yuan


class Command(BaseCommand):
    help = ("Rebuild every ledger account's balance from its entries and report each difference; exit 1 if "
            "there was any (run nightly).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="report the differences without fixing them")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        differences = services.reconcile(fix=not check)
        for d in differences:
            self.stderr.write(f"{d.account}: cached {to_yuan(d.cached_fen)} ≠ entries {to_yuan(d.computed_fen)}"
                              + ("" if check else " (rebuilt)"))
        if differences:
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("Ledger reconciled: every balance equals its entries."))
