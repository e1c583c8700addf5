"""Export in the import template: round trip, masking, audit, formula escaping, scoping, CLI."""

import zipfile

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from minxin.core.models import AuditEvent
from minxin.core.xlsx import write_xlsx
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


def _sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_text_that_looks_like_a_formula_is_written_as_text_never_as_a_formula(world, tmp_path):
    """The import refuses such names (test_import.py), but the registry may hold older ones or ones typed
    in a form: every writer stores them as strings, escaped, and never as formulas."""
    member = Member.objects.filter(household__village__code__startswith="520627106").first()
    Member.objects.filter(pk=member.pk).update(name='=HYPERLINK("http://x","点我")')
    Household.objects.filter(pk=member.household_id).update(group="@SUM(A1)")
    target = tmp_path / "x.xlsx"
    call_command("export-households", "--scope", "520627106", "-o", str(target))
    cells = [cell for row in read(str(target), tmp_path) for cell in row]
    assert """'=HYPERLINK("http://x","点我")""" in cells and "'@SUM(A1)" in cells
    assert "<f>" not in _sheet_xml(target) and "<f " not in _sheet_xml(target)
    listed = tmp_path / "list.xlsx"
    write_xlsx(listed, sheet="x", headers=["姓名", "数"], rows=[['=HYPERLINK("http://x")', -5], ["+1", "-1"]])
    assert read(str(listed), tmp_path)[1:] == [["""'=HYPERLINK("http://x")""", -5.0], ["'+1", "'-1"]]
    assert "<f>" not in _sheet_xml(listed) and "<f " not in _sheet_xml(listed)
    # Re-importing the file does not bring the formula back: the row is refused with its reason.
    outcome = services_io.household_import(actor=None, path=str(target))
    assert outcome.exit_code == 1 and any("当作公式" in p.reason for p in outcome.problems)
    assert Member.objects.get(pk=member.pk).name == '=HYPERLINK("http://x","点我")'  # nothing written


def _post_export(client, query=""):
    return client.post(f"/registry/households/export.xlsx{query}")


def test_page_export_is_masked_by_default_and_unmasked_is_logged(world, client, tmp_path):
    client.force_login(world.users["tdw_admin"])
    masked = read(b"".join(_post_export(client).streaming_content), tmp_path)
    ids = [row[HEADER.index("证件号码")] for row in masked[1:]]
    assert ids and all("*" in i for i in ids)
    response = _post_export(client, "?unmasked=1")
    full = read(b"".join(response.streaming_content), tmp_path)
    assert all("*" not in row[HEADER.index("证件号码")] for row in full[1:])
    assert AuditEvent.objects.filter(action="household.export.unmasked", actor=world.users["tdw_admin"]).exists()
    client.force_login(world.users["tdw_auditor"])
    assert _post_export(client, "?unmasked=1").status_code == 403
    assert client.get("/registry/households/export.xlsx?unmasked=1").status_code == 403


def test_a_get_never_exports_it_asks(world, client):
    """Exporting writes an audit event (and an unmasked one reveals identifiers): a link, a prefetch or
    an <img> pointing at the URL must not do it. GET shows the confirmation, whose button POSTs."""
    client.force_login(world.users["tdw_admin"])
    for query in ("", "?unmasked=1", "?q=ahzj&unmasked=1"):
        response = client.get(f"/registry/households/export.xlsx{query}")
        body = response.content.decode()
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert 'data-testid="export-start"' in body and 'name="start"' in body and "csrfmiddlewaretoken" in body
    assert not AuditEvent.objects.filter(action__startswith="household.export").exists()
    list_page = client.get("/registry/households/?q=ahzj").content.decode()
    assert 'method="post" action="/registry/households/export.xlsx?q=ahzj&amp;unmasked=1"' in list_page


@pytest.mark.parametrize("persona", sorted(PERSONA_SIDES))
def test_exports_never_contain_the_other_side(world, client, persona, tmp_path):
    client.force_login(world.users[persona])
    response = _post_export(client)
    if response.status_code == 403:
        return
    cells = " ".join(str(c) for row in read(b"".join(response.streaming_content), tmp_path) for c in row)
    for side in SIDES:
        marker = world.markers[side][0][0]
        if side in PERSONA_SIDES[persona]:
            assert f"{marker}户主甲" in cells
        else:
            assert marker not in cells
