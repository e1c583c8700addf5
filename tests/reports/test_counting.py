"""The dashboard counts again only the places a change touched, stores its numbers for every process,
and its numbers stay those of a full count."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from minxin.core import figures
from minxin.core.audit import audit_event, audit_record, changed_models
from minxin.core.models import AuditEvent
from minxin.regions.models import Region
from minxin.reports import counting
from minxin.reports.models import Tally, TallyState
from minxin.reports.selectors import region_summary
from tests.world import make_id_number

COUNTY = "520627000000"
DAILY = ("disputes.overdue", "disputes.petitions_overdue")


@pytest.fixture
def counts(monkeypatch):
    """What the dashboard counted, in order: the prefix of each count of every figure, or (prefix,
    keys) for a count of some figures only."""
    counted: list = []

    def spy(figure_list, prefix, year, group_len, **options):
        keys = tuple(sorted(item.key for item in figure_list))
        counted.append(prefix if len(keys) == len(figures.FIGURES) else (prefix, keys))
        return figures.compute(figure_list, prefix, year, group_len, **options)

    monkeypatch.setattr(counting, "compute", spy)
    return counted


def _summary(user, code=COUNTY):
    return region_summary(user=user, region=Region.objects.get(code=code), year=timezone.localdate().year)


def _forget():
    """As a database that has never counted: no stored numbers, no process's copy."""
    Tally.objects.all().delete()
    TallyState.objects.all().delete()
    cache.clear()


def _full(user, code=COUNTY):
    """What a count from scratch gives: totals, every row and every trend."""
    _forget()
    summary = _summary(user, code)
    return summary.totals, summary.rows, summary.trends


def _seen(summary):
    return summary.totals, summary.rows, summary.trends


def _family() -> tuple[str, ...]:
    """The figures a new household counts again (household.create: households, people, registrations)."""
    return tuple(sorted(figures.touched(figures.registered(), changed_models("household.create"))))


def _new_household(world, side, number, seq, index=0):
    from minxin.registry import services

    return services.household_create(actor=world.users["county_admin"], village=world.village(side, index),
                                     number=number, head={"name": "田新", "id_number": make_id_number("19700101", seq),
                                                          "ethnicity": "土家族"})


@pytest.mark.django_db
def test_a_change_in_one_village_counts_that_village_again_and_nothing_else(world, counts):
    admin, village = world.users["county_admin"], world.village("tdw")
    before = _summary(admin)
    assert counts == ["520627"]
    _new_household(world, "tdw", "N1", 71)
    after = _summary(admin)
    assert counts == ["520627", (village.code, _family())] and "registry.households" in _family()
    assert after.totals["registry.households"] == before.totals["registry.households"] + 1
    assert _seen(after) == _full(admin)


@pytest.mark.django_db
def test_the_township_dashboard_reads_the_countys_stored_numbers(world, counts):
    admin, village = world.users["county_admin"], world.village("tdw", 1)
    township = "520627106000"
    _summary(admin)
    first = _summary(admin, township)
    assert counts == ["520627"]  # the county's count serves its townships
    _new_household(world, "tdw", "N2", 73, index=1)
    after = _summary(admin, township)
    assert counts == ["520627", (village.code, _family())]
    assert after.totals["registry.households"] == first.totals["registry.households"] + 1
    assert _seen(after) == _full(admin, township)


@pytest.mark.django_db
def test_another_process_reads_the_stored_numbers_without_counting(world, counts):
    admin = world.users["county_admin"]
    first = _summary(admin)
    cache.clear()  # a new worker process: nothing of the first one's memory
    again = _summary(admin)
    assert counts == ["520627"]
    assert _seen(again) == _seen(first)
    assert Tally.objects.filter(code__startswith="520627").exists()


@pytest.mark.django_db
def test_changes_elsewhere_count_nothing_and_a_village_event_counts_that_village(world, counts):
    admin = world.users["county_admin"]
    first = _summary(admin)
    audit_record(actor=None, action="test.other_county", object_type="test", region_code="520628106201")
    again = _summary(admin)
    audit_record(actor=None, action="test.village", object_type="test", region_code="520627105201")
    audit_record(actor=None, action="test.township", object_type="test", region_code="520627106000")
    later = _summary(admin, "520627106000")
    assert counts == ["520627", "520627105201", "520627106"]
    assert _seen(again) == _seen(first)
    assert _seen(later) == _full(admin, "520627106000")


@pytest.mark.django_db
@pytest.mark.parametrize("region_code", ["", COUNTY, "520600000000"])
def test_an_event_at_the_county_above_it_or_without_a_region_counts_everything_again(world, counts, region_code):
    admin = world.users["county_admin"]
    _summary(admin)
    audit_record(actor=None, action="test.broad", object_type="test", region_code=region_code)
    _summary(admin)
    assert counts == ["520627", "520627"]


@pytest.mark.django_db
def test_changes_in_many_places_count_the_whole_county_again_for_their_figures(world, counts, monkeypatch):
    monkeypatch.setattr(counting, "MAX_PLACES", 1)
    admin = world.users["county_admin"]
    _summary(admin)
    _new_household(world, "tdw", "N3", 75)
    _new_household(world, "gz", "N4", 77)
    after = _summary(admin)
    assert counts == ["520627", ("520627", _family())]
    assert _seen(after) == _full(admin)


@pytest.mark.django_db
def test_a_synced_visit_counts_its_village_again_for_the_figures_that_read_visits_only(world, counts, client):
    """A visit writes visits and needs: its village's households, disputes, fund and the rest are not
    counted again; a township event beside it counts the township, the village's keys with it."""
    import json
    import uuid

    admin, village, household = world.users["county_admin"], world.village("tdw"), world.fieldwork["tdw"]["households"][2]
    before = _summary(admin)
    client.force_login(world.users["tdw_cadre"])
    visit = {"type": "visit", "uuid": str(uuid.uuid4()), "data": {
        "household_id": household.pk, "kind": "home", "notes": "走访",
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1)).isoformat()}}
    response = client.post("/api/v1/sync", data=json.dumps({"records": [visit]}), content_type="application/json")
    assert response.json()["results"][0]["status"] == "created"
    after = _summary(admin)
    read_visits = tuple(sorted(key for key, item in figures.FIGURES.items() if item.reads & {"fieldwork.visit",
                                                                                              "fieldwork.need"}))
    assert counts == ["520627", (village.code, read_visits)]
    assert "registry.households" not in read_visits and "fieldwork.visits" in read_visits
    assert after.totals["fieldwork.visits"] == before.totals["fieldwork.visits"] + 1
    assert _seen(after) == _full(admin)
    counts.clear()
    client.post("/api/v1/sync", data=json.dumps({"records": [{**visit, "uuid": str(uuid.uuid4())}]}),
                content_type="application/json")
    audit_record(actor=None, action="test.township", object_type="test", region_code=village.parent_id)
    _summary(admin)
    assert counts == [village.code[:9]]  # every figure, in the township that holds the village


@pytest.mark.django_db
def test_an_event_above_the_counties_counts_each_of_them_again_for_its_figures_only(small_prefecture, counts):
    """The nightly refresh of households writes one region-less event: every county's households are
    counted again, in one pass over the prefecture, and nothing else."""
    from minxin.accounts.models import User
    from minxin.registry.models import Household, Member
    from minxin.registry.services import households_refresh_all

    city = User.objects.get(username="city")
    before = _summary(city, "520600000000")
    counts.clear()
    Member.objects.filter(household__in=Household.objects.order_by("pk")[:40]).update(migrant=True)
    households_refresh_all()
    after = _summary(city, "520600000000")
    registry = tuple(sorted(key for key, item in figures.FIGURES.items() if "registry.household" in item.reads))
    assert counts == [("5206", registry)]
    assert after.totals != before.totals or after.rows != before.rows
    assert _seen(after) == _full(city, "520600000000")


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
    assert counts == ["520627", village.code]
    assert after.totals["registry.dibao"] > before.totals["registry.dibao"]
    assert _seen(after) == _full(admin)


@pytest.mark.django_db
def test_a_number_that_falls_to_zero_in_a_village_is_dropped_not_kept(world, counts):
    from minxin.registry.models import Household

    admin, village = world.users["county_admin"], world.village("gz")
    Household.objects.filter(village=village).update(has_dibao=True)
    before = _summary(admin)
    Household.objects.filter(village=village).update(has_dibao=False)
    audit_record(actor=None, action="test.dibao", object_type="test", region_code=village.code)
    after = _summary(admin)
    assert counts == ["520627", village.code]
    assert after.totals["registry.dibao"] < before.totals["registry.dibao"]
    assert "registry.dibao" not in Tally.objects.get(code=village.code).numbers
    assert _seen(after) == _full(admin)


@pytest.mark.django_db
def test_a_new_day_counts_only_the_figures_that_read_the_date(world, counts, monkeypatch):
    from minxin.disputes.models import Dispute, Petition

    admin, village = world.users["county_admin"], world.village("tdw")
    Dispute.objects.update(due_on=timezone.localdate())  # due today: overdue tomorrow
    Petition.objects.update(due_on=timezone.localdate())
    today = _summary(admin)
    _new_household(world, "tdw", "N6", 81)
    later = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr("minxin.reports.counting.timezone.now", lambda: later)
    after = _summary(admin)
    assert counts == ["520627", (village.code, _family()), ("520627", DAILY)]
    assert after.totals["disputes.overdue"] > today.totals["disputes.overdue"]
    assert after.totals["disputes.petitions_overdue"] > today.totals["disputes.petitions_overdue"]
    assert _seen(after) == _full(admin)


def test_a_new_day_in_the_prefecture_counts_what_reads_the_date_in_one_pass(small_prefecture, counts, monkeypatch):
    from minxin.accounts.models import User
    from minxin.disputes.models import Dispute

    city = User.objects.get(username="city")
    Dispute.objects.update(due_on=timezone.localdate())  # due today: overdue tomorrow
    today = _summary(city, "520600000000")
    counts.clear()
    later = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr("minxin.reports.counting.timezone.now", lambda: later)
    after = _summary(city, "520600000000")
    assert counts == [("5206", DAILY)]
    assert after.totals["disputes.overdue"] > today.totals["disputes.overdue"]
    assert _seen(after) == _full(city, "520600000000")


@pytest.mark.django_db
def test_everything_is_counted_again_when_the_nightly_count_has_not_run(world, counts, monkeypatch):
    admin = world.users["county_admin"]
    _summary(admin)
    later = timezone.now() + counting.FULL_EVERY
    monkeypatch.setattr("minxin.reports.counting.timezone.now", lambda: later)
    _summary(admin)
    assert counts == ["520627", "520627"]


@pytest.mark.django_db
def test_the_nightly_count_leaves_nothing_for_a_view_to_count(world, counts):
    admin = world.users["county_admin"]
    _new_household(world, "tdw", "N8", 85)
    call_command("count-figures", stdout=None)
    counted_by_the_command = list(counts)
    summary = _summary(admin)
    assert counted_by_the_command == [""]  # one pass over every county (and the province's and city's own records)
    assert set(TallyState.objects.values_list("unit", flat=True)) == {"520000", "520600", "520627"}
    assert counts == counted_by_the_command  # the view counted nothing
    assert _seen(summary) == _full(admin)


@pytest.mark.django_db
def test_a_count_another_process_stored_first_is_kept_and_the_late_one_is_shown_not_stored(world, counts, monkeypatch):
    """Two processes count the same change: the one that stores second finds the revision moved,
    stores nothing, still shows right numbers, and the next view counts the change again."""
    admin, village = world.users["county_admin"], world.village("tdw")
    _summary(admin)
    _new_household(world, "tdw", "N9", 87)
    real = counting.compute

    def meanwhile(figure_list, prefix, year, group_len, **options):
        TallyState.objects.filter(unit="520627").update(revision=10_000)  # another process stored first
        monkeypatch.setattr(counting, "compute", real)
        return real(figure_list, prefix, year, group_len, **options)

    monkeypatch.setattr(counting, "compute", meanwhile)
    shown = _summary(admin)
    assert TallyState.objects.get(unit="520627").revision == 10_000  # this process stored nothing
    again = _summary(admin)
    # the change is counted again, by the next view
    assert counts == ["520627", (village.code, _family()), (village.code, _family())]
    assert _seen(shown) == _seen(again) == _full(admin)


def test_the_prefecture_adds_up_its_counties_stored_apart(small_prefecture, counts):
    from minxin.accounts.models import User
    from minxin.core.figures import within
    from minxin.registry.models import Household

    city = User.objects.get(username="city")
    prefecture = _summary(city, "520600000000")
    assert counts == []  # `minxin demo` stored every county's numbers
    assert len(prefecture.rows) == 10
    for county, numbers in prefecture.rows:
        own = _summary(city, county.code)
        assert numbers == own.totals, county.code
        assert numbers["registry.households"] == Household.objects.filter(within("village_id", county.prefix)).count()
    assert set(TallyState.objects.values_list("unit", flat=True)) >= {county.code[:6] for county, _n in prefecture.rows}
    audit_record(actor=None, action="test.county", object_type="test", region_code="520628000000")
    _summary(city, "520600000000")
    audit_record(actor=None, action="test.city", object_type="test", region_code="520600000000")
    again = _summary(city, "520600000000")
    assert counts == ["520628", "5206"]  # one county alone; then every county, in one pass over the city
    assert _seen(again) == _seen(prefecture) == _full(city, "520600000000")


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["1999", "99999", "-1"])
def test_the_nightly_count_refuses_a_year_out_of_range(year):
    with pytest.raises(CommandError, match="--year"):
        call_command("count-figures", "--year", year, stdout=None)
    assert not TallyState.objects.exists()


@pytest.mark.django_db
def test_a_busy_database_shows_the_numbers_and_stores_them_on_a_later_view(world, counts, monkeypatch):
    """On SQLite a long import holds the write lock: the view's write fails after the busy timeout."""
    from django.db import OperationalError

    admin, village = world.users["county_admin"], world.village("tdw")
    before = _summary(admin)
    revision = TallyState.objects.get(unit="520627").revision
    _new_household(world, "tdw", "N10", 89)

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(counting.Tally.objects, "bulk_create", locked)
    shown = _summary(admin)
    assert shown.totals["registry.households"] == before.totals["registry.households"] + 1
    assert TallyState.objects.get(unit="520627").revision == revision  # nothing stored
    monkeypatch.undo()
    monkeypatch.setattr(counting, "compute", lambda *args, **options: counts.append(args[1]) or figures.compute(*args, **options))
    later = _summary(admin)
    assert counts[-1] == village.code and TallyState.objects.get(unit="520627").revision == revision + 1
    assert _seen(later) == _seen(shown) == _full(admin)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["search.identifier", "reveal.id_number", "household.export.unmasked",
                                    "token.issue", "user.create", "card.print", "party.event", "visit.photo"])
def test_an_action_that_writes_nothing_a_figure_reads_counts_nothing_even_at_the_county(world, counts, action):
    admin, village = world.users["county_admin"], world.village("gz")
    first = _summary(admin)
    audit_record(actor=None, action=action, object_type="test", region_code=COUNTY)
    again = _summary(admin)
    audit_record(actor=None, action=action, object_type="test", region_code="520600000000")
    audit_record(actor=None, action="test.change", object_type="test", region_code=village.code)
    later = _summary(admin)
    assert counts == ["520627", village.code]  # those nothing; the change beside them its village
    assert _seen(again) == _seen(first) == _seen(later)


@pytest.mark.django_db
def test_a_search_by_id_number_counts_nothing(world, counts, client):
    admin = world.users["county_admin"]
    _summary(admin)
    client.force_login(admin)
    assert client.get("/registry/households/", {"q": "1234"}).status_code == 200
    assert AuditEvent.objects.filter(action="search.identifier", region_code=COUNTY).exists()
    _summary(admin)
    assert counts == ["520627"]


@pytest.mark.django_db
def test_the_nightly_count_on_a_database_without_regions_counts_nothing():
    Region.objects.all().delete()
    out = io.StringIO()
    call_command("count-figures", stdout=out)
    assert "0 counties" in out.getvalue()
    assert not TallyState.objects.exists()


@pytest.mark.django_db
def test_the_nightly_count_names_the_counties_it_counted(world):
    """One county's installation: one county, not its province and prefecture as well."""
    out = io.StringIO()
    call_command("count-figures", stdout=out)
    assert "Counted the figures of 1 counties" in out.getvalue()
    assert TallyState.objects.filter(unit="520627").exists()


@pytest.mark.django_db(transaction=True)
def test_a_count_in_full_spread_over_connections_of_its_own_gives_the_same_numbers(small_prefecture, monkeypatch):
    """On PostgreSQL, outside a transaction, a count in full runs its queries on two more connections
    at once (their rows are committed, so those connections see them); it gives what one connection
    gives, and leaves no connection open. SQLite, or a transaction, keeps to its own connection."""
    import threading
    import time

    from django.db import connection, transaction

    from minxin.accounts.models import User

    threads: list[str] = []
    real = figures._run
    monkeypatch.setattr(figures, "_run", lambda call: threads.append(threading.current_thread().name)
                        or real(call))
    postgres = connection.vendor == "postgresql"
    assert figures.spread_ok() is postgres
    with transaction.atomic():
        assert not figures.spread_ok()

    def sessions(expected=None):
        """The server's sessions on this database; with `expected`, waited for up to five seconds (a
        closed connection's server process ends a moment after the client has closed it)."""
        deadline = time.monotonic() + 5
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
                count = cursor.fetchone()[0]
            if expected is None or count == expected or time.monotonic() > deadline:
                return count
            time.sleep(0.05)

    before = sessions() if postgres else 0
    year = timezone.localdate().year
    one = figures.compute(figures.registered(), "5206", year, 12)
    assert threads == []
    spread = figures.compute(figures.registered(), "5206", year, 12, spread=True)
    assert spread == one and one[0]["registry.households"] and one[1]["fieldwork.visits"]
    assert len(threads) > 2 and {name.split("_")[0] for name in threads} == {"figures"}
    if postgres:
        assert sessions(expected=before) == before  # the threads' connections are closed

    threads.clear()
    city = User.objects.get(username="city")
    audit_record(actor=None, action="test.city", object_type="test", region_code="520600000000")
    counted = _summary(city, "520600000000")
    assert bool(threads) is postgres  # the view's count in full of the ten counties, spread where it may
    _forget()
    with transaction.atomic():
        alone = _summary(city, "520600000000")
    assert _seen(counted) == _seen(alone)
