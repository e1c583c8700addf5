"""Hostile query parameters on every list page and API list: a clear 4xx or a normal answer, never a
500 (numbers past 2^63, pages past any OFFSET, NUL bytes, impossible dates, very long text)."""

import pytest
from django.test import Client

from tests import permission_matrix as matrix

HOSTILE = [str(2**64), str(10**30), "a\x00b", "2026-02-30", "x" * 3000]
# Each alone (so that one refused parameter cannot hide another), then every one of these at once.
SINGLE = ["page", "q", "household", "cadre", "year", "month", "member", "village"]
PARAMS = [*SINGLE, "township", "quarter", "status", "kind", "role", "tag", "category", "region", "action",
          "paper"]


def _with(url: str, params: dict) -> str:
    from urllib.parse import urlencode

    return url + ("&" if "?" in url else "?") + urlencode(params)


@pytest.mark.django_db
def test_no_query_parameter_makes_a_server_error(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["county_admin"])  # the widest scope reaches every list
    failures = []
    routes = [(r.name, r.url(world)) for r in matrix.LIST_ROUTES + matrix.API_LIST_ROUTES]
    for name, url in routes:
        for value in HOSTILE:
            tries = [{param: value} for param in SINGLE] + [dict.fromkeys(PARAMS, value)]
            for params in tries:
                status = client.get(_with(url, params)).status_code
                if status >= 500:
                    failures.append(f"{name} {url} {sorted(params)[:3]}={value[:20]!r}: {status}")
                    break
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_a_nul_byte_in_a_query_is_a_clear_400(world):
    client = Client()
    client.force_login(world.users["county_admin"])
    answer = client.get("/api/v1/households?q=a%00b")
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid_input"
    page = client.get("/registry/households/?q=a%00b")
    assert page.status_code == 400 and "NUL" in page.content.decode()


@pytest.mark.django_db
def test_a_page_past_any_offset_is_the_last_page(world):
    client = Client()
    client.force_login(world.users["county_admin"])
    for query in ("page=" + str(10**30), "q=zz&page=" + str(2**70)):
        answer = client.get("/api/v1/households?" + query)
        assert answer.status_code == 200 and answer.json()["page"] >= 1, query


def test_the_api_schema_documents_its_error_answers():
    from minxin.api.main import api

    schema = api.get_openapi_schema()
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert operations and all({"400", "404", "422", "429"} <= set(op["responses"]) for op in operations)
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]
