"""Personal data is never kept by a browser or proxy cache: Cache-Control: no-store where it matters."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_api_and_files_of_a_signed_in_user_are_no_store(world, client):
    client.force_login(world.users["county_admin"])
    household = world.registry["tdw"]["household"]
    for url in (f"/registry/households/{household.pk}/", f"/api/v1/households/{household.pk}",
                "/fieldwork/visits/?format=xlsx", "/registry/import/template.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    export = client.post("/registry/households/export.xlsx")
    assert "attachment" in export["Content-Disposition"] and "no-store" in export["Cache-Control"]


def test_anonymous_api_answers_are_no_store_and_the_field_app_manifest_keeps_its_own(client):
    assert "no-store" in client.get("/api/v1/households").get("Cache-Control", "")
    manifest = client.get("/field/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.get("Cache-Control") != "no-store, private"
