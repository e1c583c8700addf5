"""Export in the import template: round trip, masking, audit, formula escaping, scoping, CLI."""

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from minxin.core.models import AuditEvent
from minxin.registry import services_io
from minxin.registry.models import Household, Member
from tests.registry.conftest import HEADER, family
from tests.world import PERSONA_SIDES, SIDES

pytestmark = pytest.mark.django_db


def read(path_or_bytes, tmp_path):
    if isinstance(path_or_bytes, bytes):
        path = tmp_path / "export.xlsx"
        path.write_bytes(path_or_bytes)
        path_or_bytes = str(path)
    return CalamineWorkbook.from_path(path_or_bytes).get_sheet_by_index(0).to_python()


def test_export_then_import_changes_nothing(world, sheet, tmp_path):
    services_io.household_import(actor=None, path=sheet(family()))
    target = tmp_path / "all.xlsx"
    call_command("export-households", "--scope", "520627", "-o", str(target))
    before = list(Household.objects.order_by("pk").values_list("version", "updated_at"))
    outcome = services_io.household_import(actor=None, path=str(target))
    assert outcome.exit_code == 0, outcome.problems
    assert outcome.counts["households_created"] == outcome.counts["households_updated"] == 0
    assert outcome.counts["members_updated"] == 0 and outcome.counts["members_unchanged"] == Member.objects.count()
    assert list(Household.objects.order_by("pk").values_list("version", "updated_at")) == before
    assert AuditEvent.objects.filter(action="household.export.unmasked", actor__isnull=True).exists()


def test_cells_that_look_like_formulas_are_escaped_and_come_back_unchanged(world, sheet, tmp_path):
    rows = family()
    rows[2][HEADER.index("姓名")] = "=HYPERLINK"
    rows[0][HEADER.index("帮扶责任人")] = "@李四"
    for row in rows:
        row[HEADER.index("帮扶责任人")] = "@李四"
    assert services_io.household_import(actor=None, path=sheet(rows)).exit_code == 0
    target = tmp_path / "x.xlsx"
    call_command("export-households", "--scope", "520627106", "-o", str(target))
    cells = [cell for row in read(str(target), tmp_path) for cell in row]
    assert "'=HYPERLINK" in cells and "'@李四" in cells and "=HYPERLINK" not in cells
    again = services_io.household_import(actor=None, path=str(target))
    assert again.counts["members_updated"] == 0 and again.counts["households_updated"] == 0


def test_page_export_is_masked_by_default_and_unmasked_is_logged(world, client, tmp_path):
    client.force_login(world.users["tdw_admin"])
    masked = read(b"".join(client.get("/registry/households/export.xlsx").streaming_content), tmp_path)
    ids = [row[HEADER.index("证件号码")] for row in masked[1:]]
    assert ids and all("*" in i for i in ids)
    response = client.get("/registry/households/export.xlsx?unmasked=1")
    full = read(b"".join(response.streaming_content), tmp_path)
    assert all("*" not in row[HEADER.index("证件号码")] for row in full[1:])
    assert AuditEvent.objects.filter(action="household.export.unmasked", actor=world.users["tdw_admin"]).exists()
    client.force_login(world.users["tdw_auditor"])
    assert client.get("/registry/households/export.xlsx?unmasked=1").status_code == 403


@pytest.mark.parametrize("persona", sorted(PERSONA_SIDES))
def test_exports_never_contain_the_other_side(world, client, persona, tmp_path):
    client.force_login(world.users[persona])
    response = client.get("/registry/households/export.xlsx")
    if response.status_code == 403:
        return
    cells = " ".join(str(c) for row in read(b"".join(response.streaming_content), tmp_path) for c in row)
    for side in SIDES:
        marker = world.markers[side][0][0]
        if side in PERSONA_SIDES[persona]:
            assert f"{marker}户主甲" in cells
        else:
            assert marker not in cells
