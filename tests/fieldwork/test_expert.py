"""Experts score fund applications: they read nothing of the villagers' field records, anywhere."""

import pytest

from minxin.fieldwork import exports
from tests import permission_matrix as matrix

pytestmark = pytest.mark.django_db


def _fieldwork(name: str) -> bool:
    return name.startswith(("fieldwork:", "/api/v1/visits", "/api/v1/requests", "/api/v1/field/",
                            "/api/v1/coverage"))


def test_the_expert_opens_no_field_record_page_api_or_export(world, client):
    client.force_login(world.users["expert"])
    names = [h.head_name for side in world.fieldwork for h in world.fieldwork[side]["households"]]
    assert names
    urls = [r.url(world) for r in matrix.LIST_ROUTES + matrix.API_LIST_ROUTES if _fieldwork(r.name)]
    urls += [r.url(world, side) for r in matrix.OBJECT_ROUTES + matrix.API_OBJECT_ROUTES if _fieldwork(r.name)
             and r.method == "GET" for side in ("tdw", "gz")]
    urls += [f"{url}{'&' if '?' in url else '?'}format=xlsx" for url in urls if url.startswith("/fieldwork/")]
    assert len(urls) > 30 and "/api/v1/field/bootstrap" in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, (url, response.status_code)
        body = response.content.decode(errors="replace")
        assert not [name for name in names if name in body], url


def test_the_expert_sees_no_field_work_in_the_menu_or_on_region_and_cadre_pages(world, client):
    client.force_login(world.users["expert"])
    home = client.get(f"/regions/{world.village('tdw').code}/").content.decode()
    assert "/fieldwork/" not in home and 'data-testid="fieldwork-section"' not in home
    township = client.get(f"/regions/{world.village('tdw').parent_id}/")
    assert township.status_code == 200 and 'data-testid="fieldwork-section"' not in township.content.decode()
    assert client.get(f"/cadres/{world.cadres['tdw'][0].pk}/").status_code == 403  # nor the cadres' files
    assert "/cadres/" not in home and "/assessment/" not in home
    client.force_login(world.users["county_auditor"])  # a checking role still reads them
    assert 'data-testid="fieldwork-section"' in client.get(f"/regions/{world.village('tdw').code}/").content.decode()
    assert client.get("/api/v1/field/bootstrap").status_code == 200


def test_exports_refuse_through_the_selector(world):
    from minxin.core.errors import PermissionDenied
    from minxin.fieldwork import selectors

    with pytest.raises(PermissionDenied):
        exports.export("visits", selectors.visit_list(user=world.users["expert"]))


def test_the_expert_sees_no_household_on_the_map_and_no_link_to_it(world, client):
    """The map places households (number, head's name, flags): registry data the expert may not read."""
    client.force_login(world.users["expert"])
    routes = [r for r in matrix.OBJECT_ROUTES if r.name.startswith("reports:map") and r.method == "GET"]
    assert {r.name for r in routes} == {"reports:map", "reports:map-data", "reports:map-print"}
    for route in routes:
        response = client.get(route.url(world, "tdw"))
        assert response.status_code == 403, (route.name, response.status_code)
        assert world.fieldwork["tdw"]["households"][0].head_name not in response.content.decode()
    page = client.get(f"/regions/{world.village('tdw').code}/").content.decode()
    assert "/reports/map/" not in page and "/registry/" not in page
    client.force_login(world.users["county_auditor"])
    assert client.get(f"/reports/map/{world.village('tdw').code}/data/").status_code == 200
