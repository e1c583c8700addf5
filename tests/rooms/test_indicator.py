"""The livelihood heart from the liaison rooms (issue 15.3): the room's evaluation score for the
quarter's half year (or the half year before, until it is evaluated), the team's common figure,
against hand-built evaluations; the scheme's new version keeps the heart's total."""

import datetime
import importlib
from decimal import Decimal as D

import pytest
from django.utils import timezone

from minxin.assessment import engine
from minxin.assessment import indicators as registry
from minxin.assessment import services as assessment
from minxin.assessment.window import Window
from minxin.cadres.models import Assignment
from minxin.rooms import services
from minxin.rooms.models import Evaluation

pytestmark = pytest.mark.django_db
SCORES = {"premises": 18, "rules": 14, "duty": 13, "disclosure": 12, "service": 18, "records": 12}  # 87


def _raw(window):
    scheme = assessment.scheme_ensure(actor=None)
    return {r.cadre_id: {s.indicator: s.raw for s in r.scores} for r in engine.compute(window, scheme)}


def test_the_rooms_score_for_each_quarter_of_last_year(world):
    year = timezone.localdate().year - 1
    a, b, gz = world.cadres["tdw"][0], world.cadres["tdw"][1], world.cadres["gz"][0]
    Assignment.objects.filter(cadre__in=[a, b, gz]).update(start_date=datetime.date(year - 3, 12, 1))
    Evaluation.objects.all().delete()
    room = world.rooms["tdw"]["room"]
    services.evaluation_record(actor=None, room=room, year=year - 1, half=2, evaluated_on=datetime.date(year, 1, 10),
                               scores={**SCORES, "premises": 8})  # 77
    services.evaluation_record(actor=None, room=room, year=year, half=2, evaluated_on=datetime.date(year, 12, 28),
                               scores=SCORES)  # 87
    q1, q2, q3 = (_raw(Window(year, quarter)) for quarter in (1, 2, 3))
    assert q1[a.pk]["livelihood.room"] == q1[b.pk]["livelihood.room"] == D(77)  # the half year before
    assert q2[a.pk]["livelihood.room"] == D(77)
    assert q3[a.pk]["livelihood.room"] == D(87)  # its own half year, once evaluated
    assert q3[gz.pk]["livelihood.room"] is None  # the gz room was not evaluated that year: not applicable
    assert _raw(Window(year - 2, 4))[a.pk]["livelihood.room"] is None


def test_the_new_scheme_version_gives_the_room_a_fifth_of_the_heart():
    migration = importlib.import_module("minxin.assessment.migrations.0006_livelihood_rooms")
    old = {"livelihood.answered": D(3), "livelihood.response": D(2), "livelihood.needs": D(2),
           "livelihood.gaps": D(3), "care.visits": D(5)}
    moved = {code: row["weight"] for code, row in migration.moved(
        {code: {"weight": w, "target": D(100), "step": D(0)} for code, w in old.items()}).items()}
    assert moved == {"livelihood.answered": D("2.40"), "livelihood.response": D("1.60"),
                     "livelihood.needs": D("1.60"), "livelihood.gaps": D("2.40"), "livelihood.room": D("2.00"),
                     "care.visits": D(5)}
    odd = migration.moved({code: {"weight": D(w), "target": D(1), "step": D(0)}
                           for code, w in (("livelihood.answered", "3.33"), ("livelihood.needs", "3.34"))})
    assert sum(row["weight"] for row in odd.values()) == D("6.67")  # rounding never changes the heart's total
    assert sum(i.default_weight for i in registry.registered()) == 100
    assert registry.get("livelihood.room").heart == "livelihood"
