"""The organize heart from the party records (issue 17.7): organisational life held, activists and
targets developed, reserve cadres and the warning standing — each the village team's figure, against
hand-built records; the scheme's new version keeps the heart's total; the dashboard's figures."""

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
from minxin.core.figures import FIGURES, compute
from minxin.party import services
from minxin.party.models import Step

pytestmark = pytest.mark.django_db


def _raw(window):
    scheme = assessment.scheme_ensure(actor=None)
    return {r.cadre_id: {s.indicator: s.raw for s in r.scores} for r in engine.compute(window, scheme)}


def _window(day):
    return Window(day.year, (day.month - 1) // 3 + 1)


def test_organisational_life_held_in_a_quarter_of_last_year(world):
    year = timezone.localdate().year - 1
    a, b, gz = world.cadres["tdw"][0], world.cadres["tdw"][1], world.cadres["gz"][0]
    Assignment.objects.filter(cadre__in=[a, b, gz]).update(start_date=datetime.date(year - 1, 12, 1))
    branch = world.party["tdw"]["branch"]
    for kind, month, day in (("member_meeting", 7, 5), ("lecture", 8, 1), ("committee", 7, 2), ("committee", 8, 2),
                             ("committee", 9, 30), ("committee", 9, 1), ("group", 7, 20), ("life_meeting", 8, 8)):
        services.event_record(actor=None, branch=branch, kind=kind, held_on=datetime.date(year, month, day), topic="会",
                              attendees=[])
    raw = _raw(Window(year, 3))
    # Due: member meeting 1, lecture 1, committee 3, group 3, theme day 3 = 11; held 1 + 1 + 3 + 1 + 0 = 6
    # (two committees in September count once; the yearly life meeting is not a quarter's duty).
    assert raw[a.pk]["organize.life"] == raw[b.pk]["organize.life"] == D("54.5")
    assert raw[gz.pk]["organize.life"] == D(0)  # a branch that held nothing
    assert raw[a.pk]["organize.standing"] is None  # no warning computed by then: not applicable


def test_development_reserves_and_standing_this_year(world):
    a, gz = world.cadres["tdw"][0], world.cadres["gz"][0]
    Assignment.objects.filter(cadre__in=[a, gz]).update(start_date=datetime.date(2020, 1, 1))
    activist_on = world.party["tdw"]["case"].steps.get(kind=Step.Kind.ACTIVIST).on
    assert _raw(_window(activist_on))[a.pk]["organize.developed"] == D(1)
    today = timezone.localdate()
    reserve = world.party["gz"]["reserve"]
    services.reserve_save(actor=None, village=world.village("gz"), person=reserve.person, pool="reserve",
                          since=reserve.since, outcome="dropped", outcome_on=today, reserve=reserve)
    raw = _raw(_window(today))
    assert raw[a.pk]["organize.reserve"] == D(1) and raw[gz.pk]["organize.reserve"] == D(0)  # gz's dropped out
    assert raw[a.pk]["organize.standing"] == D(60)  # a level-2 warning (the world's flag)


def test_the_new_scheme_version_moves_the_hand_scored_weights():
    migration = importlib.import_module("minxin.assessment.migrations.0008_organize_from_party")
    old = {"organize.branch": D("5"), "organize.pipeline": D("4.99"), "care.visits": D(5)}
    moved = {code: row["weight"] for code, row in migration.moved(
        {code: {"weight": w, "target": D(100), "step": D(0)} for code, w in old.items()}).items()}
    assert moved == {"organize.life": D("3.00"), "organize.standing": D("2.00"), "organize.developed": D("2.99"),
                     "organize.reserve": D("2.00"), "care.visits": D(5)}
    assert sum(moved.values()) == sum(old.values())
    assert sum(i.default_weight for i in registry.registered()) == 100
    assert registry.get("organize.branch") is None and registry.get("organize.life").heart == "organize"


def test_the_dashboard_figures(world):
    year = timezone.localdate().year
    keys = ["party.members", "party.activists", "party.reserves", "party.weak", "party.sites"]
    numbers = compute([FIGURES[key] for key in keys], "520627", year, 9, trends=False)[0]
    assert numbers["party.members"] == {"520627106": 3, "520627105": 3}
    assert numbers["party.reserves"] == {"520627106": 1, "520627105": 1}
    assert numbers["party.activists"] == {"520627106": 1, "520627105": 1}  # the world's case per side
    assert numbers["party.weak"] == {}  # level 2 is below the dashboard's "weak" (3)
    assert numbers["party.sites"] == {}  # proposed, not named
