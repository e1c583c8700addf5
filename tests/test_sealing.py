"""Identifiers sealed at rest (core.sealing): what is stored, how it is found, rotation, and that
neither the database nor a backup holds an ID number or a phone in clear."""

import os
import re
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from minxin.cadres.models import Cadre
from minxin.core import sealing
from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.core.models import AuditEvent
from minxin.core.sealedfields import lookup_q, reseal_table, sealed_fields
from minxin.registry.models import Member
from tests.sealed import plain

ROOT = Path(__file__).resolve().parent.parent
NUMBER = "52062719850101123X"  # a valid ID number (checksum X)
OTHER = "520627199001011232"


def _stored(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_an_envelope_opens_its_mask_without_its_value_and_refuses_tampering():
    envelope = sealing.seal(NUMBER, "id_number")
    assert envelope.startswith("mx1.") and NUMBER not in envelope and "1985" not in envelope
    assert sealing.masked(envelope, "id_number") == mask_id_number(envelope) == "520627********123X"
    assert sealing.reveal(envelope, "id_number") == NUMBER
    assert sealing.seal(NUMBER, "id_number") != envelope  # a fresh nonce each time
    assert sealing.same_value(envelope, NUMBER) and not sealing.same_value(envelope, OTHER)
    prefix, key_id, digest, tail, mask, value = envelope.split(".")
    with pytest.raises(sealing.SealError):  # the mask moved into the value's place
        sealing.reveal(".".join([prefix, key_id, digest, tail, mask, mask]), "id_number")
    other = sealing.seal(OTHER, "id_number").split(".")
    with pytest.raises(sealing.SealError):  # another number's value under this number's digests
        sealing.reveal(".".join([prefix, key_id, digest, tail, mask, other[5]]), "id_number")
    with pytest.raises(sealing.SealError):
        sealing.reveal(envelope.replace(".k1.", ".k9.", 1), "id_number")
    assert mask_phone(sealing.seal("13912345678", "phone")) == "139****5678"


def test_an_envelope_that_cannot_be_opened_masks_as_stars_and_is_logged(caplog):
    parts = sealing.seal(NUMBER, "id_number").split(".")
    for index in (4, 5):  # the sealed mask and the sealed value, each with a byte changed
        parts[index] = parts[index][:-6] + ("AAAAAA" if not parts[index].endswith("AAAAAA") else "BBBBBB")
    altered = ".".join(parts)
    assert mask_id_number(altered) == "*" * 18 and "cannot be opened" in caplog.text
    assert mask_phone("mx1.not.an.envelope") == "*" * 11
    with pytest.raises(sealing.SealError):
        sealing.reveal(altered, "id_number")


@pytest.mark.django_db
def test_a_stored_number_is_sealed_found_by_its_digests_and_never_compared_in_clear(world):
    member = world.registry["tdw"]["member"]
    number = plain(member)
    stored = _stored(Member, member.pk, "id_number")
    assert stored.startswith("mx1.") and number not in stored
    assert _stored(Member, member.pk, "id_number_hash") == sealing.digest(number)
    assert _stored(Member, member.pk, "id_number_tail") == sealing.tail_digest(number[-4:])
    assert list(Member.objects.filter(lookup_q("id_number", number)).values_list("pk", flat=True)) == [member.pk]
    assert member.pk in Member.objects.filter(lookup_q("id_number", number[-4:])).values_list("pk", flat=True)
    assert not Member.objects.filter(lookup_q("id_number", number[-5:])).exists()  # no other tails
    with pytest.raises(FieldError):
        Member.objects.filter(id_number=number).exists()
    with pytest.raises(FieldError):
        Member.objects.filter(id_number__endswith=number[-4:]).exists()
    # The same number assigned again keeps the stored envelope: no change for the audit log.
    member.id_number = number
    assert member.id_number == stored
    member.id_number = OTHER
    member.save()
    assert _stored(Member, member.pk, "id_number_hash") == sealing.digest(OTHER) and plain(member) == OTHER


@pytest.mark.django_db
def test_sealing_older_rows_in_place_is_what_the_migration_does(world):
    """The migration's step (reseal_table, mode "plain") on values left in clear: each sealed, with
    its digests, and found again; values already sealed are left alone."""
    member = world.registry["tdw"]["member"]
    household = member.household
    sealed_before = _stored(Member, member.pk, "id_number")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_member SET id_number = %s, id_number_hash = '', id_number_tail = '' "
                       "WHERE id = %s", [OTHER, member.pk])
        cursor.execute("UPDATE registry_household SET phone = %s WHERE id = %s", ["13912345678", household.pk])
    changed, census = reseal_table("registry_member", "id_number", "id_number", mode="plain",
                                   digest_column="id_number_hash", tail_column="id_number_tail", chunk=2)
    assert changed == 1 and census["k1"] == Member.objects.count()
    assert reseal_table("registry_household", "phone", "phone", mode="plain")[0] == 1
    member.refresh_from_db()
    household.refresh_from_db()
    assert plain(member) == OTHER and plain(household, "phone") == "13912345678"
    assert Member.objects.get(lookup_q("id_number", OTHER)).pk == member.pk
    assert sealed_before != member.id_number
    assert reseal_table("registry_member", "id_number", "id_number", mode="plain")[0] == 0


@pytest.mark.django_db
def test_rotate_key_reseals_everything_under_the_new_key_and_nothing_changes_for_the_users(world, settings, client):
    member, cadre = world.registry["tdw"]["member"], world.cadres["tdw"][0]
    number, phone, cadre_number = plain(member), plain(member.household, "phone"), plain(cadre)
    masks = mask_id_number(member.id_number), mask_phone(cadre.phone)
    old = settings.MINXIN_IDENTIFIER_KEYS
    settings.MINXIN_IDENTIFIER_KEYS = f"{sealing.new_key_entry('k2')},{old}"
    call_command("rotate-key", stdout=open(os.devnull, "w"))  # noqa: SIM115
    event = AuditEvent.objects.get(action="identifiers.reseal")
    assert event.after["key"] == "k2" and event.after["resealed"] >= Member.objects.count() + Cadre.objects.count()
    settings.MINXIN_IDENTIFIER_KEYS = settings.MINXIN_IDENTIFIER_KEYS.split(",")[0]  # the old key removed
    member.refresh_from_db()
    cadre.refresh_from_db()
    assert sealing.key_id(member.id_number) == sealing.key_id(cadre.phone) == "k2"
    assert plain(member) == number and plain(member.household, "phone") == phone and plain(cadre) == cadre_number
    assert (mask_id_number(member.id_number), mask_phone(cadre.phone)) == masks
    for model, field in sealed_fields():
        for value in model.objects.exclude(**{field.name: ""}).values_list(field.name, flat=True):
            assert sealing.key_id(value) == "k2", (model, field.name)
    # A new lookup key: --all computes every digest anew, and the searches still find the person.
    settings.MINXIN_LOOKUP_KEY = sealing.base64.urlsafe_b64encode(os.urandom(32)).decode()
    assert not Member.objects.filter(lookup_q("id_number", number)).exists()
    call_command("rotate-key", "--all", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Member.objects.get(lookup_q("id_number", number)).pk == member.pk
    assert member.pk in Member.objects.filter(lookup_q("id_number", number[-4:])).values_list("pk", flat=True)


def test_a_removed_key_still_in_use_is_named_and_a_malformed_key_refused(settings):
    envelope = sealing.seal(NUMBER, "id_number")
    settings.MINXIN_IDENTIFIER_KEYS = sealing.new_key_entry("k7")
    with pytest.raises(sealing.SealError, match="'k1'"):
        sealing.reveal(envelope, "id_number")
    from django.core.exceptions import ImproperlyConfigured

    for bad in ("k1", "k1:short", "k-1:" + "A" * 44, f"{sealing.new_key_entry('k1')},{sealing.new_key_entry('k1')}"):
        settings.MINXIN_IDENTIFIER_KEYS = bad
        with pytest.raises(ImproperlyConfigured):
            sealing.keys()


# --- neither the database nor a backup holds an identifier in clear --------------------------------

_ID = re.compile(r"[0-9]{17}[0-9X]")


def _database(tmp_path):
    """(DATABASE_URL, drop) of a fresh database of the engine under test."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path}/demo.sqlite3", lambda: None
    params = connection.settings_dict
    host, port, user = params["HOST"] or "127.0.0.1", params["PORT"] or 5432, params["USER"] or "postgres"
    server = f"host={host} port={port} user={user} dbname=postgres"
    name = f"minxin_seal_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgresql://{user}@{host}:{port}/{name}", drop


def _clear_values(url: str) -> list[str]:
    """Every sealed value of the database at `url`, opened."""
    columns = [(m._meta.db_table, f.column, f.kind) for m, f in sealed_fields()]
    db = sqlite3.connect(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else psycopg.connect(url)
    try:
        values = []
        for table, column, kind in columns:
            rows = db.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''").fetchall()  # noqa: S608
            values += [sealing.reveal(value, kind) for (value,) in rows]
        return values
    finally:
        db.close()


@pytest.mark.django_db
def test_the_demo_database_and_its_backup_hold_no_id_number_or_phone_in_clear(tmp_path, settings):
    url, drop = _database(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "MINXIN_VAR_DIR": str(tmp_path),
           "MINXIN_IDENTIFIER_KEYS": settings.MINXIN_IDENTIFIER_KEYS, "MINXIN_LOOKUP_KEY": settings.MINXIN_LOOKUP_KEY}

    def minxin(*args: str) -> None:
        result = subprocess.run([sys.executable, "-m", "minxin.cli", *args], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=900)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]

    try:
        minxin("migrate", "--noinput", "-v0")
        minxin("demo", "--scale", "small")
        minxin("backup", str(tmp_path / "demo.bak"))
        values = _clear_values(url)
        numbers = [v for v in values if _ID.fullmatch(v)]
        phones = [v for v in values if not _ID.fullmatch(v)]
        assert len(numbers) > 1000 and len(phones) > 100, (len(numbers), len(phones))
        if connection.vendor == "sqlite":
            stored = (tmp_path / "demo.sqlite3").read_bytes()
            backup = (tmp_path / "demo.bak").read_bytes()
        else:  # the whole database as SQL text, and the backup (compressed) opened into the same
            dump = ["--host", connection.settings_dict["HOST"] or "127.0.0.1", "--username", "postgres"]
            stored = subprocess.run(["pg_dump", *dump, "--format=plain", url.rsplit("/", 1)[1]],
                                    capture_output=True, check=True).stdout
            backup = subprocess.run(["pg_restore", "--file=-", str(tmp_path / "demo.bak")],
                                    capture_output=True, check=True).stdout
        for blob in (stored, backup):
            assert b"mx1.k1." in blob and len(blob) > 100_000
            leaked = [v for v in values if v.encode() in blob]
            assert not leaked, f"{len(leaked)} identifiers in clear, e.g. {leaked[0][:6]}…"
    finally:
        drop()


@pytest.mark.django_db
def test_a_household_saved_with_its_masked_phone_keeps_the_stored_number(world, client):
    """The edit form shows the mask; sent back unchanged, the sealed value stays as it was."""
    household = world.registry["tdw"]["household"]
    stored = household.phone
    clerk = world.users["tdw_clerk"]
    client.force_login(clerk)
    response = client.post(f"/registry/households/{household.pk}/edit/", {
        "version": household.version, "group": household.group, "address": household.address,
        "phone": mask_phone(household.phone), "lat": "", "lon": "", "village": household.village_id,
        "number": household.number})
    assert response.status_code == 302, response.content.decode()[:2000]
    household.refresh_from_db()
    assert household.phone == stored


# --- the migrations of a database an older version wrote in clear -----------------------------------

BEFORE = [("registry", "0011_job_request_id"), ("cadres", "0004_study_sessions"), ("accounts", "0002_initial")]
AFTER = [("registry", "0014_seal_identifiers_constraints"), ("cadres", "0007_seal_identifiers_constraints"),
         ("accounts", "0004_seal_identifiers_data")]


def _migrate(targets):
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migrations_seal_what_an_older_version_stored_in_clear_and_a_rollback_opens_it():
    from django.db.migrations.executor import MigrationExecutor

    old = _migrate(BEFORE)
    region = old.get_model("regions", "Region")
    county = region.objects.create(code="520627000000", name="沿河", level="county")
    township = region.objects.create(code="520627106000", name="土地坳镇", level="township", parent=county)
    village = region.objects.create(code="520627106201", name="五七村", level="village", parent=township)
    household = old.get_model("registry", "Household").objects.create(village=village, number="M1", phone="13912345678")
    members = [old.get_model("registry", "Member").objects.create(
        household=household, village_code=village.code, name=f"人{i}", id_number=number, sex="M",
        birth_date="1985-01-01", relation="head" if i == 0 else "son") for i, number in enumerate([NUMBER, OTHER])]
    unit = old.get_model("cadres", "SendingUnit").objects.create(name="县局", level="county", kind="party",
                                                                 county_code="520627", contact_phone="13800001111")
    cadre = old.get_model("cadres", "Cadre").objects.create(
        name="干部", sex="M", birth_date="1985-01-01", id_number="520627198501010014", phone="13900002222",
        sending_unit=unit, region_code=village.code)
    try:
        _migrate(AFTER)
        stored = {column: _stored(Member, members[0].pk, column) for column in ("id_number", "id_number_hash")}
        assert stored["id_number"].startswith("mx1.") and NUMBER not in stored["id_number"]
        assert stored["id_number_hash"] == sealing.digest(NUMBER)
        assert Member.objects.get(lookup_q("id_number", OTHER)).pk == members[1].pk
        assert plain(Member.objects.get(pk=members[0].pk)) == NUMBER
        saved = Cadre.objects.get(pk=cadre.pk)
        assert (plain(saved), plain(saved, "phone"), plain(saved.sending_unit, "contact_phone")) == (
            "520627198501010014", "13900002222", "13800001111")
        assert Cadre.objects.get(lookup_q("id_number", "520627198501010014")).pk == cadre.pk
        from minxin.registry.models import Household

        assert plain(Household.objects.get(pk=household.pk), "phone") == "13912345678"
        _migrate(BEFORE)  # a rollback to the version before: the values back in clear
        assert _stored(Member, members[1].pk, "id_number") == OTHER
        assert _stored(Cadre, cadre.pk, "phone") == "13900002222"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_the_audit_log_keeps_an_id_number_by_its_area_code_only(world):
    """The log is stored beside the person's birth date: a mask with the last four would give the
    whole number back to whoever holds the database."""
    household = world.registry["tdw"]["household"]  # made through the services: its events are logged
    logged = []
    for event in AuditEvent.objects.filter(object_type="registry.household", object_id=str(household.pk)):
        for data in (event.before or {}, event.after or {}):
            logged += [value for key, value in data.items() if key == "id_number" and value is not None]
    assert logged and all(re.fullmatch(r"\d{6}\*{12}(（.*）)?", value) for value in logged), logged


@pytest.mark.django_db
def test_rotate_key_check_tries_every_value_against_the_keys_and_writes_nothing(world, settings):
    """What a restored backup's test runs: every value opens and its digest is the lookup key's —
    and with the wrong lookup key, or without the key that sealed them, it says so and exits 1."""
    import io

    from django.core.management.base import CommandError

    member = world.registry["tdw"]["member"]
    stored, events = _stored(Member, member.pk, "id_number"), AuditEvent.objects.count()
    out = io.StringIO()
    call_command("rotate-key", "--check", stdout=out)
    assert "Every value opens" in out.getvalue()
    assert re.search(r"registry\.Member\.id_number: k1 \d+; 0 do not open, 0 digests differ", out.getvalue())
    original = settings.MINXIN_LOOKUP_KEY
    settings.MINXIN_LOOKUP_KEY = sealing.base64.urlsafe_b64encode(os.urandom(32)).decode()
    with pytest.raises(CommandError, match="do not fit"):
        call_command("rotate-key", "--check", stdout=io.StringIO())
    settings.MINXIN_LOOKUP_KEY = original
    settings.MINXIN_IDENTIFIER_KEYS = sealing.new_key_entry("k9")  # k1, which sealed everything, removed
    out = io.StringIO()
    with pytest.raises(CommandError, match="do not fit"):
        call_command("rotate-key", "--check", stdout=out)
    assert re.search(r"registry\.Member\.id_number: k1 (\d+); \1 do not open", out.getvalue())
    assert _stored(Member, member.pk, "id_number") == stored and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_rotate_key_refuses_bad_input_and_changes_nothing_when_a_key_is_missing(world, settings):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="letters and digits"):
        call_command("rotate-key", "--generate", "k-2,x")
    member = world.registry["tdw"]["member"]
    stored = _stored(Member, member.pk, "id_number")
    settings.MINXIN_IDENTIFIER_KEYS = sealing.new_key_entry("k9")  # k1, which sealed everything, removed
    with pytest.raises(CommandError, match="'k1'"):
        call_command("rotate-key", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert _stored(Member, member.pk, "id_number") == stored
    assert not AuditEvent.objects.filter(action="identifiers.reseal").exists()


def test_a_malformed_key_is_a_deploy_check_error_and_a_damaged_value_is_simply_replaced(settings):
    settings.MINXIN_IDENTIFIER_KEYS = "k1:short"
    assert [error.id for error in sealing.check_keys()] == ["minxin.E001"]
    settings.MINXIN_IDENTIFIER_KEYS = sealing.new_key_entry("k1")
    assert not sealing.same_value("mx1.damaged", NUMBER)


@pytest.mark.django_db
def test_a_number_sealed_under_a_removed_key_is_refused_with_a_message_not_a_500(world, settings, client, caplog):
    member = world.registry["tdw"]["member"]
    settings.MINXIN_IDENTIFIER_KEYS = sealing.new_key_entry("k9")  # k1, which sealed everything, removed
    client.force_login(world.users["county_admin"])
    url = f"/registry/members/{member.pk}/reveal/"
    fragment = client.post(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 503 and fragment["X-Minxin-Error"] == "1"
    assert "密钥已不在服务器的配置中" in fragment.content.decode() and 'data-testid="inline-error"' in fragment.content.decode()
    page = client.post(url)
    assert page.status_code == 503 and "暂时无法完成" in page.content.decode()
    assert not AuditEvent.objects.filter(action="reveal.id_number").exists()  # nothing was shown
    assert any("cannot be opened" in r.getMessage() and "k1" in r.getMessage() for r in caplog.records)
