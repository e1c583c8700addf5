"""Walk every registered page and API route as every persona (see tests/permission_matrix.py)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from minxin.api.main import api
from tests import permission_matrix as matrix
from tests.world import PERSONA_SIDES, PERSONA_TOWNSHIP_SIDES, SIDES


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in ("admin", "api"):
                continue
            yield from _url_names(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_page_url_is_in_the_matrix():
    registered = {r.name for r in matrix.OBJECT_ROUTES} | {r.name for r in matrix.LIST_ROUTES}
    missing = set(_url_names()) - registered - set(matrix.EXEMPT_URL_NAMES)
    assert not missing, f"URL names not in the permission matrix: {sorted(missing)}"


def test_every_api_path_is_in_the_matrix():
    paths = {path.rstrip("/") for path in api.get_openapi_schema()["paths"]}
    registered = {r.name for r in matrix.API_OBJECT_ROUTES} | {r.name for r in matrix.API_LIST_ROUTES}
    missing = paths - registered - matrix.EXEMPT_API_PATHS
    assert not missing, f"API paths not in the permission matrix: {sorted(missing)}"


def _request(client, route, url, body=None):
    if route.json is not None:
        return client.post(url, body if body is not None else route.json, content_type="application/json")
    return client.post(url, {}) if route.method == "POST" else client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(PERSONA_SIDES))
def test_objects_outside_scope_are_404(world, client, persona):
    client.force_login(world.users[persona])
    failures = []
    for route in matrix.OBJECT_ROUTES + matrix.API_OBJECT_ROUTES:
        visible = PERSONA_SIDES[persona] if not route.township else PERSONA_TOWNSHIP_SIDES[persona]
        for side in SIDES:
            url = route.url(world, side)
            body = route.json(world, side) if callable(route.json) else None
            status = _request(client, route, url, body).status_code
            if side in visible and status == 404:
                failures.append(f"{route.method} {url}: in scope but 404")
            if side not in visible and status != 404:
                failures.append(f"{route.method} {url}: outside scope but {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(PERSONA_SIDES))
def test_lists_never_show_the_other_side(world, client, persona):
    client.force_login(world.users[persona])
    visible = PERSONA_SIDES[persona]
    hidden_markers = [m for side in SIDES if side not in visible for m in world.markers[side]]
    failures = []
    for route in matrix.LIST_ROUTES + matrix.API_LIST_ROUTES:
        response = client.get(route.url(world))
        if response.status_code == 403:
            continue  # the role may not open this list at all
        assert response.status_code == 200, f"{route.name}: {response.status_code}"
        body = response.content.decode()
        leaked = [m for m in hidden_markers if m in body]
        if leaked:
            failures.append(f"{route.name} shows {leaked}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_missing_object_is_the_same_404_as_out_of_scope(world, client):
    client.force_login(world.users["tdw_admin"])
    other = client.get(f"/api/v1/regions/{world.village('gz').code}")
    missing = client.get("/api/v1/regions/520627106399")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


# What an expert may open besides the fund (SPEC §1): its own account and inbox, the region pages
# and dashboard, which show the county's aggregate numbers, never a record, and the field app's
# shell (no data: it fills itself from the API).
EXPERT_MAY_OPEN = ("fund:", "accounts:", "regions:", "reports:dashboard", "field:app", "/api/v1/fund",
                   "/api/v1/regions", "/api/v1/todo")


@pytest.mark.django_db
def test_an_expert_opens_nothing_of_the_other_modules(world, client):
    client.force_login(world.users["expert"])
    opened = []
    for route in matrix.OBJECT_ROUTES + matrix.API_OBJECT_ROUTES:
        if route.name.startswith(EXPERT_MAY_OPEN):
            continue
        body = route.json(world, "tdw") if callable(route.json) else None
        status = _request(client, route, route.url(world, "tdw"), body).status_code
        if status < 400:
            opened.append(f"{route.method} {route.name}: {status}")
    for route in matrix.LIST_ROUTES + matrix.API_LIST_ROUTES:
        if route.name.startswith(EXPERT_MAY_OPEN):
            continue
        status = client.get(route.url(world)).status_code
        if status < 400:
            opened.append(f"GET {route.name}: {status}")
    assert not opened, "\n".join(opened)
