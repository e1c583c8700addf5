"""Field work's dashboard figures: the trends counted in the same scan as the numbers (IN_SOURCE) put
each record in its local month, and add up to the year's number."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest

from minxin.core.figures import FIGURES, IN_SOURCE, compute
from minxin.fieldwork.models import Meeting, Visit
from tests.fieldwork.world import make_households

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
YEAR = 2025


def _at(*parts):
    return datetime.datetime(*parts, tzinfo=LOCAL)


def test_a_trend_counted_with_its_number_puts_each_record_in_its_local_month(world):
    village, user, cadre = world.village("tdw"), world.users["tdw_cadre"], world.cadres["tdw"][0]
    households = make_households(world, "tdw", 3)
    # Each moment is 23:59 or 00:01 local time: in UTC, January 31st 23:59 is still January 31st,
    # February 1st 00:01 is January 31st — a month told in UTC would move it.
    moments = [_at(YEAR - 1, 12, 31, 23, 59), _at(YEAR, 1, 1, 0, 1), _at(YEAR, 1, 31, 23, 59),
               _at(YEAR, 2, 1, 0, 1), _at(YEAR, 2, 1, 0, 1), _at(YEAR, 12, 31, 23, 59), _at(YEAR + 1, 1, 1, 0, 1)]
    for index, moment in enumerate(moments):
        Visit.objects.create(village=village, recorded_by=user, cadre=cadre, household=households[index % 3],
                             occurred_at=moment, kind="home", uuid=uuid.uuid4())
    for moment, category in [(_at(YEAR, 3, 1, 0, 1), "meeting"), (_at(YEAR, 2, 28, 23, 59), "lecture"),
                             (_at(YEAR, 3, 31, 23, 59), "lecture"), (_at(YEAR, 3, 15, 12), "training")]:
        Meeting.objects.create(village=village, recorded_by=user, cadre=cadre, category=category, kind="villagers",
                               occurred_at=moment, place="院坝", topic="议事", attendance=10)
    keys = ["fieldwork.visits", "fieldwork.households_visited", "fieldwork.meetings", "fieldwork.lectures"]
    figures = [FIGURES[key] for key in keys]
    assert {item.key: item.trend for item in figures if item.trend} == {
        "fieldwork.visits": IN_SOURCE, "fieldwork.meetings": IN_SOURCE, "fieldwork.lectures": IN_SOURCE}

    for group_len, group in [(12, village.code), (6, village.code[:6])]:
        numbers, trends = compute(figures, village.code[:6], YEAR, group_len)
        assert trends["fieldwork.visits"] == {group: [2, 2] + [0] * 9 + [1]}
        assert trends["fieldwork.meetings"] == {group: [0, 0, 1] + [0] * 9}
        assert trends["fieldwork.lectures"] == {group: [0, 1, 1] + [0] * 9}
        assert numbers["fieldwork.visits"] == {group: 5} == {group: sum(trends["fieldwork.visits"][group])}
        assert numbers["fieldwork.households_visited"] == {group: 3}
        assert numbers["fieldwork.meetings"] == {group: 1} and numbers["fieldwork.lectures"] == {group: 2}

    numbers, trends = compute(figures, village.code[:6], YEAR, 12, trends=False)
    assert trends == {} and numbers["fieldwork.visits"] == {village.code: 5}
    assert compute(figures, "520628", YEAR, 12) == ({key: {} for key in keys}, {
        "fieldwork.visits": {}, "fieldwork.meetings": {}, "fieldwork.lectures": {}})  # another county: none
