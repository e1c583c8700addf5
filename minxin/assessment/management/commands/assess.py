import time

from django.core.management.base import BaseCommand, CommandError

from minxin.assessment import services
from minxin.assessment.management.commands._common import acting_user, add_county_argument, county_code
from minxin.core.errors import DomainError


class Command(BaseCommand):
    help = ("Compute a county's quarter for every cadre serving there "
            "(minxin assess --quarter 2026Q3 [--publish] [--county 520627]).")

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3")
        parser.add_argument("--publish", action="store_true", help="Publish (freeze) the quarter after computing it.")
        parser.add_argument("--user", help="Act as this account (default: the system, audited as such).")
        add_county_argument(parser)

    def handle(self, *args, quarter, publish, user, county, **options):
        actor = acting_user(user)
        county = county_code(county)
        started = time.perf_counter()
        try:
            period = services.period_assess(actor=actor, quarter=quarter, county_code=county)
            computed = time.perf_counter() - started
            results = period.results.count()
            self.stdout.write(self.style.SUCCESS(
                f"{period.code}: {results} cadres assessed with scheme v{period.scheme.version} in {computed:.2f} s."))
            if publish:
                period = services.period_publish(actor=actor, period=period)
                self.stdout.write(self.style.SUCCESS(
                    f"{period.code} published as {period.document_code}; appeals until "
                    f"{period.appeal_deadline:%Y-%m-%d %H:%M %Z}."))
        except DomainError as exc:
            raise CommandError(exc.message) from None
