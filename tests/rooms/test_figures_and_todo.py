"""The liaison rooms on the dashboard and in the inbox (issue 15.3): figures against hand counts of
the test world, the half-year evaluation in season, and dues late or near their date for whoever
pays them."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone

from minxin.core import todo
from minxin.core.figures import FIGURES, compute
from minxin.rooms import services
from minxin.rooms import todo as rooms_todo
from minxin.rooms.checklist import STANDARD_CODES
from minxin.rooms.models import Due

pytestmark = pytest.mark.django_db
KEYS = ["rooms.rooms", "rooms.opened", "rooms.standard", "rooms.graded_good", "rooms.due", "rooms.received",
        "rooms.arrears"]


def _figures(prefix="520627", group_len=9):
    return compute([FIGURES[key] for key in KEYS], prefix, timezone.localdate().year, group_len, trends=False)[0]


def test_the_figures_count_rooms_grades_and_money_per_township(world):
    room = world.rooms["tdw"]["room"]
    services.room_edit(actor=None, room=room, standards={code: True for code in STANDARD_CODES})
    services.room_open(actor=None, village=world.village("gz", 1))  # planned: not yet opened
    figures = _figures()
    tdw, gz = "520627106", "520627105"
    assert figures["rooms.rooms"] == {tdw: 1, gz: 2} and figures["rooms.opened"] == {tdw: 1, gz: 1}
    assert figures["rooms.standard"] == {tdw: 1, gz: 0} and figures["rooms.graded_good"] == {tdw: 1, gz: 1}
    assert figures["rooms.due"] == {tdw: 30000, gz: 30000}  # 10,000 working fund + 20,000 subsidy each
    assert figures["rooms.received"] == {tdw: 3000, gz: 3000} and figures["rooms.arrears"] == {tdw: 27000, gz: 27000}
    assert _figures(prefix="520627106", group_len=12)["rooms.due"] == {world.village("tdw").code: 30000}


@pytest.mark.parametrize(("day", "season"), [
    (datetime.date(2026, 5, 31), None), (datetime.date(2026, 6, 1), (2026, 1, datetime.date(2026, 7, 31))),
    (datetime.date(2026, 7, 31), (2026, 1, datetime.date(2026, 7, 31))), (datetime.date(2026, 8, 1), None),
    (datetime.date(2026, 12, 4), (2026, 2, datetime.date(2027, 1, 31))),
    (datetime.date(2027, 1, 31), (2026, 2, datetime.date(2027, 1, 31))), (datetime.date(2027, 2, 1), None),
])
def test_the_evaluation_is_in_season_in_the_half_years_last_month_and_the_month_after(day, season):
    assert rooms_todo.evaluation_season(day) == season


def _items(user, kind):
    return [item for item in todo.inbox(user) if item.kind == kind]


def test_the_inbox_lists_rooms_to_evaluate_and_drops_each_once_evaluated(world, monkeypatch):
    year = timezone.localdate().year
    monkeypatch.setattr(rooms_todo, "timezone", SimpleNamespace(localdate=lambda: datetime.date(year, 12, 20)))
    county, township = world.users["county_admin"], world.users["tdw_admin"]
    assert len(_items(county, "rooms.evaluation")) == 2
    [item] = _items(township, "rooms.evaluation")
    assert item.due == datetime.date(year + 1, 1, 31) and "下半年" in item.title
    services.evaluation_record(actor=township, room=world.rooms["tdw"]["room"], year=year, half=2,
                               evaluated_on=timezone.localdate(),
                               scores={"premises": 20, "rules": 15, "duty": 15, "disclosure": 15, "service": 20,
                                       "records": 15})
    assert _items(township, "rooms.evaluation") == [] and len(_items(county, "rooms.evaluation")) == 1
    assert _items(world.users["tdw_cadre"], "rooms.evaluation") == []
    monkeypatch.setattr(rooms_todo, "timezone", SimpleNamespace(localdate=lambda: datetime.date(year, 9, 1)))
    assert _items(county, "rooms.evaluation") == []


def test_dues_late_or_near_their_date_wait_for_their_payer(world):
    liaison, county = world.users["tdw_liaison"], world.users["county_admin"]
    today = timezone.localdate()
    Due.objects.update(due_on=today + datetime.timedelta(days=30))  # not yet near: nothing waits
    assert _items(liaison, "rooms.arrears") == [] and _items(county, "rooms.arrears") == []
    Due.objects.update(due_on=today - datetime.timedelta(days=1))
    unit_due = world.rooms["tdw"]["unit_due"]
    [item] = _items(liaison, "rooms.arrears")
    assert "派出单位" in item.title and "5,000.00" in item.title and item.overdue
    assert {i.title.split(" ")[0] for i in _items(county, "rooms.arrears")} == {"五七村干群连心室", "龙门村干群连心室"}
    assert all("派出单位" not in i.title for i in _items(county, "rooms.arrears"))
    services.receipt_record(actor=liaison, due=unit_due, amount="5000", received_on=timezone.localdate())
    assert _items(liaison, "rooms.arrears") == []
    assert _items(world.users["tdw_cadre"], "rooms.arrears") == []


def test_levy_rooms_levies_a_new_year_once(world):
    from django.core.management import call_command

    year = timezone.localdate().year + 1
    out = io.StringIO()
    call_command("levy-rooms", "--year", str(year), stdout=out)
    assert f"{year}: dues levied for 2 liaison rooms." in out.getvalue()
    assert Due.objects.filter(year=year).count() == 6  # city, county and unit for each of the two rooms
    call_command("levy-rooms", "--year", str(year), stdout=out)
    assert Due.objects.filter(year=year).count() == 6 and "for 0 liaison rooms" in out.getvalue()
