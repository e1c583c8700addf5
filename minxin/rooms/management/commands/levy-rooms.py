from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from minxin.rooms import services


class Command(BaseCommand):
    help = ("Levy a year's working fund (city : county : sending unit) for every open liaison room that "
            "lacks it — this year unless --year; rooms levied already are left as they are (run on 1 January).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="the year to levy (default: this year)")

    def handle(self, *args: Any, year: int | None = None, **options: Any) -> None:
        year = year or timezone.localdate().year
        count = services.levy_all(actor=None, year=year)
        self.stdout.write(self.style.SUCCESS(f"{year}: dues levied for {count} liaison rooms."))
