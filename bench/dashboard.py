"""Dashboard and map benchmarks (issue #6), on the county-scale demo.

1. County dashboard page (all figures, township breakdown, trends): p95 server time — target
   < 300 ms, cached and just after a change to one household (the changed village counted again,
   reports.counting). Floor: the same aggregates in hand-written SQL, one GROUP BY per figure;
   goal ≤ 1.5×. Also shown: the first view of a new day (the figures that read the date counted
   again) and the page when everything is counted again (a change above the county).
2. Map data: the busiest village — target < 100 ms; the biggest township (~8,000 households) —
   target < 500 ms.

Usage: DATABASE_URL=… python -m bench dashboard (loads `minxin demo --scale county` into an empty
database first).
"""

import datetime
import statistics
import time

from bench.common import ensure_county, median_seconds, record, run_sql

RUNS = 21


def _p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _time(fn, runs=RUNS):
    """Median and p95 in milliseconds, after one warm-up call."""
    fn()
    median, samples = median_seconds(fn, runs)
    return median * 1000, _p95([s * 1000 for s in samples])


def _year_bounds(year):
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return (datetime.datetime(year, 1, 1, tzinfo=tz).astimezone(datetime.UTC),
            datetime.datetime(year + 1, 1, 1, tzinfo=tz).astimezone(datetime.UTC))


def hand_sql(year, prefix="520627", group_len=9):
    """A region's dashboard figures, written by hand: one grouped query per table, with conditional
    aggregates where several figures (and trends) come from the same rows (as the figures do), and the
    region as a range of codes (as core.figures.within does)."""
    from django.utils import timezone

    from minxin.core.figures import CODE_LENGTH, prefix_end

    start, end = _year_bounds(year)
    y0, y1 = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    inside = [prefix, prefix_end(prefix)]

    def grouped(col, select, table, where="", params=(), select_params=()):
        group = col if group_len >= CODE_LENGTH else f"substr({col}, 1, {group_len})"  # as core.figures.code_group
        sql = (f"SELECT {group}, {select} FROM {table} "  # noqa: S608 - written here
               f"WHERE {col} >= %s AND {col} < %s {where} GROUP BY 1")
        return sql, [*select_params, *inside, *params]

    # The trends the figures count in the same scan (core.figures.months): the rows before each
    # month's end, then all of them.
    local = timezone.get_current_timezone()
    ends = [datetime.datetime(year, m, 1, tzinfo=local).astimezone(datetime.UTC) for m in range(2, 13)]

    def months(condition="1 = 1", col="occurred_at"):
        return ", ".join([f"sum(CASE WHEN {condition} AND {col} < %s THEN 1 ELSE 0 END)"] * 11
                         + [f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"])

    registry = ("count(*), sum(h.member_count), "
                "sum(CASE WHEN r.id IS NOT NULL AND r.status <> 'cancelled' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN r.id IS NOT NULL AND r.status <> 'cancelled' THEN h.member_count ELSE 0 END), "
                "sum(CASE WHEN r.status IN ('not_exited', 'returned') THEN 1 ELSE 0 END), "
                "sum(CASE WHEN h.has_dibao THEN 1 ELSE 0 END), sum(CASE WHEN h.care_elderly THEN 1 ELSE 0 END), "
                "sum(CASE WHEN h.care_child THEN 1 ELSE 0 END)")
    meeting, lecture = "category = 'meeting'", "category = 'lecture'"
    meetings = ", ".join(f"sum(CASE WHEN category = '{c}' THEN 1 ELSE 0 END)" for c in ("meeting", "lecture", "training"))
    return [
        grouped("village_id", "count(DISTINCT cadre_id), count(DISTINCT CASE WHEN role = 'first_secretary' "
                "THEN cadre_id END)", "cadres_assignment",
                "AND start_date <= %s AND (end_date IS NULL OR end_date >= %s)", [y1, y0]),
        grouped("village_id", "count(DISTINCT cadre_id)", "cadres_assignment",
                "AND status = 'recalled' AND end_date BETWEEN %s AND %s", [y0, y1]),
        grouped("village_code", "sum(days)", "cadres_leaverequest",
                "AND status = 'approved' AND start_date BETWEEN %s AND %s", [y0, y1]),
        grouped("h.village_id", registry,
                "registry_household h LEFT JOIN registry_registration r ON r.household_id = h.id"),
        grouped("village_id", f"count(*), count(DISTINCT household_id), {months()}", "fieldwork_visit",
                "AND occurred_at >= %s AND occurred_at < %s", [start, end], ends),
        grouped("village_id", f"{meetings}, {months(meeting)}, {months(lecture)}", "fieldwork_meeting",
                "AND occurred_at >= %s AND occurred_at < %s", [start, end], ends * 2),
        grouped("village_id", "count(*)", "fieldwork_familycall", "AND occurred_at >= %s AND occurred_at < %s",
                [start, end]),
        grouped("village_id", "count(*)", "fieldwork_liaisoncard", "AND issued_at >= %s AND issued_at < %s",
                [start, end]),
        grouped("village_id", f"count(*), count(answered_at), {months(col='submitted_at')}",
                "fieldwork_villagerrequest", "AND submitted_at >= %s AND submitted_at < %s", [start, end], ends),
        grouped("village_id", "count(*)", "fieldwork_need", "AND closed_at >= %s AND closed_at < %s", [start, end]),
    ]


def page_figures(say, user, region, year, label: str, editor=None) -> None:
    """A region's dashboard page as `user` opens it: with its numbers up to date, just after an edit of
    one household in it (by `editor`, else the user), on the first view of a new day, and after a
    change above its counties (everything counted again); the figures counted from records without
    the page, and the floor (the same aggregates in hand-written SQL, per village as they are stored)."""
    import datetime

    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from minxin.accounts.models import User
    from minxin.core.audit import audit_record
    from minxin.core.figures import compute, registered, within
    from minxin.disputes.models import Dispute
    from minxin.disputes.services_case import dispute_edit
    from minxin.fieldwork.services.records import visit_record
    from minxin.registry.models import Household
    from minxin.registry.services import household_update
    from minxin.reports import counting
    from minxin.reports.models import TallyState

    client = Client()
    client.force_login(user)
    path = f"/reports/dashboard/{region.code}/"
    units = counting.units(region)

    def page():
        response = client.get(path)
        assert response.status_code == 200

    def above():
        """A change above the region's counties (a county's import, a scheme): everything counted again."""
        audit_record(actor=None, action="bench.above", object_type="bench", region_code=region.code[:2].ljust(12, "0"))

    def refreshed(_run: int) -> None:
        """The nightly refresh of households' event (without the refresh itself): no region, writes households."""
        audit_record(actor=None, action="household.refresh_all", object_type="registry.household")

    def new_day():
        TallyState.objects.filter(unit__in=units, year=year).update(day=datetime.date(year, 1, 1) - datetime.timedelta(1))
        cache.clear()

    def figures_cold():
        """What a count in full counts (numbers and trends), on one connection."""
        compute(registered(), region.prefix, year, 12)

    household = Household.objects.filter(within("village_id", (editor or user).scope_id[:6])).order_by("pk").first()

    def change(run: int) -> None:
        """An edit of one household (its address), as a user makes it: one audit event in its village."""
        current = Household.objects.get(pk=household.pk)
        household_update(actor=editor or user, household=current, version=current.version, group=current.group,
                         address=f"{household.address[:80]} ({run})", phone=current.phone, lat=current.lat,
                         lon=current.lon)

    case = (Dispute.objects.filter(within("village_id", (editor or user).scope_id[:6]), level=Dispute.Level.VILLAGE)
            .exclude(state=Dispute.State.RESOLVED).order_by("pk").first())

    def case_edit(run: int) -> None:
        """A case's record corrected (a module's action other than the field app's): one audit event in
        its village, for the disputes' figures."""
        current = Dispute.objects.get(pk=case.pk)
        dispute_edit(actor=editor or user, dispute=current, title=f"{case.title[:80]} ({run})", summary=current.summary,
                     intake=current.intake, category=current.category, risk=current.risk)

    cadre = User.objects.get(username="cadre")  # the demo's cadre, in a village of Yanhe
    visited = Household.objects.visible_to(cadre).order_by("pk").first()

    def visit(_run: int) -> None:
        """A visit a cadre records (or syncs): one audit event in its village, for the visits' figures."""
        visit_record(actor=cadre, household=visited, kind="home", notes="走访",
                     occurred_at=timezone.now() - datetime.timedelta(hours=1))

    def after(prepare, runs=RUNS):
        """The page just after each `prepare(run)`, which is not timed."""
        page()
        samples = []
        for run in range(runs):
            prepare(run)
            started = time.perf_counter()
            page()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples), _p95(samples)

    queries = hand_sql(year, region.prefix, 12)
    floor_med, floor_p95 = _time(lambda: run_sql(queries))
    sel_med, sel_p95 = _time(figures_cold)
    full_med, full_p95 = after(lambda _run: above(), runs=11)
    refresh_med, refresh_p95 = after(refreshed, runs=11)
    day_med, day_p95 = after(lambda _run: new_day(), runs=11)
    changed_med, changed_p95 = after(change)
    visit_med, visit_p95 = after(visit)
    case_med, case_p95 = after(case_edit)
    page_med, page_p95 = _time(page)
    households = Household.objects.filter(within("village_id", region.prefix)).count()
    say(f"{label} ({region.name}, {households:,} households; floor: {len(queries)} grouped queries)")
    say(f"  page, data unchanged (cached)                 median {page_med:7.1f} ms  p95 {page_p95:7.1f} ms")
    say(f"  page, just after a change                     median {changed_med:7.1f} ms  p95 {changed_p95:7.1f} ms"
        "  (one household edited)")
    say(f"  page, just after a visit                      median {visit_med:7.1f} ms  p95 {visit_p95:7.1f} ms"
        "  (one visit recorded)")
    say(f"  page, just after a case edited                median {case_med:7.1f} ms  p95 {case_p95:7.1f} ms"
        "  (one dispute's record corrected)")
    say(f"  page, first view of a new day                 median {day_med:7.1f} ms  p95 {day_p95:7.1f} ms"
        "  (what is overdue counted again)")
    say(f"  page, everything counted again                median {full_med:7.1f} ms  p95 {full_p95:7.1f} ms"
        f"  (a change above the counties: {len(units)} counted in full; `minxin count-figures` nightly)")
    say(f"  page, after the nightly refresh of households median {refresh_med:7.1f} ms  p95 {refresh_p95:7.1f} ms"
        f"  (an event without a region that writes households: their figures counted again in {len(units)})")
    say(f"  figures computed from records (no store)      median {sel_med:7.1f} ms  p95 {sel_p95:7.1f} ms")
    say(f"  floor: the same aggregates in hand-written SQL median {floor_med:7.1f} ms  p95 {floor_p95:7.1f} ms")
    say(f"  ratio figures / floor {sel_med / floor_med:5.2f}x (goal <= 1.5x)")


def run() -> None:
    from django.db import connection

    lines: list[str] = []

    def say(text: str = "", **_kwargs) -> None:
        print(text, flush=True)
        lines.append(text)

    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from minxin.accounts.models import User
    from minxin.regions.models import Region
    from minxin.registry.models import Household
    from minxin.reports.selectors import region_summary

    ensure_county()
    year = timezone.localdate().year
    admin = User.objects.get(username="admin")
    county = Region.objects.get(code="520627000000")
    page_figures(say, admin, county, year, "county dashboard (target p95 < 300 ms, cached and after a change)")

    # The dashboard against the generator's own counts (kept in the demo.load audit event) and
    # the article's figures (SPEC §4.9).
    from minxin.core.models import AuditEvent

    load = AuditEvent.objects.filter(action="demo.load").order_by("-id").first()
    generated = load.after if load else {}
    totals = region_summary(user=admin, region=county, year=year, with_trends=False).totals
    say(f"{'figure':<34}{'dashboard':>12}{'generator':>12}  article")
    for key, gen_key, article in (
        ("registry.households", "households", "170,000 in the database"),
        ("registry.people", "people", "~600,000 people (SPEC §5)"),
        ("registry.registered_households", "registered_households", "44,000"),
        ("registry.registered_people", "registered_people", "141,700"),
        ("fieldwork.households_visited", None, "170,000+ households visited"),
        ("fieldwork.visits", "visits", ""),
        ("fieldwork.cards", "liaison_cards", "150,000+ liaison cards"),
        ("fieldwork.meetings", None, "2,000+ villagers' meetings"),
        ("fieldwork.lectures", None, "2,500+ lectures"),
        ("fieldwork.requests", "villager_requests", ""),
    ):
        gen = generated.get(gen_key, "") if gen_key else ""
        say(f"{key:<34}{totals.get(key, 0):>12,}{gen:>12}  {article}")

    client = Client()
    client.force_login(admin)
    busiest_village = (Household.objects.values("village_id").annotate(n=Count("pk")).order_by("-n").first())
    biggest_township = max(
        Region.objects.filter(level="township"),
        key=lambda t: Household.objects.filter(village__code__startswith=t.prefix).count(),
    )
    township_households = Household.objects.filter(village__code__startswith=biggest_township.prefix).count()
    for label, code, target, count in (
        ("village map data", busiest_village["village_id"], 100, busiest_village["n"]),
        ("township map data", biggest_township.code, 500, township_households),
    ):
        def fetch(code=code):
            response = client.get(f"/reports/map/{code}/data/")
            assert response.status_code == 200

        med, p95 = _time(fetch, runs=11)
        say(f"{label:<22} {count:>6,} households  median {med:7.1f} ms  p95 {p95:7.1f} ms  (target < {target} ms)")
    record(f"Dashboard and maps (issue #6), {connection.vendor}",
           ["command: DATABASE_URL=… python -m bench dashboard", *[f"`{line}`" for line in lines if line]])
