from django.core.management.base import BaseCommand, CommandError

from minxin.accounts import services
from minxin.accounts.models import User


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="What the token is for.")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"User {username!r} does not exist.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is deactivated.")
        _token, raw = services.token_issue(actor=None, user=user, name=name)
        self.stdout.write(raw)
