"""Assessment lists export to .xlsx, scoped like the pages."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook


def _rows(response):
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(book.active.iter_rows(values_only=True))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/assessment/supervision/", "/assessment/rectifications/?status=all",
                                 "/assessment/appeals/", "/assessment/pledges/", "/assessment/grades/{year}/"])
def test_assessment_exports_open_and_show_nothing_of_the_other_township(world, client, url):
    from django.urls import resolve

    url = url.format(year=timezone.localdate().year)
    resolve(url.split("?")[0])  # the list exists at this address
    client.force_login(world.users["tdw_admin"])
    joiner = "&" if "?" in url else "?"
    rows = _rows(client.get(f"{url}{joiner}format=xlsx"))
    assert rows and all(isinstance(header, str) for header in rows[0])
    text = repr(rows)
    for marker in world.markers["gz"]:
        assert marker not in text


@pytest.mark.django_db
def test_inspection_export_lists_own_township_rows_only(world, client):

    from minxin.assessment import services
    from minxin.assessment.models import Inspection

    supervisor = world.users["county_supervisor"]
    for side in ("tdw", "gz"):
        services.inspection_record(actor=supervisor, kind=Inspection.Kind.values[0], village=world.village(side),
                                   date=timezone.localdate(), summary=f"{side}-督查概况")
    client.force_login(world.users["tdw_admin"])
    rows = _rows(client.get("/assessment/supervision/?format=xlsx"))
    summaries = [row[-1] for row in rows[1:]]
    assert "tdw-督查概况" in summaries and "gz-督查概况" not in summaries
