"""The API fuzzed from its own OpenAPI document (schemathesis): every operation, with generated
parameters and bodies, called with the token of one persona of each role. Whatever is sent, no
answer is a server error, every 4xx is in the JSON error format, and every status answered is one
the document declares for that operation (a 2xx body matching its declared schema)."""

import sys

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from minxin.accounts.services import token_issue

# The document as the application serves it (the request passes through every middleware).
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
OPERATIONS = {operation.label: operation for operation in (result.ok() for result in SCHEMA.get_all_operations())}
# One persona of each role (tests/world.py), each with its own scope.
PERSONAS = ["county_admin", "county_supervisor", "county_auditor", "expert", "tdw_admin", "tdw_clerk", "tdw_cadre",
            "tdw_liaison"]
EXAMPLES = 12  # generated requests per operation, each sent by every persona: bounded, so `make test` stays short
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


def _json_error(response) -> None:
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"].get("code"), str) and isinstance(body["error"].get("message"), str), body
    assert isinstance(body["error"].get("details", []), list), body


def test_the_document_lists_the_api():
    assert len(OPERATIONS) >= 35 and "POST /api/v1/sync" in OPERATIONS and "GET /api/v1/households" in OPERATIONS


@pytest.fixture
def _connection_kept():
    """schemathesis calls the WSGI application itself, whose request signals close the database
    connection after each answer — the test's transaction with it. Django's test client keeps it
    open the same way: by disconnecting `close_old_connections` while it serves."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_server_error_and_every_answer_as_documented(label, world, _connection_kept):
    tokens = {name: token_issue(actor=None, user=world.users[name])[1] for name in PERSONAS}
    statuses: set[int] = set()

    @given(case=OPERATIONS[label].as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        for persona, token in tokens.items():
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            statuses.add(response.status_code)
            assert response.status_code < 500, f"{persona}: {case.method} {case.formatted_path} → {response.status_code}"
            case.validate_response(response, checks=CHECKS)
            if 400 <= response.status_code < 500:
                _json_error(response)

    fuzz()
    assert statuses  # the operation was called


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_without_a_token_an_operation_is_a_json_401(label, client):
    operation = OPERATIONS[label]
    path = "/".join("1" if segment.startswith("{") else segment for segment in operation.full_path.split("/"))
    response = client.generic(operation.method.upper(), path)
    assert response.status_code == 401, (label, response.status_code)
    _json_error(response)


def test_no_two_schemas_share_a_name():
    """The document names each schema by its class: two classes of one name (two modules' StepOut)
    would document one body with the other's fields."""
    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = [cls.__name__ for cls in set(subclasses(Schema)) if cls.__module__.startswith("minxin.")
             and getattr(sys.modules[cls.__module__], cls.__name__, None) is cls]  # not ninja's own copies
    assert sorted({name for name in names if names.count(name) > 1}) == []


BODY_OPERATIONS = sorted(label for label, operation in OPERATIONS.items() if operation.body)


def test_the_documented_413_is_real_for_every_operation_with_a_body(world, client, settings):
    """Each operation that takes a body documents 413; a body above the limit gets it, in the error
    format, before the view runs (so before any lookup of the object in its path)."""
    assert BODY_OPERATIONS and all("413" in OPERATIONS[label].definition.raw["responses"] for label in BODY_OPERATIONS)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    token = token_issue(actor=None, user=world.users["county_admin"])[1]
    for label in BODY_OPERATIONS:
        operation = OPERATIONS[label]
        path = "/".join("1" if segment.startswith("{") else segment for segment in operation.full_path.split("/"))
        if "multipart/form-data" in operation.definition.raw["requestBody"]["content"]:  # an upload: a big field
            response = client.post(path, {"note": "x" * 5_000}, HTTP_AUTHORIZATION=f"Bearer {token}")
        else:
            response = client.generic("POST", path, data=b'{"notes": "' + b"x" * 5_000 + b'"}',
                                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 413, (label, response.status_code)
        _json_error(response)
