from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from minxin.core import sealing
from minxin.core.audit import audit_record
from minxin.core.sealedfields import check_sealed, reseal, sealed_fields


class Command(BaseCommand):
    help = ("Re-seal every stored identifier under the current key (the first of MINXIN_IDENTIFIER_KEYS), "
            "then say which keys are still in use. See docs/operations.md, \"Keys\".")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--generate", metavar="ID",
                            help="only print a new key entry ID:KEY, to put first in MINXIN_IDENTIFIER_KEYS")
        parser.add_argument("--check", action="store_true",
                            help="write nothing: open every value and compute its digest anew (a restored backup "
                                 "tried); exit 1 when a value does not open or a digest differs")
        parser.add_argument("--all", action="store_true",
                            help="re-seal every value, not only those under an older key (after a change of "
                                 "MINXIN_LOOKUP_KEY: the lookup digests are computed anew)")

    def handle(self, *args: Any, generate: str | None, check: bool, all: bool, **options: Any) -> None:  # noqa: A002
        if generate:
            if not generate.isalnum():
                raise CommandError("A key id is letters and digits only (k2, 2027 …).")
            self.stdout.write(sealing.new_key_entry(generate))
            return
        if check:
            self._check()
            return
        current = sealing.keys().current
        changed = 0
        # One transaction: a run that stops half-way leaves every value as it was (and under a key
        # still configured), and a run of --all never leaves old and new digests side by side.
        try:
            with transaction.atomic():
                for model, field in sealed_fields():
                    count, _keys = reseal(model, field, mode="all" if all else "rotate")
                    changed += count
                    self.stdout.write(f"{model._meta.label}.{field.name}: {count} re-sealed")
                audit_record(actor=None, action="identifiers.reseal", object_type="core.keys", object_id=current,
                             object_repr=current, region_code=settings.MINXIN_COUNTY_CODE,
                             after={"resealed": changed, "key": current})
        except sealing.SealError as exc:  # nothing was changed
            raise CommandError(f"{exc} Nothing was re-sealed; put that key back in MINXIN_IDENTIFIER_KEYS.") from None
        self.stdout.write(self.style.SUCCESS(f"{changed} values re-sealed under key {current}."))
        unused = sorted(set(sealing.keys().ciphers) - {current})
        if unused:  # every value is under the current key now
            self.stdout.write(f"No value is sealed under {', '.join(unused)} any more: it may be removed "
                              "from MINXIN_IDENTIFIER_KEYS.")

    def _check(self) -> None:
        failed = 0
        for model, field in sealed_fields():
            census, unopened, wrong = check_sealed(model, field)
            keys = ", ".join(f"{key or 'in clear'} {count}" for key, count in sorted(census.items())) or "none"
            self.stdout.write(f"{model._meta.label}.{field.name}: {keys}; {unopened} do not open, "
                              f"{wrong} digests differ")
            failed += unopened + wrong + census[""]
        if failed:
            raise CommandError(f"{failed} values are not sealed, not opened by MINXIN_IDENTIFIER_KEYS or not found "
                               "by MINXIN_LOOKUP_KEY: the keys do not fit this database.")
        self.stdout.write(self.style.SUCCESS("Every value opens under the configured keys and is found by its digest."))
