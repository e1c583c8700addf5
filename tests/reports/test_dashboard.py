"""Dashboard figures against counts made by hand on the test world; scope; county = sum of townships."""

import pytest
from django.utils import timezone

from minxin.core.figures import FIGURES
from minxin.registry.models import Household


def _summary(client, code, year=None):
    url = f"/api/v1/regions/{code}/summary" + (f"?year={year}" if year else "")
    response = client.get(url)
    assert response.status_code == 200, response.content
    data = response.json()
    return data, {f["key"]: f["value"] for f in data["figures"]}


@pytest.mark.django_db
def test_every_registered_figure_is_reported(world, client):
    client.force_login(world.users["county_admin"])
    data, values = _summary(client, "520627")
    assert set(values) == set(FIGURES)
    assert data["region"]["code"] == "520627000000" and len(data["breakdown"]) == 23


@pytest.mark.django_db
def test_figures_match_hand_counts(world, client):
    from django.utils import timezone

    from minxin.fieldwork.models import Meeting, VillagerRequest, Visit

    year = timezone.localdate().year
    client.force_login(world.users["county_admin"])
    _, values = _summary(client, "520627")
    assert values["cadres.resident"] == 6
    assert values["cadres.first_secretaries"] == 2
    assert values["registry.households"] == Household.objects.count()
    assert values["registry.people"] == sum(h.member_count for h in Household.objects.all())
    local_year = [v for v in Visit.objects.all() if timezone.localtime(v.occurred_at).year == year]
    assert local_year, "the test world should hold visits this year"
    assert values["fieldwork.visits"] == len(local_year)
    assert values["fieldwork.households_visited"] == len({v.household_id for v in local_year})
    lectures = [m for m in Meeting.objects.all()
                if m.category == "lecture" and timezone.localtime(m.occurred_at).year == year]
    assert values["fieldwork.lectures"] == len(lectures)
    requests = [r for r in VillagerRequest.objects.all() if timezone.localtime(r.submitted_at).year == year]
    assert values["fieldwork.requests"] == len(requests)


@pytest.mark.django_db
def test_county_equals_the_sum_of_its_townships(world, client):
    client.force_login(world.users["county_admin"])
    county, county_values = _summary(client, "520627")
    townships = [_summary(client, row["code"])[1] for row in county["breakdown"] if row["level"] == "township"]
    for key, total in county_values.items():
        assert total == sum(t[key] for t in townships), key
    breakdown_sum = {key: sum(row["figures"][key] for row in county["breakdown"]) for key in county_values}
    assert breakdown_sum == county_values


@pytest.mark.django_db
def test_township_admin_counts_only_its_township_and_never_the_other(world, client):
    client.force_login(world.users["tdw_admin"])
    _, mine = _summary(client, "520627106")
    assert mine["cadres.resident"] == 3
    assert mine["registry.households"] == Household.objects.filter(village__code__startswith="520627106").count()
    assert client.get("/api/v1/regions/520627/summary").status_code == 404
    assert client.get("/api/v1/regions/520627105/summary").status_code == 404


@pytest.mark.django_db
def test_a_year_without_data_is_zeros_not_an_error(world, client):
    client.force_login(world.users["county_admin"])
    _, values = _summary(client, "520627", year=2021)
    yearly = [key for key in values if key.startswith(("fieldwork.", "cadres.recalled", "cadres.leave"))]
    assert yearly and all(values[key] == 0 for key in yearly)


@pytest.mark.django_db
def test_cached_figures_change_as_soon_as_the_records_do(world, client):

    from minxin.cadres import services

    client.force_login(world.users["county_admin"])
    _, before = _summary(client, "520627")
    _, again = _summary(client, "520627")  # served from the cache
    assert again == before
    services.assignment_end(actor=world.users["county_admin"], assignment=world.assignments["gz"][2],
                            end_date=timezone.localdate(), reason="违反驻村纪律", recall=True)
    _, after = _summary(client, "520627")
    assert after["cadres.recalled"] == before["cadres.recalled"] + 1


@pytest.mark.django_db
def test_a_county_may_let_the_figures_be_counted_at_most_every_so_many_seconds(world, client, settings, monkeypatch):
    import datetime

    from minxin.cadres import services

    settings.MINXIN_DASHBOARD_STALE_SECONDS = 60
    client.force_login(world.users["county_admin"])
    _, before = _summary(client, "520627")
    services.assignment_end(actor=world.users["county_admin"], assignment=world.assignments["gz"][2],
                            end_date=timezone.localdate(), reason="违反驻村纪律", recall=True)
    _, within = _summary(client, "520627")
    assert within == before  # counted less than 60 s ago: not again
    page = client.get("/reports/dashboard/520627000000/").content.decode()
    assert 'data-testid="counted-at"' in page and "最迟 60 秒重新统计" in page
    later = timezone.now() + datetime.timedelta(seconds=61)
    monkeypatch.setattr("minxin.reports.counting.timezone.now", lambda: later)
    _, after = _summary(client, "520627")
    assert after["cadres.recalled"] == before["cadres.recalled"] + 1


@pytest.mark.django_db
def test_the_dashboard_and_the_village_file_count_registered_households_alike(world, client):
    """A cancelled registration (注销) no longer counts, on either page (they once said 55 and 58)."""
    from minxin.registry.models import Registration

    village = world.village("tdw")
    households = list(Household.objects.filter(village=village))
    assert len(households) >= 2
    for household in households[:2]:
        Registration.objects.update_or_create(household=household, defaults={"status": "exited", "year": 2016})
    Registration.objects.filter(household=households[1]).update(status="cancelled")
    counted = Household.objects.filter(pk=households[0].pk).values_list("member_count", flat=True)[0]
    others = Registration.objects.filter(household__village=village).exclude(
        household__in=households[:2]).exclude(status="cancelled")
    expected_households = 1 + others.count()
    expected_people = counted + sum(r.household.member_count for r in others)
    client.force_login(world.users["county_admin"])
    _data, values = _summary(client, village.code)
    file = client.get(f"/registry/villages/{village.code}/").context["registered"]
    assert values["registry.registered_households"] == file["households"] == expected_households
    assert values["registry.registered_people"] == (file["people"] or 0) == expected_people


@pytest.mark.django_db
def test_this_years_trend_stops_at_the_month_in_progress(world, client):
    client.force_login(world.users["county_admin"])
    today = timezone.localdate()
    chart = client.get(f"/reports/dashboard/520627000000/?year={today.year}").context["chart"]
    assert chart["month_in_progress"] == today.month
    for values in chart["trends"].values():
        assert len(values) == 12 and all(v is None for v in values[today.month:])
        assert all(v is not None for v in values[:today.month])
    chart = client.get(f"/reports/dashboard/520627000000/?year={today.year - 1}").context["chart"]
    assert chart["month_in_progress"] is None
    assert all(v is not None for values in chart["trends"].values() for v in values)


@pytest.mark.django_db
@pytest.mark.parametrize("user, level", [("county_admin", "county"), ("county_admin", "township"),
                                         ("tdw_admin", "township"), ("tdw_cadre", "village")])
def test_a_tile_links_to_exactly_the_records_it_counts(world, client, user, level):
    """Each linked tile opens a list whose total is the tile's number, at every level, for the
    user who sees the tile; a tile without such a list has no link (people, 未脱贫, answered)."""
    import datetime

    from minxin.fieldwork.models import Visit

    year = timezone.localdate().year
    # A visit last year must not count, neither in the tile nor in its list.
    this_year = world.fieldwork["tdw"]["visit"]
    Visit.objects.create(village_id=this_year.village_id, household_id=this_year.household_id, kind="home",
                         cadre_id=this_year.cadre_id, occurred_at=this_year.occurred_at - datetime.timedelta(days=400))
    code = {"county": "520627000000", "township": world.village("tdw").parent_id, "village": world.village("tdw").code}[level]
    client.force_login(world.users[user])
    page = client.get(f"/reports/dashboard/{code}/", {"year": year})
    assert page.status_code == 200
    linked = {f.key: (value, url) for f, value, url in page.context["tiles"] if url}
    assert {"registry.households", "registry.registered_households", "fieldwork.visits",
            "fieldwork.requests"} <= set(linked)
    assert not {"registry.people", "registry.not_exited", "fieldwork.requests_answered"} & set(linked)
    assert linked["fieldwork.visits"][0] > 0 and linked["registry.households"][0] > 0
    for key, (value, url) in linked.items():
        listed = client.get(url)
        assert listed.status_code == 200, (key, url)
        assert listed.context["page"].paginator.count == value, (key, url, value)
        assert f'href="{url.replace("&", "&amp;")}"' in page.content.decode()


@pytest.mark.django_db
def test_the_expert_sees_the_figures_but_no_link_to_records_it_may_not_read(world, client):
    client.force_login(world.users["expert"])
    page = client.get("/reports/dashboard/520627000000/")
    assert page.status_code == 200 and page.context["tiles"]
    linked = [f.key for f, _value, url in page.context["tiles"] if url]
    assert not [key for key in linked if key.startswith(("registry.", "fieldwork.", "assessment."))]
    body = page.content.decode()
    assert "/registry/households/" not in body and "/fieldwork/" not in body and "/assessment/" not in body
    assert "assessment.promotions" in {f.key for f, _value, _url in page.context["tiles"]}  # the number stays
