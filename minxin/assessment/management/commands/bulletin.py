from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from minxin.assessment import bulletin, selectors
from minxin.assessment.management.commands._common import add_county_argument, county_code, county_viewer
from minxin.regions.models import Region


class Command(BaseCommand):
    help = ("Write a quarter's bulletin (通报) as a Word document laid out per GB/T 9704, and the same "
            "ranking table as .xlsx next to it (minxin bulletin --quarter 2026Q3 -o FILE.docx).")

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3")
        parser.add_argument("-o", "--output", required=True, help="the .docx to write")
        add_county_argument(parser)

    def handle(self, *args, quarter, output, county, **options):
        viewer = county_viewer(county_code(county))
        try:
            period = selectors.period_get(user=viewer, code=quarter)
        except Http404:
            raise CommandError(f"No assessment for {quarter}: run `minxin assess --quarter {quarter}` first.") from None
        if period.computed_at is None:
            raise CommandError(f"{quarter} has not been computed yet.")
        path = Path(output)
        if path.suffix.lower() != ".docx":
            raise CommandError("The output must be a .docx file.")
        path.parent.mkdir(parents=True, exist_ok=True)
        data = bulletin.collect(user=viewer, period=period, region=Region.objects.get(code=period.county_code))
        bulletin.render_docx(data, target=str(path))
        table = path.with_suffix(".xlsx")
        bulletin.render_xlsx(data, str(table))
        state = period.document_code if period.is_published else "draft (not published)"
        self.stdout.write(self.style.SUCCESS(f"{path} ({state}, {len(data.rows)} cadres) and {table} written."))
