"""Automatic indicators over field-work records: raw values against hand counts, and the evidence
records behind each score (scoped, with links)."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from minxin.assessment import engine, selectors, services
from minxin.assessment.models import CadreResult, IndicatorScore, Period
from minxin.assessment.window import Window
from minxin.cadres.models import Assignment
from minxin.fieldwork.models import DiaryEntry, Meeting, Need, VillagerRequest, Visit
from minxin.registry.models import Helper, Household

pytestmark = pytest.mark.django_db


def _at(day: datetime.date, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def records(world):
    # Last year's first quarter, ended: the shared world's own field records (dated the last few days)
    # stay outside it, and A and B were posted for the whole of it.
    window = Window(timezone.localdate().year - 1, 1)
    village = world.village("tdw")
    clerk = world.users["tdw_clerk"]
    a, b = world.cadres["tdw"][0], world.cadres["tdw"][1]
    Assignment.objects.filter(cadre__in=[a, b]).update(start_date=window.start - datetime.timedelta(days=1))
    homes = [Household.objects.create(village=village, number=f"H{n}", head_name=f"户主{n}") for n in range(4)]
    Helper.objects.create(household=homes[0], name=a.name, cadre=a)
    Helper.objects.create(household=homes[1], name=a.name, cadre=a)
    d1, d2 = window.start, window.start + datetime.timedelta(days=1)
    visits = [(a, homes[0], d1, "pairing", "送技术资料"), (a, homes[1], d1, "care", ""),
              (a, homes[0], d2, "home", ""), (b, homes[2], d2, "mediation", "")]
    for cadre, home, day, kind, help_given in visits:
        Visit.objects.create(cadre=cadre, household=home, village=village, occurred_at=_at(day), kind=kind,
                             help_given=help_given, recorded_by=clerk)
    Meeting.objects.create(village=village, cadre=a, category="meeting", kind="courtyard", occurred_at=_at(d2, 15),
                           place="院坝", topic="政策宣讲", attendance=30, recorded_by=clerk)
    Meeting.objects.create(village=village, cadre=a, category="training", kind="ecommerce", occurred_at=_at(d2, 19),
                           place="村委会", topic="农村淘宝", attendance=12, recorded_by=clerk)
    third = window.start + datetime.timedelta(days=2)
    DiaryEntry.objects.create(village=village, cadre=a, occurred_at=_at(third), text="走访体会", recorded_by=clerk)
    for hours in (24, 200):  # answered in a day, and after more than the overdue limit (7 days)
        submitted = _at(d1, 8)
        VillagerRequest.objects.create(village=village, source="visit", text="修路", submitted_at=submitted,
                                       answered_at=submitted + datetime.timedelta(hours=hours), status="answered")
    Need.objects.create(village=village, category="road", text="修路", raised_at=_at(d1), recorded_by=clerk,
                        status="closed", closed_at=_at(d2))
    Need.objects.create(village=village, category="water", text="饮水", raised_at=_at(d1), recorded_by=clerk)
    return window, a, b


def test_raw_values_match_hand_counts(world, records):
    window, a, b = records
    scheme = services.scheme_ensure(actor=None)
    rows = {r.cadre_id: {s.indicator: s.raw for s in r.scores} for r in engine.compute(window, scheme)}
    ra, rb = rows[a.pk], rows[b.pk]
    # Days present: A on d1, d2 (visits, meeting, training) and d3 (diary) = 3 days over 3 months = 1.00
    assert ra["settle.presence"] == D("1.00") and rb["settle.presence"] == D("0.33")
    assert world.cadres["tdw"][2].pk not in rows or "settle.presence" not in rows[world.cadres["tdw"][2].pk] \
        or rows[world.cadres["tdw"][2].pk]["settle.presence"] is None  # C was not posted in that quarter
    assert ra["learn.diary"] == 1 and rb["learn.diary"] == 0
    # Team coverage: 3 of the village's households visited (the shared world holds some more).
    households = Household.objects.filter(village=world.village("tdw")).count()
    share = (D(300) / households).quantize(D("0.01"))
    assert ra["pair.coverage"] == rb["pair.coverage"] == share
    # A visited both households it was paired with here (the shared world may pair it with more).
    pairs_a = Helper.objects.filter(cadre=a).values("household").distinct().count()
    assert ra["pair.paired"] == (D(200) / pairs_a).quantize(D("0.01"))
    if not Helper.objects.filter(cadre=b).exists():
        assert rb["pair.paired"] is None  # nobody to visit: not applicable, its weight is shared out
    assert ra["pair.help"] == 1 and ra["care.visits"] == 1 and rb["mediate.visits"] == 1
    assert ra["publicize.meetings"] == 1 and ra["publicize.lectures"] == 0 and ra["industry.trainings"] == 1
    # Reach counts meetings and lectures, not trainings: 30 attendances.
    assert ra["publicize.reach"] == (D(3000) / households).quantize(D("0.01"))
    # Requests: 1 of 2 answered within 7 days → 50 %; mean hours (24 + 200) / 2 = 112.
    assert ra["livelihood.answered"] == D("50.00") and ra["livelihood.response"] == D("112.00")
    # Needs in progress during the quarter: the two raised in it, one closed → 50 % (the world's own
    # needs were raised after it).
    assert ra["livelihood.needs"] == D("50.00")


def _score(window, cadre, indicator):
    """An unsaved score of the window for the cadre: all the evidence selector needs."""
    period = Period(year=window.year, quarter=window.quarter)
    result = CadreResult(period=period, cadre=cadre, village_code=cadre.region_code)
    return IndicatorScore(result=result, indicator=indicator)


def test_evidence_lists_the_records_with_links_and_respects_scope(world, records):
    window, a, _b = records
    items, count = selectors.score_evidence(user=world.users["tdw_admin"], score=_score(window, a, "care.visits"))
    assert count == 1 and items[0].url == reverse("fieldwork:visit-detail", args=[
        Visit.objects.get(cadre=a, kind="care").pk])
    # Days present: 3 visits, 2 meetings and 1 diary entry of A in the quarter, in date order.
    items, count = selectors.score_evidence(user=world.users["tdw_admin"], score=_score(window, a, "settle.presence"))
    assert count == 6 and [i.when for i in items] == sorted(i.when for i in items)
    # Someone whose scope does not hold the records sees none of them.
    items, count = selectors.score_evidence(user=world.users["gz_admin"], score=_score(window, a, "settle.presence"))
    assert count == 0 and items == []


def test_days_present_are_averaged_over_the_months_posted(world):
    """C posted for the second half of a 90-day quarter (45 days = 1.5 months) and in the village on one
    day of it: 1 / 1.5 = 0.67 a month, not 1 / 3. A quarter not yet begun has no posted day: 0."""
    window = Window(timezone.localdate().year - 1, 1)
    assert window.days == 90
    c = world.cadres["tdw"][2]
    Assignment.objects.filter(cadre=c).update(start_date=window.start + datetime.timedelta(days=45))
    DiaryEntry.objects.create(village=world.village("tdw"), cadre=c, text="到岗第一天", recorded_by=world.users["tdw_clerk"],
                              occurred_at=_at(window.start + datetime.timedelta(days=50)))
    rows = {r.cadre_id: {s.indicator: s.raw for s in r.scores}
            for r in engine.compute(window, services.scheme_ensure(actor=None))}
    assert rows[c.pk]["settle.presence"] == D("0.67")
    future = Window(timezone.localdate().year + 1, 1)
    DiaryEntry.objects.create(village=world.village("tdw"), cadre=c, text="未来", recorded_by=world.users["tdw_clerk"],
                              occurred_at=_at(future.start))
    rows = {r.cadre_id: {s.indicator: s.raw for s in r.scores}
            for r in engine.compute(future, services.scheme_ensure(actor=None))}
    assert rows[c.pk]["settle.presence"] == 0
