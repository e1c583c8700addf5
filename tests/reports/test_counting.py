"""The dashboard counts again only the groups a change touched, and its numbers stay those of a full count."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from minxin.core import figures
from minxin.core.audit import audit_event, audit_record
from minxin.core.models import AuditEvent
from minxin.regions.models import Region
from minxin.reports import counting
from minxin.reports.selectors import region_summary
from tests.world import make_id_number

COUNTY = "520627000000"


@pytest.fixture
def counts(monkeypatch):
    """The prefixes the dashboard counted, in order (one per compute_all call)."""
    prefixes: list[str] = []

    def spy(figure_list, prefix, year, group_len):
        prefixes.append(prefix)
        return figures.compute_all(figure_list, prefix, year, group_len)

    monkeypatch.setattr(counting, "compute_all", spy)
    return prefixes


def _summary(user, code=COUNTY):
    return region_summary(user=user, region=Region.objects.get(code=code), year=timezone.localdate().year)


def _full(user, code=COUNTY):
    """What a count from scratch gives: totals, every row and every trend."""
    cache.clear()
    summary = _summary(user, code)
    return summary.totals, summary.rows, summary.trends


def _seen(summary):
    return summary.totals, summary.rows, summary.trends


def _new_household(world, side, number, seq, index=0):
    from minxin.registry import services

    return services.household_create(actor=world.users["county_admin"], village=world.village(side, index),
                                     number=number, head={"name": "田新", "id_number": make_id_number("19700101", seq),
                                                          "ethnicity": "土家族"})


@pytest.mark.django_db
def test_a_change_in_one_village_counts_its_township_again_and_nothing_else(world, counts):
    admin = world.users["county_admin"]
    before = _summary(admin)
    assert counts == ["520627"]
    _new_household(world, "tdw", "N1", 71)
    after = _summary(admin)
    assert counts == ["520627", "520627106"]
    assert after.totals["registry.households"] == before.totals["registry.households"] + 1
    assert _seen(after) == _full(admin)


@pytest.mark.django_db
def test_the_township_dashboard_counts_the_changed_village_again(world, counts):
    admin, village = world.users["county_admin"], world.village("tdw", 1)
    township = "520627106000"
    _summary(admin, township)
    _new_household(world, "tdw", "N2", 73, index=1)
    after = _summary(admin, township)
    assert counts == ["520627106", village.code]
    assert _seen(after) == _full(admin, township)


@pytest.mark.django_db
def test_unchanged_records_and_changes_elsewhere_count_nothing(world, counts):
    admin = world.users["county_admin"]
    first = _summary(admin)
    again = _summary(admin)
    audit_record(actor=None, action="test.other_county", object_type="test", region_code="520628106201")
    audit_record(actor=None, action="test.other_township", object_type="test", region_code="520627105201")
    township = _summary(admin, "520627106000")
    later = _summary(admin, "520627106000")
    assert counts == ["520627", "520627106"]  # the county once; the township's own first count
    assert _seen(again) == _seen(first) and _seen(later) == _seen(township)


@pytest.mark.django_db
@pytest.mark.parametrize("region_code", ["", COUNTY, "520600000000"])
def test_an_event_above_the_groups_or_without_a_region_counts_everything_again(world, counts, region_code):
    admin = world.users["county_admin"]
    _summary(admin)
    audit_record(actor=None, action="test.broad", object_type="test", region_code=region_code)
    _summary(admin)
    assert counts == ["520627", "520627"]


@pytest.mark.django_db
def test_changes_in_many_townships_count_everything_again(world, counts, monkeypatch):
    monkeypatch.setattr(counting, "MAX_GROUPS", 1)
    admin = world.users["county_admin"]
    _summary(admin)
    _new_household(world, "tdw", "N3", 75)
    _new_household(world, "gz", "N4", 77)
    after = _summary(admin)
    assert counts == ["520627", "520627"]
    assert _seen(after) == _full(admin)


@pytest.mark.django_db
def test_an_event_that_appears_after_a_newer_one_is_still_counted(world, counts):
    """On PostgreSQL an id is taken before commit: a transaction may show its event after a later one's.
    Here a later transaction's event (id newest + 50) is seen first; then an earlier one's change and
    its event (id newest + 10) appear."""
    from minxin.registry.models import Household

    admin, village = world.users["county_admin"], world.village("gz")
    newest = AuditEvent.objects.order_by("-id").first().pk

    def event(pk, region_code):
        late = audit_event(actor=None, action="test.late", object_type="test", region_code=region_code)
        late.id = pk
        AuditEvent.objects.bulk_create([late])

    event(newest + 50, "520628106201")
    before = _summary(admin)
    Household.objects.filter(village=village).update(has_dibao=True)
    event(newest + 10, village.code)
    after = _summary(admin)
    assert counts == ["520627", "520627105"]
    assert after.totals["registry.dibao"] > before.totals["registry.dibao"]
    assert _seen(after) == _full(admin)


@pytest.mark.django_db
def test_everything_is_counted_again_on_a_new_day(world, counts, monkeypatch):
    admin = world.users["county_admin"]
    _summary(admin)
    _new_household(world, "tdw", "N6", 81)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr("minxin.reports.counting.timezone.now", lambda: tomorrow)
    _summary(admin)
    assert counts == ["520627", "520627"]


@pytest.mark.django_db
def test_changes_through_several_services_keep_every_number_and_trend_equal_to_a_full_count(world):
    from minxin.cadres import services as cadres

    admin = world.users["county_admin"]
    _summary(admin)
    cadres.assignment_end(actor=admin, assignment=world.assignments["gz"][2], end_date=timezone.localdate(),
                          reason="违反驻村纪律", recall=True)
    recalled = _summary(admin)
    _new_household(world, "tdw", "N7", 83, index=1)
    assert _seen(_summary(admin)) == _full(admin)
    assert recalled.trends["cadres.recalled"][timezone.localdate().month - 1] >= 1
