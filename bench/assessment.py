"""Quarterly assessment benchmark (issue #5), on the county-scale demo (~1,500 cadres, ~50,000
visits a quarter): `minxin assess` for every cadre — target < 10 s.

Figures (medians of BENCH_RUNS runs, default 5):
- compute: the engine alone (cohort, one grouped query per automatic indicator, manual averages,
  scoring, weights, ranks) — no writes;
- assess: the service `period_assess` — compute plus storing ~1,500 results and ~35,000 scores;
- floor: the same aggregates in hand-written SQL (one query per indicator, rows fetched, nothing
  else) on the same data. Ratios: compute / floor and assess / floor.

Usage: DATABASE_URL=… python -m bench assessment (loads `minxin demo --scale county` into an empty
database first; re-runs reuse it). BENCH_QUARTER picks the quarter (default: the last complete one).
"""

import os
import re

from bench.common import ensure_county, median_seconds, record, run_sql

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def _ensure_supervision(window) -> None:
    """Manual scores for every cadre of the quarter (the county demo loads them; an older database
    may not have them)."""
    from minxin.assessment.models import ManualScore

    if ManualScore.objects.filter(inspection__date__gte=window.start, inspection__date__lte=window.end).exists():
        return
    import random

    from minxin.demo.assessment import add_quarter_supervision

    add_quarter_supervision(window, random.Random(5))


def floor_queries(window):
    """The engine's aggregates in hand-written SQL, one query per indicator."""
    from django.db import connection

    from minxin.assessment.models import Finding, Inspection, ManualScore, Pledge
    from minxin.cadres.models import Assignment, Cadre, LeaveRequest, StudyAttendance, StudySession
    from minxin.fieldwork.models import CheckIn, DiaryEntry, FamilyCall, Meeting, Need, VillagerRequest, Visit
    from minxin.regions.models import Region
    from minxin.registry.models import (
        ChecklistChange,
        Helper,
        Household,
        Income,
        PlanItem,
        Registration,
        VillagePlan,
    )

    t = {m.__name__: m._meta.db_table for m in (Assignment, Cadre, LeaveRequest, Visit, Meeting, FamilyCall,
                                                 DiaryEntry, CheckIn, Need, VillagerRequest, Household, Helper,
                                                 Region, ManualScore, Inspection, Finding, Pledge, ChecklistChange,
                                                 Income, Registration, StudySession, StudyAttendance, VillagePlan,
                                                 PlanItem)}
    if connection.vendor == "postgresql":
        day = "(occurred_at AT TIME ZONE 'Asia/Shanghai')::date"
    else:
        day = "date(occurred_at, '+8 hours')"
    a, b = window.start_at, window.end_at
    d0, d1 = window.start, window.end
    per_cadre = "SELECT cadre_id, count(*) FROM {table} WHERE occurred_at >= %s AND occurred_at < %s {extra} GROUP BY cadre_id"
    presence = " UNION ".join(
        f"SELECT cadre_id, {day} FROM {t[m]} WHERE cadre_id IS NOT NULL AND occurred_at >= %s AND occurred_at < %s"
        for m in ("Visit", "Meeting", "FamilyCall", "DiaryEntry", "CheckIn"))
    return [
        (f"SELECT a.cadre_id, a.village_id, c.user_id FROM {t['Assignment']} a JOIN {t['Cadre']} c ON c.id = a.cadre_id "
         "WHERE a.start_date <= %s AND (a.end_date IS NULL OR a.end_date >= %s) ORDER BY a.start_date, a.id", [d1, d0]),
        (f"SELECT code, parent_id, households, terrain FROM {t['Region']} WHERE level = 'village'", []),
        (presence, [a, b] * 5),
        (f"SELECT cadre_id, start_date, end_date FROM {t['LeaveRequest']} WHERE status = 'approved' "
         "AND start_date <= %s AND end_date >= %s", [d1, d0]),
        (per_cadre.format(table=t["DiaryEntry"], extra=""), [a, b]),
        (f"SELECT village_id, count(DISTINCT household_id) FROM {t['Visit']} WHERE occurred_at >= %s "
         "AND occurred_at < %s GROUP BY village_id", [a, b]),
        (f"SELECT village_id, count(*) FROM {t['Household']} GROUP BY village_id", []),
        (f"SELECT cadre_id, count(DISTINCT household_id) FROM {t['Helper']} WHERE cadre_id IS NOT NULL "
         "GROUP BY cadre_id", []),
        (f"SELECT v.cadre_id, count(DISTINCT v.household_id) FROM {t['Visit']} v JOIN {t['Helper']} h "
         "ON h.household_id = v.household_id AND h.cadre_id = v.cadre_id WHERE v.occurred_at >= %s "
         "AND v.occurred_at < %s GROUP BY v.cadre_id", [a, b]),
        (per_cadre.format(table=t["Visit"], extra="AND help_given <> ''"), [a, b]),
        (per_cadre.format(table=t["Visit"], extra="AND kind = 'care'"), [a, b]),
        (per_cadre.format(table=t["FamilyCall"], extra="AND cadre_id IS NOT NULL"), [a, b]),
        (per_cadre.format(table=t["Meeting"], extra="AND category = 'meeting' AND cadre_id IS NOT NULL"), [a, b]),
        (per_cadre.format(table=t["Meeting"], extra="AND category = 'lecture' AND cadre_id IS NOT NULL"), [a, b]),
        (f"SELECT cadre_id, sum(attendance) FROM {t['Meeting']} WHERE occurred_at >= %s AND occurred_at < %s "
         "AND category <> 'training' AND cadre_id IS NOT NULL GROUP BY cadre_id", [a, b]),
        (per_cadre.format(table=t["Visit"], extra="AND kind = 'mediation'"), [a, b]),
        (f"SELECT village_id, submitted_at, answered_at FROM {t['VillagerRequest']} WHERE submitted_at >= %s "
         "AND submitted_at < %s", [a, b]),
        (f"SELECT village_id, submitted_at, answered_at FROM {t['VillagerRequest']} WHERE submitted_at >= %s "
         "AND submitted_at < %s AND answered_at IS NOT NULL", [a, b]),
        (f"SELECT village_id, count(*), count(CASE WHEN closed_at < %s THEN 1 END) FROM {t['Need']} "
         "WHERE raised_at < %s AND (closed_at IS NULL OR closed_at >= %s) GROUP BY village_id", [b, b, a]),
        (per_cadre.format(table=t["Meeting"], extra="AND category = 'training' AND cadre_id IS NOT NULL"), [a, b]),
        (f"SELECT cadre_id, submitted_at FROM {t['Pledge']} WHERE year = %s AND submitted_at < %s",
         [window.year, b]),
        (f"SELECT f.cadre_id, count(*) FROM {t['Finding']} f JOIN {t['Inspection']} i ON i.id = f.inspection_id "
         "WHERE f.unexcused_absence AND i.date >= %s AND i.date <= %s GROUP BY f.cadre_id", [d0, d1]),
        (f"SELECT m.indicator, m.cadre_id, avg(m.score) FROM {t['ManualScore']} m JOIN {t['Inspection']} i "
         "ON i.id = m.inspection_id WHERE i.date >= %s AND i.date <= %s GROUP BY m.indicator, m.cadre_id", [d0, d1]),
        *_record_queries(t, window),
    ]


def _record_queries(t, window):
    """The indicators over records (issue 19.3): gaps closed and still open, paired households'
    incomes and exits, study hours, plan items."""
    a, b, d0, d1, year = window.start_at, window.end_at, window.start, window.end, window.year
    change, household = t["ChecklistChange"], t["Household"]
    return [
        (f"SELECT h.village_id, count(*) FROM {change} c JOIN {household} h ON h.id = c.household_id "
         "WHERE c.changed_at >= %s AND c.changed_at < %s AND c.before = 'gap' AND c.after IN ('met', 'na') "
         "GROUP BY h.village_id", [a, b]),
        (f"SELECT h.village_id, count(*) FROM {change} c JOIN {household} h ON h.id = c.household_id "
         f"WHERE c.after = 'gap' AND c.changed_at < %s AND NOT EXISTS (SELECT 1 FROM {change} l "
         "WHERE l.household_id = c.household_id AND l.item = c.item AND l.changed_at > c.changed_at "
         "AND l.changed_at < %s) GROUP BY h.village_id", [b, b]),
        (f"SELECT h.cadre_id, i.household_id, i.year, i.persons, i.wage, i.business, i.transfer, i.assets, i.costs "
         f"FROM {t['Helper']} h JOIN {t['Income']} i ON i.household_id = h.household_id "
         "WHERE h.cadre_id IS NOT NULL AND i.year <= %s ORDER BY i.household_id, i.year DESC", [year]),
        (f"SELECT h.cadre_id, count(DISTINCT r.id), count(DISTINCT CASE WHEN r.status = 'exited' AND "
         f"(r.exit_year IS NULL OR r.exit_year <= %s) THEN r.id END) FROM {t['Helper']} h "
         f"JOIN {t['Registration']} r ON r.household_id = h.household_id WHERE h.cadre_id IS NOT NULL "
         "AND r.status IN ('not_exited', 'exited', 'returned') GROUP BY h.cadre_id", [year]),
        (f"SELECT a.cadre_id, sum(s.hours) FROM {t['StudyAttendance']} a JOIN {t['StudySession']} s "
         "ON s.id = a.session_id WHERE s.held_on >= %s AND s.held_on <= %s GROUP BY a.cadre_id", [d0, d1]),
        (f"SELECT village_id FROM {t['VillagePlan']} WHERE start_year <= %s AND end_year >= %s", [year, year]),
        (f"SELECT p.village_id, count(*), count(CASE WHEN i.status = 'done' AND i.done_on <= %s THEN 1 END) "
         f"FROM {t['PlanItem']} i JOIN {t['VillagePlan']} p ON p.id = i.plan_id WHERE p.start_year <= %s "
         "AND p.end_year >= %s AND i.due_on <= %s AND i.status <> 'dropped' GROUP BY p.village_id",
         [d1, year, year, d1]),
    ]


def run() -> None:
    from django.db import connection
    from django.utils import timezone

    from minxin.assessment import engine, services
    from minxin.assessment.models import Appeal, Period
    from minxin.assessment.window import parse_quarter
    from minxin.demo.assessment import last_complete_quarter
    from minxin.fieldwork.models import Visit

    ensure_county()
    window = parse_quarter(os.environ.get("BENCH_QUARTER") or last_complete_quarter(timezone.localdate()).code)
    _ensure_supervision(window)
    # The benchmark recomputes the quarter: the demo's appeals against its published scores go first
    # (a published quarter with appeals is never recomputed in real use), then it is a draft again.
    Appeal.objects.filter(score__result__period__year=window.year, score__result__period__quarter=window.quarter).delete()
    Period.objects.filter(year=window.year, quarter=window.quarter, status=Period.Status.PUBLISHED).update(
        status=Period.Status.DRAFT)
    scheme = services.scheme_ensure(actor=None)
    visits = Visit.objects.filter(occurred_at__gte=window.start_at, occurred_at__lt=window.end_at).count()
    cohort = engine.build_cohort(window)
    print(f"database: {connection.vendor}; {window.code}: {len(cohort.village_of):,} cadres, {visits:,} visits "
          f"in the quarter; {len(engine.scheme_weights(scheme))} weighted indicators", flush=True)
    queries = floor_queries(window)
    run_sql(queries)  # warm caches for everyone alike
    engine.compute(window, scheme)
    floor, floor_runs = median_seconds(lambda: run_sql(queries), RUNS)
    compute, compute_runs = median_seconds(lambda: engine.compute(window, scheme), RUNS)
    assess, assess_runs = median_seconds(lambda: services.period_assess(actor=None, quarter=window.code), RUNS)
    verdict = "OK" if assess < 10 else "TOO SLOW"
    lines = [
        f"database: {connection.vendor}; quarter {window.code}; {len(cohort.village_of):,} cadres; {visits:,} visits",
        f"floor (hand-written SQL, {len(queries)} queries): median {floor:.3f} s",
        f"compute (engine, no writes): median {compute:.3f} s — {compute / floor:.1f}× floor",
        f"assess (minxin assess: compute + store): median {assess:.3f} s — {assess / floor:.1f}× floor "
        f"— target < 10 s: {verdict}",
        f"runs: floor {_fmt(floor_runs)}; compute {_fmt(compute_runs)}; assess {_fmt(assess_runs)}",
        f"command: `DATABASE_URL={_safe_url()} BENCH_RUNS={RUNS} .venv/bin/python -m bench assessment`",
    ]
    for line in lines:
        print(line, flush=True)
    record(f"assessment ({connection.vendor})", lines)


def _fmt(values) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _safe_url() -> str:
    url = os.environ.get("DATABASE_URL", "sqlite:///var/minxin.sqlite3")
    return re.sub(r"//([^:@/]+):[^@]*@", r"//\1:***@", url)
