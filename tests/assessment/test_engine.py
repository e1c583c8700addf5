"""The quarterly engine on tiny data, against expectations computed by hand."""

import datetime
from decimal import Decimal as D

import pytest

from minxin.assessment import engine
from minxin.assessment import indicators as registry
from minxin.assessment.models import Scheme, SchemeWeight
from minxin.assessment.window import Cohort, VillageFacts, Window, parse_quarter
from minxin.core.errors import DomainError

Q3 = Window(2026, 3)


def test_quarter_window_is_local_and_inclusive():
    w = parse_quarter("2026q3")
    assert (w.start, w.end, w.code, w.days) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), "2026Q3", 92)
    assert w.start_at.isoformat() == "2026-07-01T00:00:00+08:00"
    assert w.end_at.isoformat() == "2026-10-01T00:00:00+08:00"
    assert Window(2026, 4).end == datetime.date(2026, 12, 31)
    for bad in ("2026Q5", "Q3", "2026-3", ""):
        with pytest.raises(DomainError):
            parse_quarter(bad)


def test_score_value_higher_and_lower():
    sv = engine.score_value
    assert sv(D(6), target=D(12), direction="higher", step=D(0)) == D(50)
    assert sv(D(20), target=D(12), direction="higher", step=D(0)) == D(100)  # capped
    assert sv(D(3), target=D(0), direction="higher", step=D(0)) == D(100)
    assert sv(None, target=D(12), direction="higher", step=D(0)) is None
    # Lower is better: 100 up to the target, then `step` points per unit above.
    assert sv(D(0), target=D(0), direction="lower", step=D(50)) == D(100)
    assert sv(D(1), target=D(0), direction="lower", step=D(50)) == D(50)
    assert sv(D(3), target=D(0), direction="lower", step=D(50)) == D(0)  # floor at 0
    assert sv(D(60), target=D(48), direction="lower", step=D("0.5")) == D(94)
    assert sv(D(96), target=D(48), direction="lower", step=D(0)) == D(50)  # no step: target / raw


def test_competition_ranks_share_ties():
    assert engine.competition_ranks({"a": D(90), "b": D(80), "c": D(80), "d": D(70)}) == {
        "a": 1, "b": 2, "c": 2, "d": 4}
    assert engine.competition_ranks({}) == {}


def _scheme(**rules):
    return Scheme(version=1, **rules)


def test_fairness_factor_terrain_and_size():
    scheme = _scheme(fairness_enabled=True)  # defaults: mountain 1.05, hill 1.02, +0.02 per 100 above 300, cap 1.10
    mountain_big = VillageFacts("v1", "t", 560, "mountain")
    assert engine.fairness_factor(scheme, mountain_big, size_sensitive=False) == D("1.050")
    # (560 − 300) // 100 = 2 → 1 + 0.04 = 1.04; × 1.05 = 1.092
    assert engine.fairness_factor(scheme, mountain_big, size_sensitive=True) == D("1.092")
    huge_flat = VillageFacts("v2", "t", 2000, "flat")
    assert engine.fairness_factor(scheme, huge_flat, size_sensitive=True) == D("1.100")  # capped
    assert engine.fairness_factor(_scheme(fairness_enabled=False), mountain_big, size_sensitive=True) == 1


@pytest.fixture
def fake_indicators(monkeypatch):
    """Three automatic indicators with fixed raw values, in place of the real registry."""
    values = {
        "t.visits": {1: D(6), 2: D(12), 3: D(3), 4: D(12)},  # higher, target 12
        "t.hours": {1: D(48), 2: D(60), 3: None, 4: D(60)},  # lower, target 48, step 0.5; 3 had no requests
        "t.coverage": {1: D(50), 2: D(80), 3: D(80), 4: D(80)},  # higher, target 80, size-sensitive
    }
    fake = {}
    for code, heart, direction, sensitive in [("t.visits", "pair", "higher", False), ("t.hours", "livelihood", "lower", False),
                                              ("t.coverage", "pair", "higher", True)]:
        fake[code] = registry.Indicator(
            code=code, heart=heart, label=code, unit="", kind=registry.AUTO, module="test", direction=direction,
            size_sensitive=sensitive, compute=lambda w, c, scheme=None, code=code: values[code],
            evidence=lambda *a: [])
    monkeypatch.setattr(registry, "INDICATORS", fake)
    return values


def _cohort():
    return Cohort(
        village_of={1: "520627106201", 2: "520627106201", 3: "520627106202", 4: "520627105201"},
        villages={"520627106201": VillageFacts("520627106201", "520627106000", 560, "mountain"),
                  "520627106202": VillageFacts("520627106202", "520627106000", 200, "flat"),
                  "520627105201": VillageFacts("520627105201", "520627105000", 300, "hill")},
    )


@pytest.mark.django_db
def test_compute_scores_weights_redistribution_and_ranks(fake_indicators):
    scheme = Scheme.objects.create(version=1)
    for code, weight, target, step in [("t.visits", 40, 12, 0), ("t.hours", 20, 48, "0.5"), ("t.coverage", 40, 80, 0)]:
        SchemeWeight.objects.create(scheme=scheme, indicator=code, weight=weight, target=target, step=D(step))
    rows = {r.cadre_id: r for r in engine.compute(Q3, scheme, cohort=_cohort())}
    # Cadre 1: visits 6/12 → 50 × 0.40 = 20; hours 48 ≤ 48 → 100 × 0.20 = 20; coverage 50/80 → 62.5 × 0.40 = 25.
    assert [s.score for s in rows[1].scores] == [D(50), D(100), D("62.50")]
    assert rows[1].total == D(65)
    # Cadre 2: 100 × .4 + (100 − 12 × 0.5 = 94) × .2 + 100 × .4 = 40 + 18.80 + 40 = 98.80
    assert rows[2].total == D("98.80")
    # Cadre 3: no requests → hours left out; weights 40 + 40 share 100: 25 × 0.5 + 100 × 0.5 = 62.50
    hours = rows[3].scores[1]
    assert hours.score is None and hours.points == 0 and hours.effective_weight == 0
    assert rows[3].scores[0].effective_weight == D(50)
    assert rows[3].total == D("62.50")
    # Cadre 4 has cadre 2's values in another township: same total, tie shares county rank 1.
    assert rows[4].total == D("98.80")
    assert (rows[2].rank_county, rows[4].rank_county, rows[1].rank_county, rows[3].rank_county) == (1, 1, 3, 4)
    # Township ranks: 土地坳 (1, 2, 3) → 2 first, 1 second, 3 third; 官舟 only 4.
    assert (rows[2].rank_township, rows[1].rank_township, rows[3].rank_township, rows[4].rank_township) == (1, 2, 3, 1)


@pytest.mark.django_db
def test_fairness_adjustment_changes_scores_as_documented(fake_indicators):
    scheme = Scheme.objects.create(version=1, fairness_enabled=True)
    for code, weight, target, step in [("t.visits", 40, 12, 0), ("t.hours", 20, 48, "0.5"), ("t.coverage", 40, 80, 0)]:
        SchemeWeight.objects.create(scheme=scheme, indicator=code, weight=weight, target=target, step=D(step))
    rows = {r.cadre_id: r for r in engine.compute(Q3, scheme, cohort=_cohort())}
    one = rows[1]
    # Mountain village with 560 households: visits 50 × 1.05 = 52.50; coverage 62.5 × 1.092 = 68.25;
    # hours 100 × 1.05 capped at 100. Total = 52.5 × .4 + 100 × .2 + 68.25 × .4 = 21 + 20 + 27.30 = 68.30
    assert [s.factor for s in one.scores] == [D("1.050"), D("1.050"), D("1.092")]
    assert [s.score for s in one.scores] == [D("52.50"), D(100), D("68.25")]
    assert one.total == D("68.30")
    # Cadre 3 in a small flat village: factor 1, unchanged.
    assert rows[3].total == D("62.50")
    # Cadre 4 (hill 1.02) and cadre 2 (mountain) both reach 100 on two indicators; hours 94 → 95.88 / 98.70
    assert rows[4].scores[1].score == D("95.88") and rows[2].scores[1].score == D("98.70")
    assert rows[2].rank_county == 1 and rows[4].rank_county == 2


@pytest.mark.django_db
def test_indicators_without_weight_are_not_computed(fake_indicators):
    scheme = Scheme.objects.create(version=1)
    SchemeWeight.objects.create(scheme=scheme, indicator="t.visits", weight=100, target=12)
    SchemeWeight.objects.create(scheme=scheme, indicator="t.hours", weight=0, target=48)
    SchemeWeight.objects.create(scheme=scheme, indicator="gone.module", weight=0, target=1)  # unregistered
    rows = engine.compute(Q3, scheme, cohort=_cohort())
    assert {len(r.scores) for r in rows} == {1}
    assert {r.cadre_id: r.total for r in rows} == {1: D(50), 2: D(100), 3: D(25), 4: D(100)}
