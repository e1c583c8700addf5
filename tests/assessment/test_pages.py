"""Assessment pages and API: they render, forms report broken rules, lists keep their query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minxin.assessment.models import Pledge, Scheme
from tests.assessment.world import assessment_world

pytestmark = pytest.mark.django_db


def test_pages_render_for_the_county_admin(world, client):
    a = assessment_world(world)
    client.force_login(world.users["county_admin"])
    year = a.period.year
    urls = [reverse("assessment:index"), reverse("assessment:scheme"), reverse("assessment:run"),
            reverse("assessment:period", args=[a.code]), reverse("assessment:result", args=[a.results["tdw"].pk]),
            reverse("assessment:score", args=[a.scores["tdw"].pk]), reverse("assessment:appeal-list"),
            reverse("assessment:pledge-list"), reverse("assessment:pledge", args=[a.pledges["tdw"].pk]),
            reverse("assessment:inspection-list"), reverse("assessment:inspection", args=[a.inspections["tdw"].pk]),
            reverse("assessment:rectification-list"), reverse("assessment:grade-list", args=[year]),
            reverse("assessment:archive", args=[world.cadres["tdw"][0].pk, year])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<script>" not in response.content  # CSP: no inline scripts


def test_scheme_page_refuses_weights_not_summing_to_100(world, client):
    client.force_login(world.users["county_admin"])
    page = client.get(reverse("assessment:scheme"))
    form = page.context["weights"]
    data = {name: field.initial for name, field in form.fields.items()}
    rules = page.context["rules"]
    data.update({name: rules[name].value() for name in rules.fields if rules[name].value() is not None})
    data["fairness_enabled"] = ""
    data["plan.plan-weight"] = "9"  # 100 − 5 + 9 = 104
    response = client.post(reverse("assessment:scheme"), data)
    assert response.status_code == 200
    assert "权重合计应为 100，现为 104" in response.content.decode()
    assert not Scheme.objects.exists()
    data["plan.plan-weight"] = "5"
    assert client.post(reverse("assessment:scheme"), data).status_code == 302
    assert Scheme.objects.get().version == 1


def test_ranking_page_query_count_does_not_grow(world, client):
    a = assessment_world(world)
    client.force_login(world.users["county_admin"])
    url = reverse("assessment:period", args=[a.code])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) <= 15, [q["sql"] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("assessment:result", args=[a.results["tdw"].pk]))
    assert len(ctx.captured_queries) <= 15


def test_public_pledge_page_needs_no_login_and_shows_no_identifiers(world, client):
    a = assessment_world(world)
    pledge = a.pledges["tdw"]
    client.force_login(world.users["tdw_admin"])
    detail = client.get(reverse("assessment:pledge", args=[pledge.pk])).content.decode()
    assert "<svg" in detail  # the QR code, inline
    client.logout()
    from minxin.assessment.models import PledgeBoard

    board = PledgeBoard.objects.get(village_id=pledge.village_id)
    body = client.get(reverse("assessment:pledge-public", args=[board.token])).content.decode()
    cadre = pledge.cadre
    assert cadre.name in body and "tdw每季度召开群众会" in body and "<svg" in body
    assert cadre.id_number not in body and cadre.phone not in body and cadre.phone[-4:] not in body
    assert client.get(reverse("assessment:pledge-public", args=["nope"])).status_code == 404


def test_cadre_files_a_pledge_through_the_form(world, client):
    client.force_login(world.users["tdw_cadre"])
    year = timezone.localdate().year + 1
    url = reverse("assessment:pledge-edit", args=[year])
    response = client.post(url, {"heart_0": "care", "text_0": "关爱留守儿童", "measure_0": ""})
    assert "衡量标准都要填写" in response.content.decode()
    response = client.post(url, {"heart_0": "care", "text_0": "关爱留守儿童", "measure_0": "每月 2 次"})
    assert response.status_code == 302
    assert Pledge.objects.get(year=year).items.get().measure == "每月 2 次"


def test_api_results_and_evidence(world, client):
    a = assessment_world(world)
    client.force_login(world.users["tdw_admin"])
    rows = client.get(f"/api/v1/assessment/periods/{a.code}/results").json()
    assert {r["cadre"] for r in rows} == {c.name for c in world.cadres["tdw"]}
    detail = client.get(f"/api/v1/assessment/results/{a.results['tdw'].pk}").json()
    assert sum(float(s["points"]) for s in detail["scores"]) == pytest.approx(float(detail["total"]), abs=0.01)
    evidence = client.get(f"/api/v1/assessment/scores/{a.scores['tdw'].pk}/evidence").json()
    assert evidence["count"] == 1 and evidence["items"][0]["url"].startswith("/assessment/supervision/")
    other = client.get(f"/api/v1/assessment/results/{a.results['gz'].pk}")
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
