"""`minxin refresh-households`: recompute every household's derived columns (head, search keys,
flags, care categories as of today) and write those that changed. Ages move on — a child turns
16, a parent 60 — so run it daily (docs/operations.md); also after a care rule changes."""

from django.core.management.base import BaseCommand

from minxin.registry.services import households_refresh_all


class Command(BaseCommand):
    help = "Recompute the households' derived columns (care categories by today's ages) and save the changed ones."

    def handle(self, *args, **options):
        changed = households_refresh_all()
        self.stdout.write(f"Refreshed households: {changed} changed.")
