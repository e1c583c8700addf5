"""The bulletin: a GB/T 9704 Word document whose ranking table matches the stored ranking, the
same table as .xlsx, the command line, and the cadre archive document."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from docx.shared import Mm

from minxin.assessment import services
from minxin.assessment.models import CadreResult, Period
from tests.assessment.world import assessment_world
from tests.sealed import plain

pytestmark = pytest.mark.django_db


def _texts(doc):
    return [p.text for p in doc.paragraphs]


def _ranking(period):
    return [(r.rank_county, r.cadre.name, f"{r.total:.2f}", r.rank_township)
            for r in CadreResult.objects.filter(period=period).select_related("cadre")
            .order_by("rank_county", "cadre__name_pinyin", "cadre_id")]


def test_bulletin_docx_layout_and_table_match_the_ranking(world, client):
    a = assessment_world(world)
    # The world's first cadres have a supervision score, the others tie: ranks 1, 1, 3, 3, 3, 3 or so.
    assert len(set(CadreResult.objects.filter(period=a.period).values_list("rank_county", flat=True))) > 1
    client.force_login(world.users["county_admin"])
    response = client.get(reverse("assessment:bulletin-docx", args=[a.period.county, a.code, "520627000000"]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    texts = _texts(doc)
    assert texts[0] == "中共沿河土家族自治县委组织部"
    assert doc.paragraphs[0].runs[0].font.color.rgb is not None  # the red mark
    assert any(t == a.period.document_code for t in texts)
    assert any(t.startswith("关于") and t.endswith("考核情况的通报") for t in texts)
    first = doc.sections[0]
    assert (round(first.top_margin / Mm(1)), round(first.bottom_margin / Mm(1)),
            round(first.left_margin / Mm(1)), round(first.right_margin / Mm(1))) == (37, 35, 28, 26)
    assert round(first.page_width / Mm(1)) == 210 and round(first.page_height / Mm(1)) == 297
    table = doc.tables[-1]
    header = [c.text for c in table.rows[0].cells]
    assert header[:4] == ["全县排名", "姓名", "乡镇", "驻村"] and header[-2:] == ["总分", "乡镇排名"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [(int(r[0]), r[1], r[-2], int(r[-1])) for r in rows] == _ranking(a.period)
    # Ten-heart columns add up to the total on every row.
    for r in rows:
        assert abs(sum(D(x) for x in r[4:14]) - D(r[14])) <= D("0.05")
    assert any(t == "中共沿河土家族自治县委组织部" for t in texts[-12:])  # the signature near the end
    # The same table as .xlsx.
    response = client.get(reverse("assessment:bulletin-xlsx", args=[a.period.county, a.code, "520627000000"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == header
    assert [(v[0], v[1], f"{v[14]:.2f}", v[15]) for v in values[1:]] == _ranking(a.period)


def test_township_bulletin_holds_only_its_cadres(world, client):
    a = assessment_world(world)
    client.force_login(world.users["tdw_admin"])
    township = world.village("tdw").parent_id
    doc = Document(io.BytesIO(client.get(reverse("assessment:bulletin-docx", args=[a.period.county, a.code, township])).content))
    names = {row.cells[1].text for row in doc.tables[-1].rows[1:]}
    assert names == {c.name for c in world.cadres["tdw"]}
    body = "\n".join(_texts(doc))
    assert not any(c.name in body for c in world.cadres["gz"])
    # An extract of the county's bulletin: it names the county document's number, never carries it.
    texts = _texts(doc)
    assert a.period.document_code not in texts
    assert any(f"摘自{a.period.document_code}" in t for t in texts)
    assert client.get(reverse("assessment:bulletin-docx", args=[a.period.county, a.code, "520627000000"])).status_code == 404


def test_commendation_and_criticism_follow_the_schemes_rules(world, client):
    """The county's rules decide whom section 表扬和批评 names, in the document and in the preview."""
    from minxin.assessment import bulletin
    from minxin.regions.models import Region

    a = assessment_world(world)
    results = sorted(CadreResult.objects.filter(period=a.period).select_related("cadre"),
                     key=lambda r: (r.rank_county, r.cadre.name))
    totals = sorted({r.total for r in results})
    assert len(totals) >= 2, totals  # the world's scores differ: a line between them can be drawn
    low, high = totals[0], totals[-1]
    scheme = a.period.scheme
    # Commend the top two with at least the best score; criticise below the best score, one at most.
    scheme.commend_top, scheme.commend_min, scheme.criticise_below, scheme.criticise_max = 2, high, high, 1
    scheme.save()
    county = Region.objects.get(code="520627000000")
    v = bulletin.verdicts(bulletin.collect(user=world.users["county_admin"], period=a.period, region=county))
    best = [r.cadre.name for r in results if r.rank_county <= 2 and r.total >= high]
    assert [r.name for r in v.commended] == best and best
    assert [r.name for r in v.criticised] == [results[-1].cadre.name] and v.reminded == []
    # No one below the line: the bottom two are reminded instead.
    scheme.criticise_below, scheme.remind_bottom = low, 2
    scheme.save()
    v = bulletin.verdicts(bulletin.collect(user=world.users["county_admin"], period=a.period, region=county))
    assert v.criticised == [] and [r.name for r in v.reminded] == [r.cadre.name for r in results[-2:]]
    client.force_login(world.users["county_admin"])
    page = client.get(reverse("assessment:period", args=[a.period.county, a.code])).content.decode()
    assert 'data-testid="verdicts-preview"' in page and results[-1].cadre.name in page
    doc = Document(io.BytesIO(client.get(reverse("assessment:bulletin-docx", args=[a.period.county, a.code, "520627000000"])).content))
    body = "\n".join(_texts(doc))
    assert "予以提醒" in body and "予以通报批评" not in body


def test_bulletin_command_writes_docx_and_xlsx(world, tmp_path):
    a = assessment_world(world)
    target = tmp_path / "out" / "tongbao.docx"
    call_command("bulletin", "--quarter", a.code, "-o", str(target))
    doc = Document(str(target))
    assert len(doc.tables[-1].rows) == 1 + CadreResult.objects.filter(period=a.period).count()
    assert (tmp_path / "out" / "tongbao.xlsx").exists()


def test_assess_command_runs_and_publishes(world, capsys):
    from tests.assessment.world import current_quarter

    call_command("assess", "--quarter", current_quarter(), "--publish")
    out = capsys.readouterr().out
    assert "6 cadres assessed" in out and "沿组通" in out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不能再修改"):
        call_command("assess", "--quarter", current_quarter())
    # --county: a county's code, of a county this database holds; anything else is refused unwritten.
    periods = Period.objects.count()
    for county, reason in (("abc", "格式不正确"), ("520627106", "not a county"), ("520624", "没有区划代码为 520624000000")):
        with pytest.raises(CommandError, match=reason):
            call_command("assess", "--quarter", current_quarter(), "--county", county)
    with pytest.raises(CommandError, match="No assessment"):
        call_command("bulletin", "--quarter", current_quarter(), "--county", "520624", "-o", "/tmp/x.docx")
    assert Period.objects.count() == periods


def test_archive_docx_has_the_years_record(world, client):
    a = assessment_world(world)
    cadre = world.cadres["tdw"][0]
    services.grade_confirm(actor=world.users["county_admin"], grade=a.grades["tdw"], final=a.grades["tdw"].grade)
    client.force_login(world.users["tdw_admin"])
    response = client.get(reverse("assessment:archive-docx", args=[cadre.pk, a.period.year]))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(_texts(doc)) + "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert cadre.name in text and "tdw每季度召开群众会" in text and "民情日记不全" in text
    assert a.grades["tdw"].get_grade_display() in text
    assert plain(cadre) not in text and plain(cadre, "phone") not in text  # no identifiers in the archive
