"""The dashboard's numbers, stored per village and counted again only where the records changed.

A region's figures are sums of its groups (core.figures), and a group's are sums of its villages. So
every figure is counted per village (or per region code, for the few records a township or county
holds under its own code) and year, and stored (reports.models.Tally) county by county, with the
audit events each county has counted (TallyState). A view reads the events written since. Every
service writes an audit event in the same transaction as its change, under the changed record's
region (DESIGN §3), so those events name what to count again:

- an event under a village or a township has that village or township counted again, for the figures
  that read what its action writes (core.audit.register_changes, core.figures Figure.reads: a synced
  visit counts the village's visits again, not its households, disputes and fund), or for every
  figure when its action names nothing;
- an event in another county changes nothing in this one, nor does one whose action writes nothing a
  figure reads (a reveal, a search by ID number, an export, an account);
- an event without a region, at the county or above it, or events naming more than MAX_PLACES places
  have the whole county counted again, for the same figures (in full when an action names nothing:
  `minxin refresh-households`, which writes households only, has the households' figures counted
  again in every county, not the visits' and the rest).

On a new day only the figures that read the date (`Figure.daily`: what is overdue) are counted
again. Everything is counted again nightly by `minxin count-figures` (docs/operations.md), and by a
view when that has not happened for FULL_EVERY, so that no mistake in an event's region can last.
The figures are therefore never older than the records, unless MINXIN_DASHBOARD_STALE_SECONDS says
otherwise.

Events are told apart by id. On PostgreSQL ids are handed out before commit, so an event may appear
after one with a higher id: the ids of the newest WINDOW events already counted are kept, and any
event in that window not among them is new.

Two processes may count one county at once. Each counts without a lock and stores its numbers only
if the county's revision has not moved meanwhile, so what is stored is always one whole count. Each
process keeps a copy of a county's rows, and of its sums for each page, while the county's stored
revision is the one it read (the `default` cache): a page adds up again only the counties that
changed. On SQLite a write that waits past the busy timeout (a long import holds the lock) is given
up: the numbers are shown and stored by a later view.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from minxin.core.audit import changed_models
from minxin.core.figures import Figure, compute, registered, spread_ok, touched, within
from minxin.core.models import AuditEvent
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.reports.models import Tally, TallyState

logger = logging.getLogger(__name__)

WINDOW = 200
MAX_EVENTS = 2000
MAX_PLACES = 8
FULL_EVERY = datetime.timedelta(hours=26)  # the nightly count, and two hours' grace
MEMO_SECONDS = 3600

Numbers = dict[str, int]  # figure key → number
Trends = dict[str, list[int]]  # figure key → 12 monthly numbers
Rows = dict[str, tuple[Numbers, Trends]]  # region code → its own records' numbers and trends
Event = tuple[int, str, str]  # an audit event's id, region code and action
_EVENT_FIELDS = ("id", "region_code", "action")


@dataclass(frozen=True)
class Counted:
    groups: dict[str, dict[str, int]]  # figure → group → number
    trends: dict[str, dict[str, list[int]]]  # figure → group → 12 monthly numbers
    counted_at: datetime.datetime  # when a number was last counted (MINXIN_DASHBOARD_STALE_SECONDS)


@dataclass
class _Plan:
    """What one unit needs before its rows can be shown."""

    state: TallyState
    now: datetime.datetime
    events: list[Event] | None  # the events read (None: nothing to count)
    # The places to count again (villages, townships or the unit itself), each with the keys of the
    # figures to count there; None: every figure of all of it.
    places: dict[str, frozenset[str]] | None = None
    daily: bool = False  # the figures that read the date, for a new day


def counted(region: Region, year: int, group_len: int, with_trends: bool = True) -> Counted:
    """Every registered figure's numbers per group (code prefix of `group_len` digits) for `region`
    and `year`, up to date with the records."""
    plans = _plans(units(region), year)
    fresh = _up_to_date([plan for plan in plans if plan.events is not None], region.prefix, year)
    parts = []
    for plan in plans:
        # Each county's sums for this page, kept by this process until the county's stored numbers
        # change: a change in one county adds up that county's villages again, not the others'.
        state = plan.state
        memo = f"sums:{state.unit}:{year}:{region.prefix}:{group_len}:{int(with_trends)}"
        part = None if state.unit in fresh else _recalled(memo, _stamp(state))
        if part is None:
            rows, counted_at = fresh.get(state.unit) or (_rows(state, year), state.counted_at or plan.now)
            part = _added_up({code: pair for code, pair in rows.items() if code.startswith(region.prefix)}, group_len,
                             with_trends, counted_at)
            cache.set(memo, (_stamp(state), part), MEMO_SECONDS)
        parts.append(part)
    return _combined(parts)


def _combined(parts: list[Counted]) -> Counted:
    """The counties' sums added together."""
    total = Counted(groups={}, trends={}, counted_at=min(part.counted_at for part in parts))
    for part in parts:
        for key, per_group in part.groups.items():
            for group, value in per_group.items():
                _add(total, key, group, value, None)
        for key, per_group in part.trends.items():
            for group, months in per_group.items():
                _add(total, key, group, 0, months)
    return total


def _added_up(rows: Rows, group_len: int, with_trends: bool, counted_at: datetime.datetime) -> Counted:
    """The rows' numbers (and trends) summed per group of `group_len` digits."""
    total = Counted(groups={}, trends={}, counted_at=counted_at)
    for code, (numbers, monthly) in rows.items():
        group = code[:group_len]
        for key, value in numbers.items():
            _add(total, key, group, value, None)
        for key, months in monthly.items() if with_trends else ():
            _add(total, key, group, 0, months)
    return total


def _add(total: Counted, key: str, group: str, value: int, months: list[int] | None) -> None:
    """Add a figure's number, or its 12 monthly numbers, to a group of `total`."""
    if months is None:
        per_group = total.groups.get(key)
        if per_group is None:
            per_group = total.groups[key] = {}
        per_group[group] = per_group.get(group, 0) + value
    else:
        monthly = total.trends.get(key)
        if monthly is None:
            monthly = total.trends[key] = {}
        before = monthly.get(group)
        monthly[group] = list(months) if before is None else [a + b for a, b in zip(before, months, strict=True)]


def count_everything(year: int | None = None) -> int:
    """Count every county's figures again in full (`minxin count-figures`), and those of the records
    under the prefectures' and provinces' own codes; returns how many counties."""
    year = year or timezone.localdate().year
    above = Region.objects.filter(level__in=[codes.PROVINCE, codes.PREFECTURE, codes.COUNTY])
    every = sorted({code[:6] for code in above.values_list("code", flat=True)})
    _up_to_date(_plans(every, year, force=True), "", year)
    return sum(1 for unit in every if codes.level_of(unit.ljust(12, "0")) == codes.COUNTY)


def units(region: Region) -> list[str]:
    """The counties (6-digit prefixes) whose tallies hold `region`'s numbers: its own county, or every
    county below it and the prefixes of the regions above the counties, for their own records."""
    if len(region.prefix) >= 6:
        return [region.code[:6]]
    inside = Region.objects.filter(within("code", region.prefix), level__in=[codes.PREFECTURE, codes.COUNTY])
    return sorted({region.code[:6], *(code[:6] for code in inside.values_list("code", flat=True))})


def _plans(unit_list: list[str], year: int, force: bool = False) -> list[_Plan]:
    """Each unit's state, the audit events since, and what to count again."""
    if not unit_list:  # a database without regions yet
        return []
    states = {state.unit: state for state in TallyState.objects.filter(year=year, unit__in=unit_list)}
    for unit in unit_list:
        if unit not in states:
            try:
                states[unit], _created = TallyState.objects.get_or_create(year=year, unit=unit)
            except OperationalError:  # SQLite's write lock held past its timeout: count, store another time
                _busy(unit)
                states[unit] = TallyState(year=year, unit=unit)
    newest = _newest() if any(state.full_at is None for state in states.values()) else 0
    lows = {unit: (state.version if state.full_at else newest) - WINDOW for unit, state in states.items()}
    shared = _events(min(lows.values()))  # one read of the log serves every unit it reaches back for
    figures = registered()
    digest = _digest(figures)
    return [_plan(states[unit], [event for event in shared if event[0] > lows[unit]] if len(shared) < MAX_EVENTS
                  else _events(lows[unit]), figures, digest, force) for unit in unit_list]


def _events(low: int) -> list[Event]:
    """The ids, regions and actions of the audit events after `low` (at most MAX_EVENTS)."""
    return list(AuditEvent.objects.filter(id__gt=low).order_by("id").values_list(*_EVENT_FIELDS)[:MAX_EVENTS])


def _plan(state: TallyState, events: list[Event], figures: list[Figure], digest: str, force: bool) -> _Plan:
    now = timezone.now()
    age = (now - state.counted_at).total_seconds() if state.counted_at else None
    if age is not None and age < settings.MINXIN_DASHBOARD_STALE_SECONDS and not force:
        return _Plan(state, now, None)
    seen = set(state.seen)
    moved = {action: touched(figures, changed_models(action)) for action in {event[2] for event in events}}
    new = [(code, moved[action]) for pk, code, action in events if pk not in seen and moved[action]]
    full = (force or state.full_at is None or len(events) == MAX_EVENTS or state.figures != digest
            or now - state.full_at >= FULL_EVERY)
    places = None if full else _places(new, state.unit, frozenset(item.key for item in figures))
    daily = state.day != timezone.localdate(now)
    if places is not None and not places and not daily and len(new) <= WINDOW:
        return _Plan(state, now, None)
    if len(events) == MAX_EVENTS:  # too many to read one by one: only the newest are kept as seen
        events = list(AuditEvent.objects.filter(id__gt=_newest() - WINDOW).values_list(*_EVENT_FIELDS))
    return _Plan(state, now, events, places, daily)


def _up_to_date(plans: list[_Plan], prefix: str, year: int) -> dict[str, tuple[Rows, datetime.datetime]]:
    """The planned units' rows for `year` (unit → rows, when counted), counted again as planned and
    stored."""
    figures = registered()
    every = frozenset(item.key for item in figures)
    shared = _shared(plans, figures, every, prefix, year)
    out = {}
    for plan in plans:
        assert plan.events is not None
        state = plan.state
        old = _rows(state, year)
        if plan.places is None:
            rows = _counted(figures, every, state.unit, shared.get(every), year)
        else:
            rows = old
            for place, keys in sorted(plan.places.items()):
                rows = _merged(rows, place, keys, _counted(figures, keys, place, shared.get(keys)
                                                           if place == state.unit else None, year))
            if plan.daily:
                today = frozenset(item.key for item in figures if item.daily)
                rows = _merged(rows, state.unit, today, _counted(figures, today, state.unit, shared.get(today), year))
        version = max([event[0] for event in plan.events] + [state.version])
        state.version = version
        state.seen = sorted(event[0] for event in plan.events if event[0] > version - WINDOW)
        state.figures = _digest(figures)
        state.day = timezone.localdate(plan.now)
        if rows != old or plan.places is None:
            state.counted_at = plan.now
        if plan.places is None:
            state.full_at = plan.now
        if _store(state, old, rows):
            cache.set(_memo_key(state), (_stamp(state), rows), MEMO_SECONDS)
        out[state.unit] = (rows, state.counted_at or plan.now)
    return out


def _shared(plans: list[_Plan], figures: list[Figure], every: frozenset[str], prefix: str, year: int,
            ) -> dict[frozenset[str], Rows]:
    """The counts that several units need over the whole of themselves for the same figures — every
    figure, those an event above them all names, those that read the date on a new day — each made
    once over `prefix`, which holds them all: one scan of a big table costs less than one range of it
    per county (the prefecture's page after the nightly refresh of households: 0.91 s with its
    households counted in one pass, 2.3 s county by county; bench/RESULTS.md)."""
    wanted: dict[frozenset[str], int] = {}
    for plan in plans:
        unit = plan.state.unit
        wholes = [every] if plan.places is None else [keys for place, keys in plan.places.items() if place == unit]
        if plan.places is not None and plan.daily:
            wholes.append(frozenset(item.key for item in figures if item.daily))
        for keys in wholes:
            wanted[keys] = wanted.get(keys, 0) + 1
    return {keys: _count([item for item in figures if item.key in keys], prefix, year, spread=True)
            for keys, units in wanted.items() if units > 1}


def _counted(figures: list[Figure], keys: frozenset[str], place: str, shared: Rows | None, year: int) -> Rows:
    """The rows of the figures `keys` inside `place`: from a count shared with other units, or counted
    (every figure on connections of their own at once where it may)."""
    if shared is not None:
        return {code: pair for code, pair in shared.items() if code.startswith(place)}
    return _count([item for item in figures if item.key in keys], place, year, spread=len(keys) == len(figures))


def _rows(state: TallyState, year: int) -> Rows:
    """The unit's stored rows: this process's copy if it was made from this state, else read."""
    rows = _recalled(_memo_key(state), _stamp(state))
    if rows is None:
        rows = _read(state.unit, year)
        cache.set(_memo_key(state), (_stamp(state), rows), MEMO_SECONDS)
    return rows


def _count(figures: list[Figure], prefix: str, year: int, spread: bool = False) -> Rows:
    """The figures' numbers and trends for each region code inside `prefix`, from the records; a count
    in full (`spread`) runs its queries on connections of their own at once where it may."""
    rows: Rows = {}
    numbers, trends = compute(figures, prefix, year, 12, spread=spread and spread_ok())
    for index, per_key, kept in ((0, numbers, bool), (1, trends, any)):  # a number not 0, a trend not all 0
        for key, per_code in per_key.items():
            for code, value in per_code.items():
                if kept(value):
                    pair = rows.get(code)
                    if pair is None:
                        pair = rows[code] = ({}, {})
                    pair[index][key] = value
    return rows


def _merged(rows: Rows, prefix: str, keys: frozenset[str], counted_again: Rows) -> Rows:
    """`rows` with the numbers of the figures `keys` inside `prefix` replaced by `counted_again`."""
    out: Rows = {}
    for code, (numbers, trends) in rows.items():
        if code.startswith(prefix):
            numbers = {key: value for key, value in numbers.items() if key not in keys}
            trends = {key: value for key, value in trends.items() if key not in keys}
        out[code] = (numbers, trends)
    for code, (numbers, trends) in counted_again.items():
        kept_numbers, kept_trends = out.get(code, ({}, {}))
        out[code] = ({**kept_numbers, **numbers}, {**kept_trends, **trends})
    return {code: pair for code, pair in out.items() if pair[0] or pair[1]}


def _store(state: TallyState, old: Rows, rows: Rows) -> bool:
    """Write the rows that changed and the state, unless another process has written since this one
    read the state; False when nothing was stored (the numbers are still right to show)."""
    changed = sorted(code for code in old.keys() | rows.keys() if old.get(code) != rows.get(code))
    fields = {name: getattr(state, name) for name in ("version", "seen", "figures", "counted_at", "full_at", "day")}
    try:
        with transaction.atomic():
            if not TallyState.objects.filter(pk=state.pk, revision=state.revision).update(
                    revision=F("revision") + 1, **fields):
                return False
            Tally.objects.filter(year=state.year, code__in=changed).delete()
            Tally.objects.bulk_create([Tally(year=state.year, code=code, numbers=rows[code][0], trends=rows[code][1])
                                       for code in changed if code in rows], batch_size=500)
    except OperationalError:  # SQLite's write lock held past its timeout (a long import): show, store later
        _busy(state.unit)
        return False
    state.revision += 1
    return True


def _busy(unit: str) -> None:
    logger.warning("dashboard numbers of %s not stored: the database is busy", unit, exc_info=True)


def _read(unit: str, year: int) -> Rows:
    return {code: (numbers, trends) for code, numbers, trends in
            Tally.objects.filter(within("code", unit), year=year).values_list("code", "numbers", "trends")}


def _memo_key(state: TallyState) -> str:
    """This process's copy of a unit's rows (one per unit: a newer one replaces it)."""
    return f"tallies:{state.unit}:{state.year}"


def _stamp(state: TallyState) -> tuple[int, float]:
    """What a process's copy is valid for: the state it was made from."""
    return state.revision, state.counted_at.timestamp() if state.counted_at else 0.0


def _recalled(key: str, stamp: object) -> Any:
    """This process's copy under `key`, if it was made for `stamp`."""
    kept = cache.get(key)
    return kept[1] if kept is not None and kept[0] == stamp else None


def _digest(figures: list[Figure]) -> str:
    """What the stored numbers were counted for: a new or changed figure has everything counted again."""
    names = ",".join(f"{item.key}{'+' if item.trend else ''}{'@' if item.daily else ''}" for item in figures)
    return hashlib.sha256(names.encode()).hexdigest()[:32]


def _newest() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _places(events: list[tuple[str, frozenset[str]]], unit: str, every: frozenset[str]) -> dict[str, frozenset[str]] | None:
    """The places inside the unit that the events (region code, keys of the figures their action may
    move) name — villages, townships, or the unit itself for an event at it, above it or without a
    region — each with the keys to count again there; None when every figure of the whole unit must be
    counted again."""
    places: dict[str, set[str]] = {}
    for code, keys in events:
        prefix = codes.prefix_of(code) if code else ""
        if prefix.startswith(unit):
            places.setdefault(prefix, set()).update(keys)
        elif unit.startswith(prefix):  # a region above the unit, or none
            places.setdefault(unit, set()).update(keys)
    if len(places) > MAX_PLACES:
        places = {unit: set().union(*places.values())}
    # A place counted again covers the places inside it: their figures are counted with its own.
    out: dict[str, set[str]] = {}
    for place in sorted(places, key=len):
        outer = next((other for other in out if place.startswith(other)), place)
        out.setdefault(outer, set()).update(places[place])
    if out.get(unit) == every:
        return None
    return {place: frozenset(keys) for place, keys in out.items()}
