"""List pages export to .xlsx, scoped and masked like the page."""

import io

import pytest
from openpyxl import load_workbook

from minxin.core.xlsx import escape_formula
from tests.sealed import plain


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [[cell for cell in row] for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_cadre_export_is_scoped_and_masked(world, client):
    client.force_login(world.users["tdw_admin"])
    rows = _sheet(client.get("/cadres/?format=xlsx"))
    names = {row[0] for row in rows[1:]}
    assert names == {c.name for c in world.cadres["tdw"]}
    first = world.cadres["tdw"][0]
    row = next(r for r in rows if r[0] == first.name)
    assert plain(first) not in row and plain(first, "phone") not in row
    assert row[3] == plain(first)[:6] + "********" + plain(first)[-4:]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cadres/units/?format=xlsx", "/cadres/leave/?status=all&format=xlsx",
                                 "/accounts/users/?format=xlsx", "/reports/dashboard/520627106000/?format=xlsx"])
def test_other_exports_never_show_the_other_township(world, client, url):
    client.force_login(world.users["tdw_admin"])
    text = repr(_sheet(client.get(url)))
    for marker in world.markers["gz"] + ["gz_admin", "gz_clerk", "官舟镇"]:
        assert marker not in text


@pytest.mark.django_db
def test_dashboard_export_totals_equal_the_sum_of_rows(world, client):
    client.force_login(world.users["county_admin"])
    rows = _sheet(client.get("/reports/dashboard/520627000000/?format=xlsx"))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert total[1] == "合计" and len(body) == 23
    for col in range(2, len(header)):
        assert total[col] == sum(row[col] for row in body)
    resident = header.index("驻村干部")
    assert total[resident] == 6  # three cadres in each of the two townships of the test world


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\t=x"])
def test_formula_like_text_is_escaped(value):
    assert escape_formula(value) == "'" + value


def test_plain_text_and_numbers_are_untouched():
    assert escape_formula("五七村") == "五七村"
    assert escape_formula(-2) == -2


@pytest.mark.django_db
def test_audit_log_export_is_scoped_and_keeps_identifiers_masked(world, client):
    from minxin.core.privacy import reveal_identifier

    cadre = world.cadres["tdw"][0]
    reveal_identifier(actor=world.users["tdw_admin"], obj=cadre, field="id_number", region_code=cadre.region_code)
    client.force_login(world.users["tdw_auditor"])
    rows = _sheet(client.get("/audit/?format=xlsx"))
    assert rows[0][2:6] == ["动作", "动作代码", "对象", "区划"]
    assert any(row[2] == "查看完整身份证号" and row[3] == "reveal.id_number" for row in rows[1:])
    assert all(row[5].startswith("520627106") for row in rows[1:])
    assert plain(cadre) not in repr(rows)
