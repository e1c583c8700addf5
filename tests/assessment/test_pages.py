"""Assessment pages and API: they render, forms report broken rules, lists keep their query count."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minxin.assessment.hearts import HEART_CODES
from minxin.assessment.models import CadreResult, IndicatorScore, Pledge, Scheme
from tests.assessment.world import assessment_world
from tests.sealed import plain

pytestmark = pytest.mark.django_db


def test_pages_render_for_the_county_admin(world, client):
    a = assessment_world(world)
    client.force_login(world.users["county_admin"])
    year = a.period.year
    urls = [reverse("assessment:index"), reverse("assessment:scheme"), reverse("assessment:run"),
            reverse("assessment:period", args=[a.period.county, a.code]), reverse("assessment:result", args=[a.results["tdw"].pk]),
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
    assert data["plan.plan-weight"] == 2  # the manual plan quality's default weight
    data["plan.plan-weight"] = "9"  # 100 − 2 + 9 = 107
    response = client.post(reverse("assessment:scheme"), data)
    assert response.status_code == 200
    assert "权重合计应为 100，现为 107" in response.content.decode()
    assert not Scheme.objects.exists()
    data["plan.plan-weight"] = "2"
    assert client.post(reverse("assessment:scheme"), data).status_code == 302
    assert Scheme.objects.get().version == 1


def test_ranking_page_query_count_does_not_grow(world, client):
    a = assessment_world(world)
    client.force_login(world.users["county_admin"])
    url = reverse("assessment:period", args=[a.period.county, a.code])
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
    assert plain(cadre) not in body and plain(cadre, "phone") not in body and plain(cadre, "phone")[-4:] not in body
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


def _heart_sums(scores, code, field):
    mine = [s for s in scores if s.heart == code]
    return sum((getattr(s, field) for s in mine), Decimal(0)) if mine else None


def test_ranking_has_a_column_per_heart_and_a_township_filter(world, client):
    a = assessment_world(world)
    url = reverse("assessment:period", args=[a.period.county, a.code])
    client.force_login(world.users["county_admin"])
    page = client.get(url)
    ranked = page.context["ranked"]
    assert len(ranked) >= 2 and 'data-testid="township-filter"' in page.content.decode()
    for result, points in ranked:
        scores = list(result.scores.all())
        assert points == [_heart_sums(scores, code, "points") for code in HEART_CODES]
        assert sum(p for p in points if p is not None) == result.total
    township = world.village("tdw").parent_id
    narrowed = client.get(url, {"region": township}).context["ranked"]
    assert narrowed and {r.township_code for r, _p in narrowed} == {township}
    # A township user has one township: no select, and the other township is a 404, not an empty list.
    client.force_login(world.users["tdw_admin"])
    own = client.get(url)
    assert 'data-testid="township-filter"' not in own.content.decode()
    assert client.get(url, {"region": world.village("gz").parent_id}).status_code == 404


def test_result_radar_gives_rates_per_heart_beside_the_township_mean(world, client):
    a = assessment_world(world)
    result = a.results["tdw"]
    client.force_login(world.users["county_admin"])
    radar = client.get(reverse("assessment:result", args=[result.pk])).context["radar"]
    assert [h["code"] for h in radar["hearts"]] == HEART_CODES
    scored = [s for s in result.scores.all() if s.score is not None]
    peers = [s for s in IndicatorScore.objects.filter(result__period=result.period,
                                                      result__township_code=result.township_code)
             if s.score is not None]
    for h in radar["hearts"]:
        for key, scores in (("own", scored), ("peers", peers)):
            weight = _heart_sums(scores, h["code"], "effective_weight")
            expected = round(_heart_sums(scores, h["code"], "points") * 100 / weight, 1) if weight else None
            assert h[key] == expected, (h["code"], key)
    assert any(h["own"] is not None for h in radar["hearts"])
    n = CadreResult.objects.filter(period=result.period, township_code=result.township_code).count()
    assert f"（{n} 人）" in radar["names"]["peers"]


def test_a_village_user_is_not_told_its_mean_is_the_townships(world, client):
    a = assessment_world(world)
    client.force_login(world.users["tdw_cadre"])
    radar = client.get(reverse("assessment:result", args=[a.results["tdw"].pk])).context["radar"]
    visible = CadreResult.objects.visible_to(world.users["tdw_cadre"]).filter(
        period=a.period, township_code=a.results["tdw"].township_code).count()
    assert radar["names"]["peers"] == f"同乡镇您可查看的干部平均（{visible} 人）"


def test_the_use_of_results_has_a_county_list_figures_and_a_place_on_the_annual_page(world, client):
    from minxin.assessment import services

    a = assessment_world(world)
    year = a.period.year
    gz = world.cadres["gz"][1]
    services.consequence_record(actor=world.users["county_admin"], cadre=gz, year=year, kind="promotion",
                                title="提拔为副科级", basis="连续两年考核优秀", decided_on=timezone.localdate())
    url = reverse("assessment:consequence-list")
    client.force_login(world.users["county_admin"])
    rows = list(client.get(url, {"year": year}).context["page"])
    assert sorted((c.cadre.name, c.kind) for c in rows) == sorted(
        [(world.cadres["tdw"][0].name, "commendation"), (world.cadres["gz"][0].name, "commendation"),
         (gz.name, "promotion")])
    promotions = client.get(url, {"kind": "promotion", "year": year})
    assert [c.cadre_id for c in promotions.context["page"]] == [gz.pk]
    assert promotions.context["counts"] == {"commendation": 2, "promotion": 1}  # every kind's pill keeps its count
    assert [c.cadre_id for c in client.get(url, {"q": gz.name_pinyin.split()[1]}).context["page"]] == [gz.pk]
    township = world.village("tdw").parent_id
    assert {c.cadre_id for c in client.get(url, {"region": township}).context["page"]} == {world.cadres["tdw"][0].pk}
    # The dashboard's tile says 1 promotion and opens exactly that list.
    dashboard = client.get("/reports/dashboard/520627000000/", {"year": year})
    tile = next((value, link) for f, value, link in dashboard.context["tiles"] if f.key == "assessment.promotions")
    assert tile[0] == 1 and client.get(tile[1]).context["page"].paginator.count == 1
    # The annual page shows each cadre's use of results beside the grade.
    grades = client.get(reverse("assessment:grade-list", args=[year])).content.decode()
    assert "表彰：“十颗心”最美第一书记" in grades
    # Scoped: the township sees its own, and the other township is a 404.
    client.force_login(world.users["tdw_admin"])
    assert {c.cadre.name for c in client.get(url).context["page"]} == {world.cadres["tdw"][0].name}
    assert client.get(url, {"region": world.village("gz").parent_id}).status_code == 404
    assert client.get(url, {"year": "abcd", "kind": "<x>"}).status_code == 200


def test_a_pledge_records_its_four_audiences(world, client):
    """The county leading group, the sending unit and the township each get a filing date; the
    villagers' audience is the public page. The cadre or the township records it; bad input is
    refused with its reason and changes nothing."""
    from minxin.assessment.models import PledgeDelivery
    from minxin.core.models import AuditEvent

    a = assessment_world(world)
    pledge = a.pledges["tdw"]
    url = reverse("assessment:pledge-deliver", args=[pledge.pk])
    today = timezone.localdate()
    client.force_login(world.users["tdw_cadre"])
    assert client.post(url, {"audience": "county", "delivered_on": today.isoformat(), "note": "随年度计划报送"}).status_code == 302
    client.force_login(world.users["tdw_admin"])
    assert client.post(url, {"audience": "township", "delivered_on": today.isoformat()}).status_code == 302
    future = client.post(url, {"audience": "unit", "delivered_on": (today + datetime.timedelta(days=3)).isoformat()})
    assert future.status_code == 400 and "报送日期应在" in future.content.decode()
    assert client.post(url, {"audience": "villagers", "delivered_on": today.isoformat()}).status_code == 400
    assert dict(PledgeDelivery.objects.filter(pledge=pledge).values_list("audience", "note")) == {
        "county": "随年度计划报送", "township": ""}
    page = client.get(reverse("assessment:pledge", args=[pledge.pk])).content.decode()
    assert page.count("已报送") == 2 and "已公示" in page and "未登记" in page
    assert AuditEvent.objects.filter(action="pledge.deliver", object_id=str(pledge.pk)).count() == 2
    # Another township's pledge is a 404; a role that neither owns nor reviews pledges is refused.
    client.force_login(world.users["gz_admin"])
    assert client.post(url, {"audience": "unit", "delivered_on": today.isoformat()}).status_code == 404
    client.force_login(world.users["county_auditor"])
    assert client.post(url, {"audience": "unit", "delivered_on": today.isoformat()}).status_code == 403
    assert PledgeDelivery.objects.filter(pledge=pledge).count() == 2
