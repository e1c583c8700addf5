"""`minxin export-households --scope CODE -o FILE.xlsx`: an admin tool, unmasked, and logged."""

from django.core.management.base import BaseCommand, CommandError

from minxin.core.figures import within
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry.models import Household
from minxin.registry.services_io import household_export


class Command(BaseCommand):
    help = "Export the households of a region (code whole or as prefix) in the import template, unmasked."

    def add_arguments(self, parser):
        parser.add_argument("--scope", required=True, help="Region code: 12 digits or its prefix (520627, 520627106).")
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")

    def handle(self, *args, scope, output, **options):
        try:
            code = codes.normalize_code(scope)
        except codes.InvalidRegionCode as exc:
            raise CommandError(str(exc)) from None
        if not Region.objects.filter(code=code).exists():
            raise CommandError(f"No region with code {code}.")
        prefix = codes.prefix_of(code)
        households = Household.objects.filter(within("village_id", prefix))
        count = household_export(actor=None, households=households, target=output, unmasked=True,
                                 description=f"CLI export-households --scope {prefix}", region_code=code)
        self.stdout.write(self.style.SUCCESS(f"Exported {count:,} people of {households.count():,} households "
                                             f"to {output}."))
