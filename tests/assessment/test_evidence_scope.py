"""The evidence of every automatic indicator's score (page and API): it opens for every role whose
scope holds the cadre, shows only the records inside the user's scope, and is a 404 outside it.

The cases are parametrized over the indicator registry, so an indicator added later whose evidence
the platform cannot scope fails here. Building the world takes seconds, so the cases share one,
built once for the module inside a transaction rolled back at its end (each case rolls back its
own changes too).
"""

import html
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minxin.assessment import indicators as registry
from minxin.assessment.models import IndicatorScore
from minxin.cadres.models import Cadre
from minxin.registry.models import Helper, Income
from tests.assessment.world import assessment_world
from tests.sealed import plain
from tests.world import build_world

pytestmark = pytest.mark.django_db

AUTOMATIC = [ind.code for ind in registry.registered() if ind.is_auto]
# Roles whose scope holds the tdw cadre's village, and roles whose scope does not.
IN_SCOPE = ["county_admin", "county_supervisor", "county_auditor", "tdw_admin", "tdw_supervisor", "tdw_auditor"]
OUT_OF_SCOPE = ["gz_admin", "gz_supervisor", "gz_auditor", "gz_clerk"]


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """The test world plus, for the tdw side's first cadre, two paired households with two years of
    income and a registration each: one in its own township, one in the other (官舟镇, out of the
    tdw roles' scope), as a cadre moved between townships leaves behind. Then the quarter assessed."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        cadre, year = world.cadres["tdw"][0], timezone.localdate().year
        for side in ("tdw", "gz"):
            home = world.registry[side]["household"]
            Helper.objects.create(household=home, name=cadre.name, cadre=cadre)
            Income.objects.create(household=home, year=year - 1, persons=2, wage=Decimal("8000"))
            Income.objects.create(household=home, year=year, persons=2, wage=Decimal("9000"))
        assessment_world(world)
        yield world
        transaction.set_rollback(True)


def _score(world, code: str) -> IndicatorScore:
    return world.assessment.results["tdw"].scores.get(indicator=code)


def _expected(world, code: str, persona: str) -> list[str]:
    """The labels the persona should see: every record the indicator counts for the cadre, less the
    other township's paired household for a tdw role (everything else of the world's tdw cadre lies in
    its own village)."""
    ind, result = registry.get(code), world.assessment.results["tdw"]
    records = ind.evidence(result.cadre_id, result.village_code, result.period.window)
    rows = [obj for qs in (records if isinstance(records, list | tuple) else [records]) for obj in qs]
    if persona.startswith("tdw_"):
        rows = [obj for obj in rows if getattr(obj, "household_id", None) != world.registry["gz"]["household"].pk]
    return sorted(str(obj) for obj in rows)


def _evidence(client, score) -> tuple[str, dict]:
    page = client.get(reverse("assessment:score", args=[score.pk]))
    assert page.status_code == 200
    api = client.get(f"/api/v1/assessment/scores/{score.pk}/evidence")
    assert api.status_code == 200 and api["Content-Type"].startswith("application/json")
    return page.content.decode(), api.json()


@pytest.mark.parametrize("code", AUTOMATIC)
def test_every_automatic_indicator_shows_the_evidence_in_scope(shared, client, code):
    world, score = shared, _score(shared, code)
    for persona in IN_SCOPE:
        client.force_login(world.users[persona])
        body, data = _evidence(client, score)
        expected = _expected(world, code, persona)
        assert data["score"]["indicator"] == code and data["count"] == len(expected), persona
        assert sorted(item["label"] for item in data["items"]) == expected, persona
        assert f"依据记录（{len(expected)} 条）" in body, persona
        for label in expected:
            assert html.escape(label) in body, (persona, label)


@pytest.mark.parametrize("code", AUTOMATIC)
def test_every_automatic_indicators_evidence_is_a_404_outside_the_scope(shared, client, code):
    score = _score(shared, code)
    for persona in OUT_OF_SCOPE:
        client.force_login(shared.users[persona])
        assert client.get(reverse("assessment:score", args=[score.pk])).status_code == 404, persona
        api = client.get(f"/api/v1/assessment/scores/{score.pk}/evidence")
        assert api.status_code == 404 and api.json()["error"]["code"] == "not_found", persona


@pytest.mark.parametrize("code", ["pair.income", "pair.exit"])
def test_paired_households_outside_the_scope_stay_hidden_and_identifiers_masked(shared, client, code):
    world, score = shared, _score(shared, code)
    mine, theirs = world.registry["tdw"]["household"], world.registry["gz"]["household"]
    url = {home: reverse("registry:household-detail", args=[home.pk]) for home in (mine, theirs)}
    seen = {}
    for persona in ("tdw_admin", "county_admin"):
        client.force_login(world.users[persona])
        body, data = _evidence(client, score)
        seen[persona] = {item["url"] for item in data["items"]}
        for home in (mine, theirs):
            for member in home.members.all():
                assert plain(member) not in body and plain(member)[-4:] not in str(data)
            assert plain(home, "phone") not in body and plain(home, "phone") not in str(data)
    per_home = 2 if code == "pair.income" else 1  # two years of income, one registration
    assert seen["tdw_admin"] == {url[mine]} and seen["county_admin"] == {url[mine], url[theirs]}
    client.force_login(world.users["county_admin"])
    assert client.get(f"/api/v1/assessment/scores/{score.pk}/evidence").json()["count"] == 2 * per_home


def test_study_sessions_follow_the_attendees_scope(shared, client):
    """A session shows where one of its attendees is seen: once the cadre is managed by the other
    township, the tdw admin still sees the old score but no longer the sessions."""
    world, score = shared, _score(shared, "learn.hours")
    client.force_login(world.users["tdw_admin"])
    body, data = _evidence(client, score)
    assert [item["label"] for item in data["items"]] == ["坳学习会"] and "坳学习会" in body
    Cadre.objects.filter(pk=world.cadres["tdw"][0].pk).update(region_code=world.village("gz").code)
    body, data = _evidence(client, score)
    assert data["count"] == 0 and data["items"] == [] and "坳学习会" not in body
    client.force_login(world.users["county_admin"])
    assert _evidence(client, score)[1]["count"] == 1


def test_every_error_of_the_evidence_api_is_its_json_error_body(shared, client, monkeypatch):
    """No login (401), a role without the module (the expert, 403), no such score (404), and an
    indicator whose evidence rows name no region — neither `visible_to` nor `scope_field`:
    none of them is shown (503), never a 500 page."""
    score = _score(shared, "learn.hours")

    def error(url: str, status: int) -> str:
        answer = client.get(url)
        assert answer.status_code == status and answer["Content-Type"].startswith("application/json"), url
        return answer.json()["error"]["code"]

    url = f"/api/v1/assessment/scores/{score.pk}/evidence"
    assert error(url, 401) == "unauthenticated"
    client.force_login(shared.users["expert"])
    assert error(url, 403) == "forbidden"
    client.force_login(shared.users["county_admin"])
    assert error("/api/v1/assessment/scores/999999/evidence", 404) == "not_found"
    unscoped = registry.Indicator(code="test.unscoped", heart="learn", label="x", unit="", kind=registry.AUTO,
                                  module="x", evidence=lambda cid, v, w: Session.objects.all())
    monkeypatch.setitem(registry.INDICATORS, unscoped.code, unscoped)
    score = IndicatorScore.objects.create(result=shared.assessment.results["tdw"], indicator=unscoped.code,
                                          heart="learn", kind="auto", target=0, weight=0, effective_weight=0,
                                          points=0)
    assert error(f"/api/v1/assessment/scores/{score.pk}/evidence", 503) == "evidence_unscoped"
    page = client.get(reverse("assessment:score", args=[score.pk]))
    assert page.status_code == 503 and "依据记录暂时无法显示" in page.content.decode()
