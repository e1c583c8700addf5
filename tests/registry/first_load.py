"""A first load into a SQLite file, written by the writer process (registry/io/writer.py). Run by
test_writer.py in a process of its own: the suite's database is in memory, which a second process
cannot open.

`python -m tests.registry.first_load SHEET` (DATABASE_URL: an empty SQLite file) migrates, seeds the
county's regions and the village of tests/registry/conftest.family, then loads SHEET three times — a
row that breaks a key, a load that fails after its rows were sent, a load that succeeds — and
prints what it saw as one JSON line.
"""

import json
import sys


def _setup():
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from minxin.regions import codes
    from minxin.regions.models import Region
    from minxin.regions.services import region_seed_county

    region_seed_county()
    township = Region.objects.get(code="520627106000")  # 土地坳镇, as in tests/world.py
    Region.objects.create(code=f"{township.prefix}201", name="五七村", level=codes.VILLAGE, parent=township,
                          kind=Region.Kind.VILLAGE)


def _state() -> dict:
    from django.db import connection

    from minxin.core.models import AuditEvent
    from minxin.registry.io import bulk
    from minxin.registry.models import Household, Member

    with connection.cursor() as cursor:
        indexes = {table: [name for name, _sql in bulk.secondary_indexes(cursor, table)]
                   for table in ("registry_household", "registry_member", "registry_registration", "registry_helper")}
    return {"households": Household.objects.count(), "members": Member.objects.count(), "indexes": indexes,
            "summaries": list(AuditEvent.objects.filter(action="household.import").values_list("after", flat=True)),
            "created_events": AuditEvent.objects.filter(action="household.import.create").count()}


def _dangling() -> str:
    """A member whose household does not exist, sent through a writer: refused at its commit."""
    from django.db import IntegrityError
    from django.utils import timezone

    from minxin.core.sealing import seal_with_digests
    from minxin.registry.io import importer, writer
    from minxin.registry.io.checks import MEMBER_DEFAULTS, MEMBER_KEYS
    from minxin.registry.models import Member
    from tests.world import make_id_number

    now = timezone.now()
    member = {**MEMBER_DEFAULTS, "name": "无户", "relation": "head"}
    row = (now, now, 999_999, "520627100201", "wuhu wh", *seal_with_digests(make_id_number("19600101", 91), "id_number"),
           "M", now.date(), *(member[key] for key in MEMBER_KEYS), False, False, False)
    try:
        with writer.WriterProcess(importer._LOADED) as pipe:
            pipe.send([pipe.prepare(Member, importer._MEMBER_INSERT, [row])])
    except IntegrityError as exc:
        return f"IntegrityError: {exc}"
    return "written"


def _failing(sheet: str) -> str:
    """An import that fails after every batch was sent (its summary event cannot be made)."""
    from minxin.registry.io import importer

    def fail(**_event):
        raise RuntimeError("the summary failed")

    made = importer.audit_event
    importer.audit_event = fail
    try:
        importer.run_import(sheet)
    except RuntimeError as exc:
        return str(exc)
    finally:
        importer.audit_event = made
    return "imported"


def main(sheet: str) -> dict:
    _setup()
    from minxin.registry.io import importer, writer

    importer._FIRST_LOAD = 1  # the test's sheet is small
    used = []
    enter = writer.WriterProcess.__enter__

    def spy(self):
        used.append(type(self).__name__)
        return enter(self)

    writer.WriterProcess.__enter__ = spy
    seen = {"before": _state(), "dangling": _dangling()}
    seen["after_dangling"] = _state()
    seen["failing"] = _failing(sheet)
    seen["after_failing"] = _state()
    outcome = importer.run_import(sheet)
    seen["import"] = {"exit": outcome.exit_code, "counts": outcome.counts, "problems": [p.reason for p in outcome.problems]}
    seen["after_import"] = _state()
    seen["writers"] = used
    return seen


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1]), ensure_ascii=False, default=str))
