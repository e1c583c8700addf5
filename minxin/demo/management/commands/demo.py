from django.core.management.base import BaseCommand, CommandError

from minxin import demo
from minxin.regions.models import Region
from minxin.reports.counting import count_everything


class Command(BaseCommand):
    help = "Load deterministic demo data: tiny (tests), small (the default demo) or county (SPEC §5 scale)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(demo.SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing (and succeed) when the database already holds villages.")

    def handle(self, *args, scale, seed, if_empty, **options):
        if Region.objects.filter(level="village").exists():
            if if_empty:
                self.stdout.write("The database already holds data; demo not loaded.")
                return
            raise CommandError("The database already holds villages: load the demo into an empty database "
                               "(e.g. DATABASE_URL=sqlite:///var/demo.sqlite3 minxin migrate).")
        ctx = demo.build(scale, seed)
        count_everything()  # the dashboard's numbers, so that its first view counts nothing
        self.stdout.write(self.style.SUCCESS(f"Demo '{scale}' (seed {seed}) created:"))
        for name, count in ctx.counts.items():
            self.stdout.write(f"  {name:<22} {count:>9,}")
        self.stdout.write("\nDemo accounts (all with the same password):")
        self.stdout.write(f"  {'username':<12} {'password':<14} {'role':<10} scope")
        for username, password, role, scope in ctx.accounts:
            self.stdout.write(f"  {username:<12} {password:<14} {role:<10} {scope}")
