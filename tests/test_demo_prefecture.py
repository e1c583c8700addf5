"""`minxin demo --scale prefecture`: the ten counties of 铜仁市 (issue 20, item 6), checked on a
small copy of the scale (one township of two villages per county) so that it runs in seconds."""

import dataclasses
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from minxin import demo
from minxin.accounts.models import User
from minxin.assessment.models import CadreResult
from minxin.cadres.models import Assignment, Cadre, SendingUnit
from minxin.core.figures import within
from minxin.demo.registry import COUNTY_BOXES
from minxin.fieldwork.models import Visit
from minxin.regions import data
from minxin.regions.models import Region
from minxin.registry import selectors as registry
from minxin.registry.models import Household, Member
from minxin.reports.selectors import region_summary

pytestmark = pytest.mark.django_db

YANHE = data.COUNTY[0][:6]


def _yanhe_shape():
    villages = list(Region.objects.filter(code__startswith=YANHE, level="village")
                    .order_by("code").values_list("code", "name", "households"))
    cadres = sorted(Cadre.objects.filter(within("region_code", YANHE)).values_list("name", "region_code"))
    return villages, cadres, Household.objects.filter(within("village_id", YANHE)).count()


def test_the_prefecture_has_ten_counties_each_filled(small_prefecture):
    counties = Region.objects.filter(level="county").order_by("code")
    assert [(c.code, c.name) for c in counties] == [(code, name) for code, name, _former in data.COUNTIES]
    for county in counties:
        prefix = county.prefix
        villages = Region.objects.filter(within("code", prefix), level="village")
        assert villages.count() == 2, county.name
        planned = sum(villages.values_list("households", flat=True))
        assert Household.objects.filter(within("village_id", prefix)).count() == planned > 0
        assert Member.objects.filter(within("village_code", prefix)).exists()
        assert Assignment.objects.filter(within("village_id", prefix)).exists()
        assert Visit.objects.filter(within("village_id", prefix)).exists()
        # the county's own sending units send its cadres
        assert set(SendingUnit.objects.filter(within("cadres__region_code", prefix))
                   .values_list("county_code", flat=True)) == {county.code}
        # households lie inside the county's box
        (lat0, lat1), (lon0, lon1) = COUNTY_BOXES[prefix]
        for lat, lon in Household.objects.filter(within("village_id", prefix), lat__isnull=False)[:50] \
                .values_list("lat", "lon"):
            assert Decimal(str(lat0)) - Decimal("0.05") < lat < Decimal(str(lat1)) + Decimal("0.05")
            assert Decimal(str(lon0)) - Decimal("0.05") < lon < Decimal(str(lon1)) + Decimal("0.05")
    # nobody has a number twice, across the counties
    duplicated = (Member.objects.values("id_number_hash").annotate(n=Count("id")).filter(n__gt=1))
    assert not duplicated.exists()


def test_yanhe_is_the_same_as_in_the_county_demo(monkeypatch):
    """The prefecture adds counties around Yanhe; Yanhe itself is what the county demo makes."""

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            call_command("demo", scale="tiny", seed=1, stdout=None)
            alone = _yanhe_shape()
            raise Rollback
    except Rollback:
        pass
    monkeypatch.setitem(demo.SCALES, "tiny", dataclasses.replace(demo.SCALES["tiny"], prefecture=True))
    call_command("demo", scale="tiny", seed=1, stdout=None)
    assert Region.objects.filter(level="county").count() == 10
    assert _yanhe_shape() == alone


def test_county_users_see_their_county_and_the_city_supervisor_sees_all(small_prefecture):
    admin, city = User.objects.get(username="admin"), User.objects.get(username="city")
    assert city.scope_id == data.PREFECTURE[0] and city.role == "supervisor"
    yanhe_households = Household.objects.filter(within("village_id", YANHE)).count()
    assert registry.household_list(user=admin).count() == yanhe_households < Household.objects.count()
    assert registry.household_list(user=city).count() == Household.objects.count()
    summary = region_summary(user=city, region=Region.objects.get(code=data.PREFECTURE[0]), year=2026)
    assert [row[0].code for row in summary.rows] == [code for code, _name, _former in data.COUNTIES]
    assert summary.totals["registry.households"] == Household.objects.count()
    yanhe = region_summary(user=admin, region=Region.objects.get(code=data.COUNTY[0]), year=2026)
    assert yanhe.totals["registry.households"] == yanhe_households


def test_each_dashboard_names_the_level_it_compares(small_prefecture, client):
    client.force_login(User.objects.get(username="city"))
    for code, compared in ((data.PREFECTURE[0], "各县对比"), (data.COUNTY[0], "各乡镇对比")):
        page = client.get(f"/reports/dashboard/{code}/").content.decode()
        assert compared in page and "各村对比" not in page, code


def test_the_assessment_ranks_the_deployments_county_only(small_prefecture):
    results = CadreResult.objects.all()
    assert results.exists()
    assert {r.village_code[:6] for r in results} == {YANHE}
    assert {r.cohort_county for r in results} == {results.count()}


def test_the_county_filter_of_the_indicators_drops_none_of_the_countys_records(small_prefecture):
    """The indicators read only the assessed county's rows (so a quarter costs the county's rows in a
    prefecture's database); every score of its cadres is what the unfiltered rows give."""
    from minxin.assessment import engine
    from minxin.assessment.services import scheme_ensure
    from minxin.assessment.window import parse_quarter

    window = parse_quarter(CadreResult.objects.first().period.code)
    scheme = scheme_ensure(actor=None)
    cohort = engine.build_cohort(window)
    assert cohort.prefix == YANHE
    unfiltered = dataclasses.replace(cohort, prefix="")
    filtered_rows = engine.compute(window, scheme, cohort=cohort)
    assert [(r.cadre_id, r.total, [s.raw for s in r.scores]) for r in filtered_rows] == [
        (r.cadre_id, r.total, [s.raw for s in r.scores]) for r in engine.compute(window, scheme, cohort=unfiltered)]
    assert any(s.raw for r in filtered_rows for s in r.scores)
    # A diary entry of a Yanhe cadre filed in another county's village is not the quarter's evidence
    # here: the filtered indicator leaves it out, the unfiltered one would count it.
    from minxin.assessment import indicators
    from minxin.fieldwork.models import DiaryEntry

    cadre_id = next(iter(cohort.village_of))
    elsewhere = Region.objects.filter(level="village").exclude(within("code", YANHE)).first()
    DiaryEntry.objects.create(cadre_id=cadre_id, village=elsewhere, occurred_at=window.start_at, text="跨县记录")
    diary = indicators.get("learn.diary")
    assert diary.compute(window, unfiltered).get(cadre_id) == diary.compute(window, cohort).get(cadre_id, 0) + 1
