"""Date arithmetic in SQL (core.dbfunctions), as the Python rules compute it, on both databases."""

import datetime

import pytest
from django.db.models import Value

from minxin.core.dbfunctions import ShiftedDate
from minxin.party.rules import add_months
from minxin.regions.models import Region

pytestmark = pytest.mark.django_db

DAYS = [datetime.date(2026, 1, 31), datetime.date(2024, 1, 31), datetime.date(2026, 3, 31), datetime.date(2026, 12, 15),
        datetime.date(2025, 8, 29), datetime.date(2024, 2, 29)]


def _shifted(day, **by):
    return Region.objects.annotate(shifted=ShiftedDate(Value(day), **by)).values_list("shifted", flat=True).first()


def test_months_end_on_the_shorter_months_last_day_as_in_python(world):
    for day in DAYS:
        for months in (1, 3, 12, -1, -13):
            assert _shifted(day, months=months) == add_months(day, months), (day, months)


def test_days_and_null(world):
    for day in DAYS:
        for days in (30, 1, -45, 400):
            assert _shifted(day, days=days) == day + datetime.timedelta(days=days), (day, days)
    assert Region.objects.annotate(shifted=ShiftedDate(Value(None), months=3)).values_list("shifted", flat=True).first() is None


def test_it_shifts_by_days_or_by_months():
    for by in ({}, {"days": 1, "months": 1}):
        with pytest.raises(ValueError):
            ShiftedDate(Value(DAYS[0]), **by)
