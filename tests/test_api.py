"""The API at /api/v1/: region and cadre answers, scope, error format, authentication, query counts."""

import datetime

import pytest

from minxin.accounts import services as account_services
from minxin.accounts.models import User
from minxin.cadres.models import Assignment, Cadre, Insurance
from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.regions.models import Region
from tests.sealed import plain
from tests.world import make_id_number

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token(world):
    _record, raw = account_services.token_issue(actor=None, user=world.users["tdw_admin"], name="test")
    return raw


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    return body


# --- regions -----------------------------------------------------------------------------------

def test_region_detail_shape(world, client, token):
    response = client.get("/api/v1/regions/520627106", **bearer(token))
    assert response.status_code == 200
    body = response.json()
    township = Region.objects.get(code="520627106000")
    assert (body["code"], body["name"], body["level"]) == (township.code, township.name, "township")
    assert body["parent"] == {"code": "520627000000", "name": township.parent.name, "level": "county"}
    assert body["children"] == [
        {"code": v.code, "name": v.name, "level": "village"} for v in world.villages["tdw"]
    ]
    assert all(len(child["code"]) == 12 for child in body["children"])


@pytest.mark.parametrize("code", ["520627106", "520627106000"])
def test_region_detail_accepts_prefix_and_whole_code(world, client, token, code):
    response = client.get(f"/api/v1/regions/{code}", **bearer(token))
    assert response.status_code == 200
    assert response.json()["code"] == "520627106000"


def test_county_prefix_as_county_admin(world, client):
    client.force_login(world.users["county_admin"])
    body = client.get("/api/v1/regions/520627").json()
    assert body["code"] == "520627000000" and body["level"] == "county"
    assert len(body["children"]) == 23
    assert {"code": "520627203000", "name": "晓景乡", "level": "township"} in body["children"]


def test_village_has_no_children_and_its_township_as_parent(world, client, token):
    village = world.village("tdw")
    body = client.get(f"/api/v1/regions/{village.code}", **bearer(token)).json()
    assert body["children"] == []
    assert body["parent"]["code"] == "520627106000"
    assert body["level"] == "village"


def test_out_of_scope_region_is_the_same_404_as_a_missing_one(world, client, token):
    outside = client.get(f"/api/v1/regions/{world.village('gz').code}", **bearer(token))
    missing = client.get("/api/v1/regions/520627106399", **bearer(token))
    county = client.get("/api/v1/regions/520627", **bearer(token))  # above the township admin's scope
    for response in (outside, missing, county):
        assert_error(response, 404, "not_found")
    assert outside.content == missing.content == county.content


@pytest.mark.parametrize("code", ["abc", "52062", "5206271062011", "520627000201", "52062710620x"])
def test_malformed_region_code_is_400(world, client, token, code):
    body = assert_error(client.get(f"/api/v1/regions/{code}", **bearer(token)), 400, "invalid_region_code")
    assert code in body["error"]["message"]


def test_children_are_narrowed_to_the_scope(world, client):
    client.force_login(world.users["tdw_clerk"])
    body = client.get("/api/v1/regions/520627106201").json()
    assert body["code"] == "520627106201"
    response = client.get("/api/v1/regions/520627106202")  # the other village of the same township
    assert response.status_code == 404


# --- cadres ------------------------------------------------------------------------------------

def test_cadre_list_by_village(world, client, token):
    village = world.village("tdw")
    response = client.get(f"/api/v1/cadres?village={village.code}", **bearer(token))
    assert response.status_code == 200
    rows = response.json()
    expected = {c.pk: c for c in world.cadres["tdw"]}
    assert {row["id"] for row in rows} == set(expected)
    for row in rows:
        cadre = expected[row["id"]]
        assert row["name"] == cadre.name
        assert row["id_number"] == mask_id_number(plain(cadre)) != plain(cadre)
        assert row["phone"] == mask_phone(plain(cadre, "phone")) != plain(cadre, "phone")
        assert row["sending_unit"] == world.units["tdw"].name
        assert row["insured"] is True
        [assignment] = row["assignments"]
        assert assignment["village"] == {"code": village.code, "name": village.name, "level": "village"}
        assert assignment["township"]["code"] == "520627106000"
        assert assignment["end_date"] is None
    body = response.content.decode()
    for cadre in world.cadres["tdw"]:
        assert plain(cadre) not in body and plain(cadre, "phone") not in body


def test_cadre_list_shows_only_current_assignments(world, client, token):
    cadre = world.cadres["tdw"][0]
    Assignment.objects.create(cadre=cadre, village=world.village("tdw", 1), role="team_member",
                              start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 1, 1),
                              status=Assignment.Status.ENDED)
    rows = client.get("/api/v1/cadres", **bearer(token)).json()
    row = next(r for r in rows if r["id"] == cadre.pk)
    assert [a["village"]["code"] for a in row["assignments"]] == [world.village("tdw").code]


def test_cadre_list_by_township_prefix_and_empty_village(world, client, token):
    rows = client.get("/api/v1/cadres?village=520627106", **bearer(token)).json()
    assert {r["id"] for r in rows} == {c.pk for c in world.cadres["tdw"]}
    assert client.get(f"/api/v1/cadres?village={world.village('tdw', 1).code}", **bearer(token)).json() == []


def test_cadre_list_out_of_scope_village_is_404(world, client, token):
    outside = client.get(f"/api/v1/cadres?village={world.village('gz').code}", **bearer(token))
    missing = client.get("/api/v1/cadres?village=520627106399", **bearer(token))
    assert_error(outside, 404, "not_found")
    assert outside.content == missing.content
    assert_error(client.get("/api/v1/cadres?village=xyz", **bearer(token)), 400, "invalid_region_code")


def test_cadre_list_without_village_is_scoped(world, client, token):
    rows = client.get("/api/v1/cadres", **bearer(token)).json()
    assert {r["id"] for r in rows} == {c.pk for c in world.cadres["tdw"]}


# --- authentication ----------------------------------------------------------------------------

def test_missing_token_is_401_json(world, client):
    for url in ("/api/v1/regions/520627106", "/api/v1/cadres"):
        assert_error(client.get(url), 401, "unauthenticated")


def test_a_fault_of_ours_is_a_500_in_the_error_format_and_logged_with_its_traceback(world, client, token,
                                                                                    monkeypatch, caplog):
    from minxin.regions import selectors as region_selectors

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(region_selectors, "region_get", broken)
    client.raise_request_exception = False
    body = assert_error(client.get("/api/v1/regions/520627106", **bearer(token)), 500, "internal_error")
    assert "a bug" not in str(body)
    [record] = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert record.exc_info and record.exc_info[0] is RuntimeError


def test_a_post_without_the_pages_csrf_token_is_told_what_to_do_in_chinese(world):
    """A session's form or API call without this site's token: the app's 403 page or the API's JSON
    error, in Chinese — not Django's page that speaks of DEBUG."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["tdw_admin"])
    page = browser.post("/accounts/logout/")
    assert page.status_code == 403 and "请刷新页面后重新提交" in page.content.decode()
    assert "页面已过期" in page.content.decode() and "您没有权限" not in page.content.decode()
    assert "DEBUG" not in page.content.decode()
    body = assert_error(browser.post("/api/v1/sync", {"records": []}, content_type="application/json"), 403,
                        "csrf_failed")
    assert "请刷新页面" in body["error"]["message"]


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("get", "/api/v1/nope", 404, "not_found"),
    ("get", "/api/v1/households/1/nope", 404, "not_found"),
    ("get", "/api/v1/cadres/", 404, "not_found"),
    ("get", "/api/v1/", 404, "not_found"),
    ("get", "/api/v1/households/..%2F..", 404, "not_found"),
    ("delete", "/api/v1/cadres", 405, "method_not_allowed"),
    ("put", "/api/v1/sync", 405, "method_not_allowed"),
])
def test_paths_and_methods_the_api_does_not_have_are_answered_in_its_format(world, client, token, method, path,
                                                                           status, code):
    response = getattr(client, method)(path, **bearer(token))
    assert_error(response, status, code)
    assert response["Cache-Control"] == "no-store, private" and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/api/v1/sync", "/api/v1/disputes", "/api/v1/petitions"])
def test_a_json_route_sent_a_form_is_refused_in_the_api_format(world, client, token, path):
    """A small multipart body is read whole before its fields are checked for NUL bytes, so the
    route can still read it — and refuses it as a 4xx, not a 500."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(path, {"a": SimpleUploadedFile("a", b"b")}, **bearer(token))
    assert 400 <= response.status_code < 500, response.content
    assert_error(response, response.status_code, response.json()["error"]["code"])


def test_a_schema_refusal_names_the_field_as_the_client_sends_it(world, client):
    client.force_login(world.users["tdw_clerk"])
    response = client.post("/api/v1/petitions", {"region": world.village("tdw").code, "petitioner": "王"},
                           content_type="application/json")
    fields = {detail["field"] for detail in assert_error(response, 422, "invalid_input")["error"]["details"]}
    assert "title" in fields and not any(field.startswith(("body.", "query.")) for field in fields)


@pytest.mark.parametrize("path", ["/api/v1/households%00", "/api/v1/households?q=%00"])
def test_an_error_answered_before_the_apis_views_is_not_kept_by_any_cache(world, client, token, path):
    from urllib.parse import unquote

    response = client.get(unquote(path), **bearer(token))
    assert_error(response, 400, "invalid_input")
    assert response["Cache-Control"] == "no-store, private"


def test_wrong_token_is_401_json(world, client, token):
    for header in (f"Bearer {token}x", "Bearer mx_nonsense", "Bearer ", f"Token {token}", token):
        response = client.get("/api/v1/cadres", HTTP_AUTHORIZATION=header)
        assert_error(response, 401, "unauthenticated")


def test_revoked_token_is_401(world, client):
    record, raw = account_services.token_issue(actor=None, user=world.users["tdw_admin"])
    assert client.get("/api/v1/cadres", **bearer(raw)).status_code == 200
    account_services.token_revoke(actor=None, token=record)
    assert_error(client.get("/api/v1/cadres", **bearer(raw)), 401, "unauthenticated")


def test_token_of_deactivated_user_is_401(world, client, token):
    User.objects.filter(username="tdw_admin").update(is_active=False)
    assert_error(client.get("/api/v1/cadres", **bearer(token)), 401, "unauthenticated")


def test_session_of_deactivated_user_is_401(world, client):
    client.force_login(world.users["tdw_admin"])
    assert client.get("/api/v1/cadres").status_code == 200
    User.objects.filter(username="tdw_admin").update(is_active=False)
    assert_error(client.get("/api/v1/cadres"), 401, "unauthenticated")


def test_session_auth_works(world, client):
    client.force_login(world.users["gz_admin"])
    rows = client.get("/api/v1/cadres").json()
    assert {r["id"] for r in rows} == {c.pk for c in world.cadres["gz"]}


def test_token_use_is_recorded(world, client):
    record, raw = account_services.token_issue(actor=None, user=world.users["tdw_admin"])
    assert record.last_used_at is None
    client.get("/api/v1/cadres", **bearer(raw))
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_only_the_hash_of_a_token_is_stored(world):
    record, raw = account_services.token_issue(actor=None, user=world.users["tdw_admin"])
    assert raw not in (record.key_hash, record.key_prefix)
    assert record.key_hash == record.hash(raw)


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/regions/{code}" in schema["paths"]
    assert "/api/v1/cadres" in schema["paths"]


def test_answers_are_utf8_not_escaped(world, client, token):
    response = client.get("/api/v1/regions/520627106", **bearer(token))
    assert "土地坳镇".encode() in response.content


# --- query counts ------------------------------------------------------------------------------

def _add_cadres(world, side, count, start_seq):
    village = world.village(side)
    for index in range(count):
        cadre = Cadre.objects.create(
            name=f"加{index}", sex="M", birth_date=datetime.date(1980, 1, 1),
            id_number=make_id_number("19800101", start_seq + index), phone=f"1370000{start_seq + index:04d}",
            sending_unit=world.units[side], region_code=village.code,
        )
        Assignment.objects.create(cadre=cadre, village=village, role="team_member",
                                  start_date=datetime.date(2025, 1, 1))
        Insurance.objects.create(cadre=cadre, insurer="人寿", policy_number=f"Q{side}{start_seq + index}",
                                 start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2099, 1, 1))


def _count_queries(client, url, headers=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **(headers or {}))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_cadre_api_list_has_no_n_plus_one(world, client, token, django_assert_max_num_queries):
    url = f"/api/v1/cadres?village={world.village('tdw').code}"
    baseline, response = _count_queries(client, url, bearer(token))
    assert len(response.json()) == 3
    _add_cadres(world, "tdw", 12, 500)
    with django_assert_max_num_queries(baseline):
        response = client.get(url, **bearer(token))
    assert len(response.json()) == 15


def test_cadre_list_page_has_no_n_plus_one(world, client, django_assert_max_num_queries):
    client.force_login(world.users["tdw_admin"])
    baseline, response = _count_queries(client, "/cadres/")
    assert len(response.context["page"].object_list) == 3
    _add_cadres(world, "tdw", 12, 700)
    with django_assert_max_num_queries(baseline):
        response = client.get("/cadres/")
    assert len(response.context["page"].object_list) == 15
