import getpass

from django.core.management.base import BaseCommand, CommandError

from minxin.accounts import services
from minxin.accounts.roles import Role
from minxin.accounts.scoping import sending_unit_model
from minxin.core.errors import DomainError
from minxin.regions import codes
from minxin.regions.models import Region


class Command(BaseCommand):
    help = "Create a user with a role and a scope: minxin create-user NAME --role ROLE --scope CODE [--password P]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--scope", required=True, help="Region code, 12 digits or its prefix (520627, 520627106).")
        parser.add_argument("--password", help="Omit to be asked (or pass an empty string for no login).")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--sending-unit", help="Name of the sending unit (role sending_unit only).")

    def handle(self, *args, username, role, scope, password, full_name, phone, sending_unit, **options):
        try:
            region = Region.objects.filter(code=codes.normalize_code(scope)).first()
        except codes.InvalidRegionCode as exc:
            raise CommandError(str(exc)) from None
        if region is None:
            raise CommandError(f"Region {scope} does not exist (load the division tree with `minxin load-regions [FILE]` first).")
        unit = None
        if sending_unit:
            unit = sending_unit_model().objects.filter(name=sending_unit).first()
            if unit is None:
                raise CommandError(f"Sending unit {sending_unit!r} does not exist.")
        if password is None:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("The two passwords differ; nothing was created.")
        try:
            user = services.user_create(actor=None, username=username, role=role, scope=region, password=password,
                                        full_name=full_name, phone=phone, sending_unit=unit)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(
            f"Created {user.username}: {Role(role).label} ({role}), scope {region.code} {region.name}"))
