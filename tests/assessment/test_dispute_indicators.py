"""The mediate heart from the disputes module (issue 16.5): screenings on time, disputes reported
early, resolved in time and in the village, petitions decided and answered in time — raw values
against hand counts for last year's Q2, and the scheme's new version that moved the hand score."""

import datetime
import importlib
from decimal import Decimal as D

import pytest
from django.utils import timezone

from minxin.assessment import engine, services
from minxin.assessment import indicators as registry
from minxin.assessment.window import Window
from minxin.cadres.models import Assignment
from minxin.disputes.models import Dispute, Petition, Screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(world):
    """Last year's Q2; the tdw team (A, B) posted for all of it to its village."""
    window = Window(timezone.localdate().year - 1, 2)
    a, b = world.cadres["tdw"][0], world.cadres["tdw"][1]
    Assignment.objects.filter(cadre__in=[a, b]).update(start_date=window.start - datetime.timedelta(days=1))
    return window, a, b, Assignment.objects.get(cadre=a, status="active").village


def _raw(window):
    scheme = services.scheme_ensure(actor=None)
    return {r.cadre_id: {s.indicator: s.raw for s in r.scores} for r in engine.compute(window, scheme)}


def _case(village, arose, reported, *, concluded=None, result="", level="village"):
    return Dispute.objects.create(village=village, title="纠纷", summary="x", intake="active", category="other",
                                  risk="blue", arose_on=arose, reported_on=reported, concluded_on=concluded,
                                  result=result, level=level, state="resolved" if concluded else "reported")


def test_the_mediate_heart_against_hand_counts(world, quarter):
    window, a, b, village = quarter
    year = window.year

    def day(month, d):
        return datetime.date(year, month, d)

    # Six half-month cycles; screened in Apr 1–15 (twice), May 16–31 and Jun 16–30: 3 of 6.
    for screened_on in (day(4, 3), day(4, 5), day(5, 20), day(6, 30)):
        Screening.objects.create(village=village, screened_on=screened_on)
    Screening.objects.create(village=world.village("gz"), screened_on=day(4, 2))  # another team's
    _case(village, day(4, 1), day(4, 3), concluded=day(4, 20), result="success")  # d1: early, in time, in village
    _case(village, day(4, 1), day(4, 10), concluded=day(5, 15), result="success", level="township")  # d2: late ×2
    _case(village, day(5, 1), day(5, 4))  # d3: early (3 days), due Jun 3, still open
    _case(village, day(3, 5), day(3, 5), concluded=day(3, 20), result="failed")  # d4: due Apr 4, failed
    _case(village, day(6, 9), day(6, 10))  # d5: early; due in July
    _case(village, day(6, 1), day(6, 1), concluded=day(6, 5), result="failed")  # d6: concluded, not resolved
    petition = {"region": village, "petitioner": "甲", "channel": "visit", "nature": "demand", "title": "t",
                "content": "c"}
    Petition.objects.create(**petition, received_on=day(4, 1), decided_on=day(4, 10), replied_on=day(6, 1),
                            handling_due=day(6, 9), state="replied")  # decided and answered in time
    Petition.objects.create(**petition, received_on=day(4, 1), decided_on=day(4, 20), state="accepted",
                            handling_due=day(6, 19))  # decided after 19 days
    Petition.objects.create(**petition, received_on=day(3, 1), decided_on=day(3, 10), replied_on=day(4, 20),
                            handling_due=day(5, 9), state="replied")  # only its answer falls in Q2
    Petition.objects.create(**{**petition, "region": world.village("gz")}, received_on=day(4, 1),
                            decided_on=day(4, 30), state="accepted")
    raw = _raw(window)
    expected = {"mediate.screened": D("50.00"), "mediate.early": D("80.00"), "mediate.in_time": D("25.00"),
                "mediate.in_village": D("33.33"), "mediate.petitions": D("75.00")}
    for cadre in (a, b):  # team figures
        assert {code: raw[cadre.pk][code] for code in expected} == expected
    evidence = registry.get("mediate.in_time").evidence(a.pk, village.code, window)
    assert evidence.count() == 4


def test_the_new_scheme_version_moves_the_hand_score_to_the_fen():
    migration = importlib.import_module("minxin.assessment.migrations.0005_mediate_from_records")

    def weights(old):
        return {code: row["weight"] for code, row in migration.moved(
            {"mediate.disputes": {"weight": old, "target": D(100), "step": D(0)},
             "mediate.visits": {"weight": D(4), "target": D(3), "step": D(0)}}).items()}

    assert weights(D(6)) == {"mediate.visits": D(4), "mediate.screened": D("1.50"), "mediate.early": D("1.00"),
                             "mediate.in_time": D("1.50"), "mediate.in_village": D("1.00"),
                             "mediate.petitions": D("1.00")}
    seven = weights(D(7))  # 7/6 = 1.17 three times and 7/4 = 1.75 twice make 7.01: the cent off screenings
    assert seven["mediate.screened"] == D("1.74") and sum(seven.values()) == D(11)
    assert registry.get("mediate.disputes") is None
    assert sum(i.default_weight for i in registry.registered()) == 100
