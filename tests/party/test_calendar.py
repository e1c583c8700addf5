"""The organisational-life calendar around quarter ends (issue 17.2), and the date arithmetic the
rules use: month ends, working days."""

import datetime

import pytest

from minxin.party import services
from minxin.party.models import Event
from minxin.party.rules import MONTH, QUARTER, add_months, period_of, periods_in, workdays_between
from minxin.party.selectors import calendar

pytestmark = pytest.mark.django_db


def _row(rows, kind):
    return next(row for row in rows if row["kind"] == kind)


def _states(row):
    return [cell["state"] for cell in row["cells"]]


def test_a_meeting_on_the_last_day_of_a_quarter_counts_for_that_quarter(world):
    branch = world.party["tdw"]["branch"]
    Event.objects.filter(branch=branch).delete()
    for kind, day in (("member_meeting", datetime.date(2025, 3, 31)), ("member_meeting", datetime.date(2025, 7, 1)),
                      ("committee", datetime.date(2025, 6, 30)), ("committee", datetime.date(2025, 7, 1))):
        services.event_record(actor=None, branch=branch, kind=kind, held_on=day, topic="会议", attendees=[])
    rows = calendar(branch, 2025, datetime.date(2025, 7, 1))
    assert _states(_row(rows, "member_meeting")) == ["held", "missed", "held", "ahead"]
    committee = _states(_row(rows, "committee"))
    assert committee[:7] == ["missed"] * 5 + ["held", "held"] and committee[7:] == ["ahead"] * 5
    assert _row(rows, "member_meeting")["missed"] == 1 and _row(rows, "committee")["missed"] == 5
    assert _states(_row(rows, "life_meeting")) == ["due"]
    # On the quarter's last day the running quarter is due, not missed; the day after, missed.
    assert _states(_row(calendar(branch, 2025, datetime.date(2025, 6, 30)), "lecture"))[1] == "due"
    assert _states(_row(calendar(branch, 2025, datetime.date(2025, 7, 1)), "lecture"))[1] == "missed"


def test_periods_before_the_branch_was_founded_are_not_due(world):
    branch = world.party["tdw"]["branch"]
    branch.founded_on = datetime.date(2025, 5, 10)
    rows = calendar(branch, 2025, datetime.date(2025, 12, 31))
    assert _states(_row(rows, "member_meeting"))[0] == "none"
    assert _states(_row(rows, "committee"))[:5] == ["none"] * 4 + ["missed"]


def test_date_arithmetic():
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2025, 3, 15), -3) == datetime.date(2024, 12, 15)
    assert period_of(datetime.date(2025, 5, 20), QUARTER) == (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    assert period_of(datetime.date(2024, 2, 10), MONTH) == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    assert len(periods_in(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), MONTH)) == 12
    assert workdays_between(datetime.date(2025, 3, 10), datetime.date(2025, 3, 14)) == 5  # Monday–Friday
    assert workdays_between(datetime.date(2025, 3, 14), datetime.date(2025, 3, 20)) == 5  # Friday–Thursday
    assert workdays_between(datetime.date(2025, 3, 15), datetime.date(2025, 3, 16)) == 0  # a weekend
    assert workdays_between(datetime.date(2025, 3, 20), datetime.date(2025, 3, 10)) == 0
