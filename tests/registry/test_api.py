"""GET /api/v1/households and /api/v1/households/{id}."""

import pytest

pytestmark = pytest.mark.django_db


def test_list_and_detail_are_masked_and_scoped(world, client):
    client.force_login(world.users["tdw_admin"])
    data = client.get("/api/v1/households", {"q": "ahzj"}).json()
    assert data["count"] == 1 and data["results"][0]["head_name"] == "坳户主甲"
    assert data["results"][0]["phone"] == "138****1234"
    assert data["results"][0]["village"]["code"] == world.village("tdw").code
    detail = client.get(f"/api/v1/households/{data['results'][0]['id']}").json()
    assert len(detail["members"]) == 2 and all("*" in m["id_number"] for m in detail["members"])
    assert detail["registration"]["status"] == "exited"


def test_region_codes_whole_or_prefix_and_tags(world, client):
    client.force_login(world.users["county_admin"])
    village = world.village("gz")
    for code in (village.code, village.prefix, village.prefix[:9]):
        names = [r["head_name"] for r in client.get("/api/v1/households", {"village": code}).json()["results"]]
        assert "舟户主甲" in names and "坳户主甲" not in names
    assert client.get("/api/v1/households", {"village": "12x"}).status_code == 400
    tagged = client.get("/api/v1/households", {"tag": "care_elderly"}).json()["results"]
    assert tagged and all("care_elderly" in r["tags"] for r in tagged)


def test_out_of_scope_is_the_same_404_as_missing(world, client):
    client.force_login(world.users["tdw_admin"])
    other = client.get(f"/api/v1/households/{world.registry['gz']['household'].pk}")
    missing = client.get("/api/v1/households/99999999")
    assert other.status_code == missing.status_code == 404 and other.json() == missing.json()
    assert client.get("/api/v1/households", {"village": world.village("gz").code}).status_code == 404


def test_expert_has_no_registry(world, client):
    client.force_login(world.users["expert"])
    assert client.get("/api/v1/households").status_code == 403
