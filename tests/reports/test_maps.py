"""民情地图: data per village and township, scope, layers, households without coordinates, print."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import timezone

from minxin.disputes.models import Dispute
from minxin.registry.models import Household
from minxin.reports.maps import LAYERS

BITS = {layer.key: layer.bit for layer in LAYERS}


def _place(household, lat, lon, **flags):
    Household.objects.filter(pk=household.pk).update(lat=Decimal(str(lat)), lon=Decimal(str(lon)), **flags)


@pytest.fixture
def mapped(world):
    """Every world household gets coordinates near its village except one per side."""
    households = {side: list(Household.objects.filter(village__code__startswith=world.village(side).parent.prefix)
                             .order_by("pk")) for side in world.villages}
    for side, rows in households.items():
        for index, household in enumerate(rows[1:]):
            _place(household, 28.5 + index * 0.001, 108.4 + index * 0.001)
    return households


@pytest.mark.django_db
def test_village_map_lists_its_own_households_and_the_unplaced_beside(world, client, mapped):
    client.force_login(world.users["tdw_admin"])
    village = world.village("tdw")
    data = client.get(f"/reports/map/{village.code}/data/").json()
    in_village = Household.objects.filter(village=village)
    placed = in_village.exclude(lat=None)
    assert {row[0] for row in data["households"]} == set(placed.values_list("pk", flat=True))
    assert {m["id"] for m in data["missing"]} == set(in_village.filter(lat=None).values_list("pk", flat=True))
    assert all(row[1] != 0 and row[2] != 0 for row in data["households"])
    other_side = set(Household.objects.filter(village__code__startswith="520627105").values_list("pk", flat=True))
    assert not other_side & {row[0] for row in data["households"]}


@pytest.mark.django_db
def test_township_map_covers_its_villages_only(world, client, mapped):
    client.force_login(world.users["county_admin"])
    data = client.get("/reports/map/520627106000/data/").json()
    ids = {row[0] for row in data["households"]} | {m["id"] for m in data["missing"]}
    assert ids == {h.pk for h in mapped["tdw"]}
    assert {area["code"][:9] for area in data["areas"]} == {"520627106"}


@pytest.mark.django_db
def test_other_township_map_is_404_for_a_township_admin(world, client, mapped):
    client.force_login(world.users["tdw_admin"])
    gz = world.village("gz")
    for url in (f"/reports/map/{gz.code}/", f"/reports/map/{gz.code}/data/", f"/reports/map/{gz.code}/print/",
                "/reports/map/520627105000/data/", "/reports/map/520627106999/data/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_layer_flags_follow_the_records(world, client, mapped):
    from minxin.fieldwork.models import Visit

    household = mapped["tdw"][1]
    Household.objects.filter(pk=household.pk).update(has_dibao=True, care_child=True, has_family_planning=False)
    Visit.objects.filter(household=household).delete()
    client.force_login(world.users["county_admin"])
    url = f"/reports/map/{household.village_id}/data/"
    row = next(r for r in client.get(url).json()["households"] if r[0] == household.pk)
    assert row[4] & BITS["dibao"] and row[4] & BITS["care_child"]
    assert not row[4] & BITS["family_planning"]
    assert row[4] & BITS["not_visited"] and not row[4] & BITS["visited"]

    cadre = world.cadres["tdw"][0]
    Visit.objects.create(cadre=cadre, household=household, village_id=household.village_id,
                         occurred_at=timezone.now() - datetime.timedelta(hours=1), kind="home",
                         recorded_by=world.users["tdw_cadre"])
    row = next(r for r in client.get(url).json()["households"] if r[0] == household.pk)
    assert row[4] & BITS["visited"] and not row[4] & BITS["not_visited"]


@pytest.mark.django_db
@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_printable_village_map_is_a_complete_svg(world, client, mapped, paper):
    client.force_login(world.users["tdw_admin"])
    village = world.village("tdw")
    body = client.get(f"/reports/map/{village.code}/print/?paper={paper}").content.decode()
    svg = body[body.index("<svg"): body.index("</svg>") + 6]
    root = ET.fromstring(svg)
    assert root.get("data-paper") == paper
    symbols = [el for el in root.iter("{http://www.w3.org/2000/svg}circle") if el.get("data-category")]
    assert len(symbols) == Household.objects.filter(village=village).exclude(lat=None).count()
    assert f"{village.name}民情地图" in svg and "图例" in svg and "制图日期" in svg


@pytest.mark.django_db
def test_the_county_map_is_one_point_per_village_with_its_figures(world, client, mapped):
    """No county map was a 404; 170,000 household points would be no map either: one per village,
    at the centre of its located households, with counts made by hand here."""
    from django.db.models import Avg

    from minxin.regions.models import Region
    from minxin.registry import services
    from minxin.registry.choices import REGISTERED
    from tests.world import make_id_number

    client.force_login(world.users["county_admin"])
    assert client.get("/reports/map/520627000000/").status_code == 200
    data = client.get("/reports/map/520627000000/data/").json()
    assert data["level"] == "county" and data["households"] == []
    by_code = {v["code"]: v for v in data["villages"]}
    located = Household.objects.exclude(lat=None)
    assert set(by_code) == set(located.values_list("village_id", flat=True))
    for code, village in by_code.items():
        here = Household.objects.filter(village_id=code)
        assert village["households"] == here.count()
        assert village["dibao"] == here.filter(has_dibao=True).count()
        assert village["registered"] == here.filter(REGISTERED).count()
        assert village["not_exited"] == here.filter(registration__status__in=["not_exited", "returned"]).count()
        centre = here.aggregate(lat=Avg("lat"), lon=Avg("lon"))
        assert abs(village["lat"] - float(centre["lat"])) < 1e-5 and abs(village["lon"] - float(centre["lon"])) < 1e-5
    # A household registered since is counted.
    code = next(iter(by_code))
    services.household_create(actor=world.users["county_admin"], village=Region.objects.get(code=code), number="M1",
                              head={"name": "田新", "id_number": make_id_number("19700101", 91), "ethnicity": "土家族"})
    again = {v["code"]: v for v in client.get("/reports/map/520627000000/data/").json()["villages"]}
    assert again[code]["households"] == by_code[code]["households"] + 1 == Household.objects.filter(village_id=code).count()
    client.force_login(world.users["tdw_admin"])  # the county is outside a township's scope
    assert client.get("/reports/map/520627000000/data/").status_code == 404


@pytest.mark.django_db
def test_the_risk_layer_shows_open_cases_in_their_colour_at_a_partys_home(world, client, mapped):
    from minxin.disputes import services_case
    from minxin.disputes.services_case import Party

    village = world.village("tdw")
    home = world.registry["tdw"]["household"]
    _place(home, 28.61, 108.41)
    today = timezone.localdate()
    outsider = services_case.dispute_open(
        actor=None, village=village, title="外村人纠纷", summary="x", intake="active", category="other", risk="red",
        arose_on=today, reported_on=today, parties=[Party(side="first", name="外村人")])
    Dispute.objects.filter(title="外村人纠纷").update(state="resolved")  # concluded: off the map
    red = services_case.dispute_open(
        actor=None, village=village, title="红色纠纷", summary="x", intake="active", category="other", risk="red",
        arose_on=today, reported_on=today, parties=[Party(side="first", name="外村人")])
    client.force_login(world.users["tdw_admin"])
    data = client.get(f"/reports/map/{village.code}/data/").json()
    cases = {row[4]: row for row in data["cases"]}
    world_case = world.disputes["tdw"]["dispute"]  # its first party lives in the registry household
    assert cases[world_case.title][1:4] == [28.61, 108.41, "yellow"]
    assert cases["红色纠纷"][0] == red.pk and cases["红色纠纷"][3] == "red"  # placed at the village's centre
    assert "外村人纠纷" not in cases and outsider.pk not in [row[0] for row in data["cases"]]
    assert world.disputes["gz"]["dispute"].title not in cases
    assert [r["key"] for r in data["risks"]] == ["red", "orange", "yellow", "blue"]
    county = client.get(f"/reports/map/{village.parent.parent_id}/data/")
    assert county.status_code == 404  # a township admin has no county map
    client.force_login(world.users["county_admin"])
    villages = {v["code"]: v for v in client.get(f"/reports/map/{village.parent.parent_id}/data/").json()["villages"]}
    assert villages[village.code]["cases"] == 2
