"""Field-work lists export to .xlsx: every row of the list (all pages), scoped like the page, phones masked."""

import io

import pytest
from openpyxl import load_workbook

from minxin.core.sealing import reveal
from minxin.fieldwork.models import DiaryEntry, FamilyCall, Meeting, Need, VillagerRequest, Visit

LISTS = {
    "/fieldwork/visits/": Visit, "/fieldwork/meetings/": Meeting, "/fieldwork/calls/": FamilyCall,
    "/fieldwork/diary/": DiaryEntry, "/fieldwork/needs/?status=all": Need,
    "/fieldwork/requests/?status=all": VillagerRequest,
}


def _rows(response):
    assert response.status_code == 200, response.status_code
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(book.active.iter_rows(values_only=True))


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
def test_export_has_the_scoped_rows_only(world, client, url):
    model = LISTS[url]
    client.force_login(world.users["tdw_admin"])
    joiner = "&" if "?" in url else "?"
    rows = _rows(client.get(f"{url}{joiner}format=xlsx"))
    expected = model.objects.filter(village__code__startswith="520627106").count()
    assert expected > 0, "the test world should hold such records in 土地坳镇"
    assert len(rows) - 1 == expected
    text = repr(rows)
    assert "官舟" not in text and "龙门村" not in text


@pytest.mark.django_db
def test_request_export_masks_phones(world, client):
    VillagerRequest.objects.filter(pk=VillagerRequest.objects.first().pk).update(contact_phone="13912345678")
    client.force_login(world.users["county_admin"])
    phones = [reveal(p, "phone") for p in VillagerRequest.objects.values_list("contact_phone", flat=True) if p]
    text = repr(_rows(client.get("/fieldwork/requests/?status=all&format=xlsx")))
    assert phones, "the test world should hold a request with a phone"
    for phone in phones:
        assert phone not in text and f"{phone[:3]}****{phone[-4:]}" in text


@pytest.mark.django_db
def test_presence_export_has_every_posted_cadre_of_the_scope(world, client):
    from minxin.cadres.models import Assignment

    client.force_login(world.users["tdw_admin"])
    rows = _rows(client.get("/fieldwork/presence/?format=xlsx"))
    names = {row[0] for row in rows[1:]}
    expected = set(Assignment.objects.active().filter(village__code__startswith="520627106")
                   .values_list("cadre__name", flat=True))
    assert names == expected and expected
