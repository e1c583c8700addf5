"""The quarterly engine: raw values → scores → weighted points → totals → ranks.

Pure computation (no writes): `compute(window, scheme)` returns one row per assessed cadre; the
service `period_assess` stores them. Each automatic indicator is computed for ALL cadres with its
own grouped query; manual indicators are the average of the quarter's supervision scores (one
grouped query for all of them).

Scoring (docs/assessment.md):
- higher is better: score = 100 × min(raw / target, 1) (a target of 0 gives 100);
- lower is better: 100 up to the target, then `step` points off per unit above it (or, with no
  step, 100 × target / raw);
- fairness (optional): an automatic indicator's score × the village's terrain factor, and × the
  size factor for size-sensitive indicators; capped at 100;
- an indicator with no value (None: nothing to measure, or no supervision score) is left out and
  its weight is shared over the others in proportion ("effective weight");
- points = score × effective weight / 100, rounded to 0.01; total = the sum of the rounded points
  (so the bulletin's columns add up); ranks are competition ranks (1, 2, 2, 4) by total.
"""

from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Avg, Q

from minxin.assessment import indicators as registry
from minxin.assessment.models import ManualScore, Scheme
from minxin.assessment.window import Cohort, VillageFacts, Window
from minxin.cadres.models import Assignment
from minxin.core.figures import within
from minxin.regions import codes
from minxin.regions.models import Region

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def score_value(raw: Decimal | None, *, target: Decimal, direction: str, step: Decimal) -> Decimal | None:
    if raw is None:
        return None
    raw = Decimal(raw)
    if direction == registry.LOWER:
        if raw <= target:
            return HUNDRED
        if step > 0:
            return max(Decimal(0), HUNDRED - (raw - target) * step)
        return HUNDRED * target / raw
    if target <= 0:
        return HUNDRED
    return HUNDRED * min(raw / target, Decimal(1))


def fairness_factor(scheme: Scheme, facts: VillageFacts | None, *, size_sensitive: bool) -> Decimal:
    if not scheme.fairness_enabled or facts is None:
        return Decimal(1)
    factor = scheme.terrain_factor(facts.terrain)
    if size_sensitive and facts.households > scheme.size_reference:
        hundreds = (facts.households - scheme.size_reference) // 100
        factor *= min(Decimal(1) + scheme.size_step * hundreds, scheme.size_cap)
    return factor.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def competition_ranks(totals: dict) -> dict:
    """{key: total} → {key: rank}, equal totals sharing a rank (1, 2, 2, 4)."""
    ordered = sorted(totals.items(), key=lambda kv: -kv[1])
    ranks, previous, rank = {}, None, 0
    for position, (key, total) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = position, total
        ranks[key] = rank
    return ranks


@dataclass
class ScoreRow:
    """One indicator's score for one cadre: exactly the fields of an `IndicatorScore` row, which
    is written from it and which the API shows (`SCORE_FIELDS`)."""

    indicator: str
    heart: str
    kind: str
    raw: Decimal | None
    target: Decimal
    factor: Decimal
    score: Decimal | None
    weight: Decimal
    effective_weight: Decimal = Decimal(0)
    points: Decimal = Decimal(0)


SCORE_FIELDS = [f.name for f in fields(ScoreRow)]


@dataclass
class CadreRow:
    cadre_id: int
    village_code: str
    township_code: str
    scores: list[ScoreRow] = field(default_factory=list)
    total: Decimal = Decimal(0)
    rank_county: int = 0
    rank_township: int = 0


def build_cohort(window: Window, county_code: str | None = None) -> Cohort:
    """Cadres of the assessed county (MINXIN_COUNTY_CODE unless named; a prefecture's database holds
    others) with an assignment there overlapping the window; each counted in the village of its
    latest such assignment."""
    county = codes.prefix_of(county_code or settings.MINXIN_COUNTY_CODE)
    rows = (Assignment.objects.filter(within("village_id", county), start_date__lte=window.end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=window.start))
            .order_by("start_date", "id").values_list("cadre_id", "village_id", "cadre__user_id"))
    cohort = Cohort(prefix=county)
    for cadre_id, village_code, user_id in rows:
        cohort.village_of[cadre_id] = village_code
        if user_id:
            cohort.user_of[cadre_id] = user_id
    facts = Region.objects.filter(code__in=set(cohort.village_of.values())).values_list(
        "code", "parent_id", "households", "terrain")
    cohort.villages = {code: VillageFacts(code, parent or "", households or 0, terrain or "")
                       for code, parent, households, terrain in facts}
    return cohort


def scheme_weights(scheme: Scheme) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """{indicator: (weight, target, step)} for the indicators with a weight, registered ones only."""
    return {w.indicator: (w.weight, w.target, w.step) for w in scheme.weights.all()
            if w.weight > 0 and registry.get(w.indicator) is not None}


def manual_values(window: Window, codes: list[str], prefix: str) -> dict[str, dict[int, Decimal]]:
    rows = (ManualScore.objects.filter(within("inspection__village_id", prefix), inspection__date__gte=window.start,
                                       inspection__date__lte=window.end, indicator__in=codes)
            .values("indicator", "cadre_id").annotate(avg=Avg("score")).order_by())
    values: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for row in rows:
        values[row["indicator"]][row["cadre_id"]] = q2(Decimal(str(row["avg"])))
    return values


def raw_values(window: Window, cohort: Cohort, scheme: Scheme, weights: dict) -> dict[str, dict]:
    """{indicator: {cadre_id: raw}} — one grouped query per automatic indicator."""
    manual_codes = [code for code in weights if not registry.get(code).is_auto]
    values = manual_values(window, manual_codes, cohort.prefix) if manual_codes else {}
    for code in weights:
        ind = registry.get(code)
        if ind.is_auto:
            values[code] = ind.compute(window, cohort, scheme=scheme)
    return values


def compute(window: Window, scheme: Scheme, *, cohort: Cohort | None = None) -> list[CadreRow]:
    """Every cadre's scores and ranks in the scheme's county (or the cohort given)."""
    cohort = cohort or build_cohort(window, scheme.county_code)
    weights = scheme_weights(scheme)
    values = raw_values(window, cohort, scheme, weights)
    rows = []
    for cadre_id, village_code in cohort.village_of.items():
        facts = cohort.villages.get(village_code)
        row = CadreRow(cadre_id, village_code, facts.township_code if facts else village_code[:9] + "000")
        for code, (weight, target, step) in weights.items():
            ind = registry.get(code)
            if ind.is_auto:
                raw = values[code].get(cadre_id, ind.missing)
                raw = None if raw is None else q2(Decimal(raw))
                factor = fairness_factor(scheme, facts, size_sensitive=ind.size_sensitive)
            else:
                raw, factor = values.get(code, {}).get(cadre_id), Decimal(1)
            base = score_value(raw, target=target, direction=ind.direction, step=step)
            score = None if base is None else q2(min(HUNDRED, base * factor))
            row.scores.append(ScoreRow(code, ind.heart, ind.kind, raw, target, factor, score, weight))
        _weigh(row)
        rows.append(row)
    _rank(rows)
    return rows


def _weigh(row: CadreRow) -> None:
    counted = sum((s.weight for s in row.scores if s.score is not None), Decimal(0))
    for s in row.scores:
        if s.score is None or counted == 0:
            s.effective_weight, s.points = Decimal(0), Decimal(0)
            continue
        s.effective_weight = (s.weight * HUNDRED / counted).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        s.points = q2(s.score * s.weight / counted)
    row.total = sum((s.points for s in row.scores), Decimal(0))


def ranks(entries: list[tuple]) -> tuple[dict, dict]:
    """[(key, township_code, total)] → ({key: county rank}, {key: township rank})."""
    county = competition_ranks({key: total for key, _township, total in entries})
    by_township: dict[str, dict] = defaultdict(dict)
    for key, township_code, total in entries:
        by_township[township_code][key] = total
    township = {}
    for totals in by_township.values():
        township.update(competition_ranks(totals))
    return county, township


def _rank(rows: list[CadreRow]) -> None:
    county, township = ranks([(r.cadre_id, r.township_code, r.total) for r in rows])
    for r in rows:
        r.rank_county, r.rank_township = county[r.cadre_id], township[r.cadre_id]


def rerank(results) -> None:
    """Recompute ranks of stored results in place (after an upheld appeal changed a total)."""
    county, township = ranks([(r.pk, r.township_code, r.total) for r in results])
    for r in results:
        r.rank_county, r.rank_township = county[r.pk], township[r.pk]
