"""Importing a household sheet (SPEC §6, DESIGN §4 `minxin import-households`).

read (reader.py) → check the file (checks.py) → check against the registry (here) → plan the
upserts (by household number and ID number) → write them in one transaction, or nothing.
Exit codes: 0 imported (or nothing to change), 1 invalid rows (nothing written unless
skip_invalid), 2 unusable file.
"""

import contextlib
import functools
import json
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cadres.models import Assignment, UnitStaff
from minxin.core import sealing
from minxin.core.audit import audit_event
from minxin.core.identifiers import mask_id_number, mask_id_number_text, mask_phone, mask_phone_text
from minxin.core.masking import may_reveal
from minxin.core.models import AuditEvent
from minxin.core.pinyin import pinyin_key
from minxin.core.presealing import Presealed
from minxin.core.privacy import check_identifiers, log_identifier_matches
from minxin.core.requestlog import current_request_id
from minxin.registry import derive
from minxin.registry.io import bulk, template, writer
from minxin.registry.io.checks import MEMBER_DEFAULTS, MEMBER_KEYS, HeaderError, Problem, read_rows
from minxin.registry.io.notes import layout_notes
from minxin.registry.io.reader import AmbiguousSheet, UnusableFile, open_sheet
from minxin.registry.models import CareOverride, Helper, Household, Member, Registration

HOUSEHOLD_KEYS = ["group", "phone", "lat", "lon"]
REG_FIELDS = ["year", "attribute", "status", "main_cause", "other_cause_1", "other_cause_2"]
COUNT_KEYS = ["households_created", "households_updated", "households_unchanged", "members_created",
              "members_updated", "members_unchanged"]
_CHUNK = 900


@dataclass
class Outcome:
    exit_code: int
    message: str
    problems: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    dry_run: bool = False
    layout: list = field(default_factory=list)  # how the sheet was read: which sheet, rows set aside
    sheets: list = field(default_factory=list)  # when several sheets hold the template: their names

    @property
    def report_rows(self):
        return sorted(self.problems + self.skipped, key=lambda p: (p.row, p.column))


class Person:
    """A member as the derivation rules see it (from the registry, updated by the sheet)."""

    # id_number: the number as the sheet gives it, or (someone the sheet does not name) its digest;
    # sealed: the stored envelope (core.sealing), whose mask an error message may quote.
    __slots__ = ("pk", "id_number", "sealed", "household_id", "sex", "birth_date", *MEMBER_KEYS)

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values.get(name, MEMBER_DEFAULTS.get(name)))

    def member_tuple(self):
        return (self.sex, self.birth_date, *(getattr(self, k) for k in MEMBER_KEYS))


def run_import(path: str, *, actor=None, name: str | None = None, dry_run: bool = False,
               skip_invalid: bool = False, progress=None, sheet: str = "") -> Outcome:
    """Import the sheet at `path` as `actor` (None: the system, county-wide); of a workbook, the sheet
    named `sheet`, or else the one that holds the template."""
    # ID numbers and phones are sealed in a second process while the sheet is checked (core.presealing)
    with bulk.paused_gc(), contextlib.closing(Presealed()) as presealed:
        return _run_import(path, actor=actor, name=name, dry_run=dry_run, skip_invalid=skip_invalid,
                           progress=progress, sheet=sheet, presealed=presealed)


def _run_import(path, *, actor, name, dry_run, skip_invalid, progress, sheet, presealed) -> Outcome:
    def report(percent, phase):
        if progress:
            progress(percent, phase)

    opened = None
    try:
        with contextlib.closing(open_sheet(path, name=name, sheet=sheet)) as opened:  # a workbook's reader ends
            report(5, _("正在读取和检查"))
            checked = read_rows(opened.rows, actor=actor, presealed=None if dry_run else presealed,
                                progress=lambda n: report(min(5 + n // 10000, 60), _("已检查 %(n)d 行") % {"n": n}))
        _return_freed_memory()
    except AmbiguousSheet as exc:
        return Outcome(2, str(exc), [Problem(0, "", "", str(exc))], dry_run=dry_run, sheets=exc.names)
    except UnusableFile as exc:
        return Outcome(2, str(exc), [Problem(0, "", "", str(exc))], dry_run=dry_run)
    except HeaderError as exc:
        message = _("表头不符合导入模板：") + "；".join(p.reason for p in exc.problems)
        if opened is not None and len(opened.names) > 1:
            message = _("工作簿的 %(n)d 个工作表（%(names)s）都没有导入模板的表头；已检查第一个工作表。") % {
                "n": len(opened.names), "names": "、".join(opened.names)} + message
        return Outcome(2, message, exc.problems, dry_run=dry_run)
    notes = layout_notes(checked, opened)
    if not checked.households and not checked.problems:
        message = _("文件里只有表头，没有任何户的数据。")
        return Outcome(2, message, [Problem(1, "", "", message)], dry_run=dry_run, layout=notes)
    report(65, _("正在与已有档案比对"))
    write = functools.partial(_compare_and_write, checked, notes=notes, actor=actor, name=name or path,
                              dry_run=dry_run, skip_invalid=skip_invalid, report=report, presealed=presealed)
    existing = _load_existing(checked, actor, unseen_people=not (dry_run or checked.problems))
    try:
        return write(existing)
    except IntegrityError:
        if not existing.unseen_people:
            raise
    return write(_load_existing(checked, actor))  # someone is registered already: rolled back, compared with care


def _compare_and_write(checked, existing, *, notes, actor, name, dry_run, skip_invalid, report, presealed) -> Outcome:
    _check_against_registry(checked, existing, actor)
    outcome = Outcome(0, "", list(checked.problems), dry_run=dry_run, layout=notes)
    valid = [h for n, h in checked.households.items() if n not in checked.bad]
    outcome.counts = {"rows": checked.rows, "households_in_file": len(checked.households),
                      "households_invalid": len(checked.households) - len(valid)}
    if checked.problems and not skip_invalid:
        outcome.exit_code = 1
        outcome.message = _("发现 %(n)d 处错误，未写入任何数据。请按报告修改后重新导入。") % {"n": len(checked.problems)}
        return outcome
    if skip_invalid:
        outcome.skipped = _skipped_rows(checked)
    if not dry_run:
        report(75, _("正在写入"))
    outcome.counts.update(_plan_and_write(checked, valid, existing, actor=actor, file_name=name,
                                          dry_run=dry_run, presealed=presealed))
    if not dry_run and connection.vendor == "sqlite" and _written(outcome.counts) >= _ANALYZE_AFTER:
        bulk.analyze([Household, Member, Registration, Helper])  # PostgreSQL's autovacuum does it there
    report(100, _("完成"))
    outcome.exit_code = 1 if checked.problems else 0
    outcome.message = _summary(outcome, dry_run)
    return outcome


_ANALYZE_AFTER = 10_000  # rows written by an import after which SQLite's statistics are refreshed


def _written(counts) -> int:
    return sum(counts[key] for key in ("households_created", "households_updated", "members_created",
                                       "members_updated"))


def _return_freed_memory() -> None:
    """Give the memory freed after reading (a CSV's text, the rows as read) back to the system before
    the writes (glibc keeps it otherwise, and Python's small objects never reuse it). No-op elsewhere."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _summary(outcome, dry_run) -> str:
    c = outcome.counts
    text = _("户：新增 %(hc)d，更新 %(hu)d，无变化 %(hn)d；人：新增 %(mc)d，更新 %(mu)d，无变化 %(mn)d。") % {
        "hc": c["households_created"], "hu": c["households_updated"], "hn": c["households_unchanged"],
        "mc": c["members_created"], "mu": c["members_updated"], "mn": c["members_unchanged"]}
    if c["households_invalid"]:
        text += _("有错误而跳过的户：%(n)d。") % {"n": c["households_invalid"]}
    if dry_run:
        return _("试导入（未写入）：") + text
    if not _written(c):
        return _("没有需要更改的数据（与档案一致）。") + text
    return _("导入完成。") + text


def _skipped_rows(checked) -> list:
    own = {p.row for p in checked.problems}
    skipped = []
    for number in checked.bad:
        household = checked.households.get(number)
        if household is None:
            continue
        first_bad = min((r.row for r in household.rows if r.row in own), default=household.rows[0].row)
        for file_row in household.rows:
            if file_row.row not in own:
                skipped.append(Problem(file_row.row, "", "", _("同户（户编号 %(number)s）第 %(row)d 行有错误，本行随该户一并跳过。")
                                       % {"number": number, "row": first_bad}))
    return skipped


# --- what the registry already holds ---------------------------------------------------------------

@dataclass
class Existing:
    households: dict = field(default_factory=dict)  # number -> dict
    members_by_id: dict = field(default_factory=dict)  # id_number (as in the sheet) -> Person
    members_of: dict = field(default_factory=dict)  # household pk -> [Person]
    registrations: dict = field(default_factory=dict)  # household pk -> dict
    helpers: dict = field(default_factory=dict)  # household pk -> {name: cadre_id}
    overrides: dict = field(default_factory=dict)  # household pk -> {category: bool}
    numbers_of: dict = field(default_factory=dict)  # household pk -> (number, village code): members elsewhere
    unseen_people: bool = False  # the sheet's people were not looked up (_load_existing)


_HOUSEHOLD_LOAD = ["id", "number", "village_id", "group", "phone", "lat", "lon", "version", *derive.DERIVED_FIELDS]
_MEMBER_LOAD = ["id", "id_number", "id_number_hash", "household_id", "sex", "birth_date", *MEMBER_KEYS]


def _person(row: dict, numbers: dict) -> Person:
    """A stored member, keyed by the number the sheet gives for its digest (else by the digest)."""
    digest = row.pop("id_number_hash")
    return Person(pk=row.pop("id"), sealed=row.pop("id_number"), id_number=numbers.get(digest, digest), **row)


def _chunks(items, size=_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


_ARRAY_CHUNK = 5000


def _matching(queryset, field: str, values):
    """The rows of `queryset` whose `field` is one of `values`, asked a chunk at a time, unordered (a
    member's default ordering joins every chunk to the households and sorts it). On PostgreSQL a
    chunk is one array parameter (`= ANY(%s)`) rather than an IN list of 900 parameters. Looking up
    a county sheet's 167,000 household numbers and 600,000 ID numbers in a prefecture's database
    (6 million people) took 9.3 s as ordered IN lists, 5.7 s this way."""
    queryset = queryset.order_by()
    if connection.vendor == "postgresql":
        model, quote = queryset.model, connection.ops.quote_name
        column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"
        for chunk in _chunks(values, _ARRAY_CHUNK):
            yield from queryset.filter(RawSQL(f"{column} = ANY(%s)", (chunk,), output_field=BooleanField()))  # noqa: S611 - names from _meta
        return
    for chunk in _chunks(values):
        yield from queryset.filter(**{f"{field}__in": chunk})


def _load_existing(checked, actor, *, unseen_people: bool = False) -> Existing:
    """What the registry holds of the sheet's households and people. With `unseen_people` (a sheet
    that passed its checks, to be written), a sheet of new households only — a county's first load
    beside other counties — has its people not looked up: each would be new, or registered in
    another household, which the members' unique digest refuses as the rows are written; the
    import, rolled back, then compares with care (_run_import). A county's 600,000 people looked
    up among the prefecture's 6 million cost 2–5 s; the write checks the same index anyway. A
    sheet with problems is compared first, so that its report lists every problem at once."""
    existing = Existing()
    if not Household.objects.exists():
        return existing  # a first load: nothing to compare with
    for row in _matching(Household.objects.values(*_HOUSEHOLD_LOAD), "number", sorted(checked.households)):
        existing.households[row["number"]] = row
    if unseen_people and not existing.households:
        existing.unseen_people = True
        return existing
    numbers = {sealing.digest(r.member.id_number): r.member.id_number
               for h in checked.households.values() for r in h.rows if r.person is not None}
    # In digest order: each chunk then reads its own stretch of the digests' index, once. A county's
    # 600,000 digests looked up in the prefecture's (6 million people, an index three times
    # PostgreSQL's default buffer cache) took 4.3–5.2 s in the sheet's order, 2.2 s sorted.
    for row in _matching(Member.objects.values(*_MEMBER_LOAD), "id_number_hash", sorted(numbers)):
        person = _person(row, numbers)
        existing.members_by_id[person.id_number] = person
    pks = [h["id"] for h in existing.households.values()]
    for chunk in _chunks(pks):
        for row in Member.objects.filter(household_id__in=chunk).values(*_MEMBER_LOAD):
            person = existing.members_by_id.get(numbers.get(row["id_number_hash"])) or _person(row, numbers)
            existing.members_of.setdefault(person.household_id, []).append(person)
        for row in Registration.objects.filter(household_id__in=chunk).values("household_id", *REG_FIELDS):
            existing.registrations[row.pop("household_id")] = row
        for household_id, name, cadre_id in Helper.objects.filter(household_id__in=chunk).values_list(
                "household_id", "name", "cadre_id"):
            existing.helpers.setdefault(household_id, {})[name] = cadre_id
        for household_id, category, value in CareOverride.objects.filter(household_id__in=chunk).values_list(
                "household_id", "category", "value"):
            existing.overrides.setdefault(household_id, {})[category] = value
    elsewhere = {p.household_id for p in existing.members_by_id.values()} - set(pks)
    for chunk in _chunks(elsewhere):
        existing.numbers_of.update((pk, (number, village)) for pk, number, village in Household.objects.filter(
            pk__in=chunk).values_list("id", "number", "village_id"))
    existing.numbers_of.update({h["id"]: (h["number"], h["village_id"]) for h in existing.households.values()})
    return existing


def _check_against_registry(checked, existing, actor) -> None:
    """The sheet's rows against the registry. Each person found in another household is refused, and
    for a role that may not reveal that refusal confirms a whole ID number: like a typed check, it
    counts against the ID-check limit (past it the import is refused, naming no row) and is logged.
    So does each guess (_guesses): a number new to the registry that reads like a person the actor
    sees, or a phone that reads like its household's — whether the import then counts a row new,
    updated or unchanged, or refuses it, would tell a masked number's hidden digits. Every one is
    logged, also in an import refused for them; once the limit is used up, any import of that actor
    is refused (a right guess, not counted, would otherwise complete)."""
    visible_villages = None if actor is None else actor.in_scope
    elsewhere = _guesses(checked, existing, actor) if actor is not None and not may_reveal(actor) else []
    for number, household in checked.households.items():
        current = existing.households.get(number)
        if current is not None and household.village_code and current["village_id"] != household.village_code:
            first = household.rows[0]
            if visible_villages is None or visible_villages(current["village_id"]):
                reason = _("户编号 %(number)s 已登记在另一个村（区划代码 %(code)s），不能重复使用；请核对户编号。") % {
                    "number": number, "code": current["village_id"]}
            else:
                reason = _("户编号 %(number)s 已被使用（不在您的管辖范围内）。") % {"number": number}
            checked.problem(first.row, "number", number, reason, number)
        in_file = set()
        for file_row in household.rows:
            if file_row.person is None:
                continue
            in_file.add(file_row.member.id_number)
            person = existing.members_by_id.get(file_row.member.id_number)
            if person is None:
                continue
            other_number, other_village = existing.numbers_of.get(person.household_id, (None, ""))
            if other_number == number:
                continue
            elsewhere.append(file_row.member.id_number)
            if visible_villages is None or visible_villages(other_village):
                reason = _("此人已登记在另一户（户编号 %(other)s）；一人只能属于一户：如已迁入本户，请先在原户页面将其移出（注明原因）再导入。") % {
                    "other": other_number}
            else:  # where a person outside the scope lives is not disclosed
                reason = _("此人已登记在其他户（不在您的管辖范围内）；一人只能属于一户。")
            checked.problem(file_row.row, "id_number", file_row.member.id_number, reason, number)
        if current is not None and any(r.get("relation") == "head" for r in household.rows):
            for person in existing.members_of.get(current["id"], []):
                if person.relation == "head" and person.id_number not in in_file:
                    checked.problem(household.rows[0].row, "relation", "户主",
                                    _("档案中本户已有户主（证件号码尾号 %(tail)s），且不在本文件中；一户只能有一位户主。")
                                    % {"tail": mask_id_number(person.sealed)[-4:]}, number)
    log_identifier_matches(actor=actor, numbers=elsewhere)  # first: a refused import's guesses are logged too
    check_identifiers(actor=actor, count=len(elsewhere), whole_answer=True)


def _guesses(checked, existing, actor) -> list[str]:
    """The sheet's numbers a guesser of masked digits writes, and nobody else: an ID number the
    registry does not hold that reads like a person `actor` sees — the same area code, last four and
    birth year, all the page shows of it (the pages show nothing of people outside the scope) — and a
    phone a household does not hold that reads like its own (first three and last four). A sheet of
    the registry's own people, or of a newborn, holds none (by chance, one new person in some
    thousands of a village's); the people in scope are read only for a sheet with new numbers."""
    guesses = []
    for number, household in checked.households.items():
        current = existing.households.get(number)
        phone = household.values.get("phone") or ""
        if current is not None and phone and current["phone"] and not sealing.same_value(current["phone"], phone) \
                and mask_phone_text(phone) == mask_phone(current["phone"]):
            guesses.append(phone)
    new = [row.member.id_number for household in checked.households.values() for row in household.rows
           if row.person is not None and existing.members_by_id.get(row.member.id_number) is None]
    if new:
        seen = {(mask_id_number(sealed), birth.year) for sealed, birth in
                Member.objects.visible_to(actor).exclude(birth_date=None).values_list("id_number", "birth_date")}
        guesses += [id_number for id_number in new
                    if len(id_number) == 18 and (mask_id_number_text(id_number), int(id_number[6:10])) in seen]
    return guesses


# --- the plan ----------------------------------------------------------------------------------------

@dataclass
class Plan:
    new_households: list = field(default_factory=list)  # (number, village, group, phone, lat, lon, *derived)
    changed_households: list = field(default_factory=list)  # (pk, fields dict)
    new_members: list = field(default_factory=list)  # (household key, checks.MemberRow)
    changed_members: list = field(default_factory=list)  # Person (with pk)
    registrations: list = field(default_factory=list)  # (household key, dict | None, existed)
    helpers: list = field(default_factory=list)  # (household key, [names], village code)
    touched: list = field(default_factory=list)  # (household key, number, "create"/"update", counts, village)
    counts: dict = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.touched)


def _registration_from_file(values, present, current):
    if not any(k in present for k in template.REGISTRATION_KEYS):
        return current  # the sheet says nothing about registration
    if not any(values.get(k) for k in template.REGISTRATION_KEYS):
        return None
    reg = dict(current) if current else {**dict.fromkeys(REG_FIELDS, ""), "year": None}
    for key in ("year", "attribute", "status", "main_cause"):
        if key in present:
            reg[key] = values.get(key) or (None if key == "year" else "")
    if "other_causes" in present:
        causes = list(values.get("other_causes") or [])
        reg["other_cause_1"], reg["other_cause_2"] = (causes + ["", ""])[:2]
    return reg


def _plan_members(plan, key, household, people, member_keys, counts) -> tuple[int, int]:
    """The members of an existing household (`people`: ID number → Person, updated in place with
    the sheet's columns); returns (created, updated)."""
    created = updated = 0
    for file_row in household.rows:
        row = file_row.member
        person = people.get(row.id_number)
        if person is None:
            people[row.id_number] = row
            plan.new_members.append((key, row))
            counts["members_created"] += 1
            created += 1
            continue
        before = person.member_tuple()
        person.sex, person.birth_date = row.sex, row.birth_date
        for name in member_keys:
            setattr(person, name, getattr(row, name))
        if before != person.member_tuple():
            plan.changed_members.append(person)
            counts["members_updated"] += 1
            updated += 1
        else:
            counts["members_unchanged"] += 1
    return created, updated


def _plan(checked, valid, existing, presealed) -> Plan:
    plan = Plan()
    present = checked.present
    member_keys = [name for name in MEMBER_KEYS if name in present]
    today = timezone.localdate()
    counts = dict.fromkeys(COUNT_KEYS, 0)
    for household in valid:
        current = existing.households.get(household.number)
        key = current["id"] if current else household.number
        changed = False
        if current is None:  # a new household (every one of a first load): its rows as they are
            people = {r.member.id_number: r.member for r in household.rows}
            plan.new_members.extend((key, member) for member in people.values())
            member_counts = (len(people), 0)
            counts["members_created"] += len(people)
        else:
            people = {p.id_number: p for p in existing.members_of.get(current["id"], [])}
            member_counts = _plan_members(plan, key, household, people, member_keys, counts)
        fields = {"village_id": household.village_code}
        for name in HOUSEHOLD_KEYS:
            if name in present:
                fields[name] = household.values.get(name, None if name in ("lat", "lon") else "")
        if "phone" in fields:  # sealed, or the stored envelope kept when the number is the same
            stored = current["phone"] if current else ""
            fields["phone"] = stored if sealing.same_value(stored, fields["phone"]) else presealed.seal(
                fields["phone"], "phone")
        overrides = existing.overrides.get(current["id"], {}) if current else {}
        fields.update(derive.household_fields(people.values(), overrides, today))
        reg_current = existing.registrations.get(current["id"]) if current else None
        reg_new = _registration_from_file(household.values, present, reg_current)
        if reg_new != reg_current:
            plan.registrations.append((key, reg_new, reg_current is not None))
            changed = True
        if "helpers" in present:
            names = list(household.values.get("helpers") or [])
            if set(names) != set(existing.helpers.get(current["id"], {}) if current else ()):
                plan.helpers.append((key, names, household.village_code))
                changed = True
        if current is None:
            plan.new_households.append((household.number, fields["village_id"], fields.get("group", ""),
                                        fields.get("phone", ""), fields.get("lat"), fields.get("lon"),
                                        *(fields[name] for name in derive.DERIVED_FIELDS)))
            counts["households_created"] += 1
            plan.touched.append((key, household.number, "create", member_counts, household.village_code))
            continue
        if any(current.get(name) != value for name, value in fields.items()):
            plan.changed_households.append((current["id"], fields))
            changed = True
        if changed or any(member_counts):
            counts["households_updated"] += 1
            plan.touched.append((key, household.number, "update", member_counts, household.village_code))
        else:
            counts["households_unchanged"] += 1
    plan.counts = counts
    return plan


# --- writing -------------------------------------------------------------------------------------------

_PLAN_BATCH = 20_000  # households planned, then written, at a time


def _plan_and_write(checked, valid, existing, *, actor, file_name, dry_run, presealed) -> dict:
    """Plan the upserts a batch of households at a time and, unless dry_run, write every batch in one
    transaction (all or nothing). While the server writes a batch and checks its foreign keys,
    Python plans and formats the next (bulk.Pipeline). Returns the counts; the import's summary
    event, written last, carries them too."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    if dry_run:
        for batch in _chunks(valid, _PLAN_BATCH):
            _add(counts, _plan(checked, batch, existing, presealed).counts)
        return counts
    run, now = uuid.uuid4().hex, timezone.now()  # the run links the households' events to the summary
    with _writing(valid) as pipe:
        context = _WriteContext(checked, valid, existing, actor=actor, run=run, now=now, presealed=presealed)
        for batch in _chunks(valid, _PLAN_BATCH):
            plan = _plan(checked, batch, existing, presealed)
            _add(counts, plan.counts)
            if not plan.has_changes:
                continue
            inserts = context.inserts(plan, pipe)
            pipe.wait()  # the previous batch is written: the connection is free
            context.changes(plan)
            pipe.send(inserts)
        if counts["households_created"] or counts["households_updated"]:  # the summary, in the same transaction
            summary = audit_event(actor=actor, action="household.import", object_type="registry.import",
                                  object_id=run, object_repr=str(file_name)[:255], region_code=_actor_region(actor),
                                  after=counts)
            summary.created_at = now
            pipe.send([pipe.prepare(AuditEvent, _AUDIT_INSERT, [tuple(getattr(summary, f) for f in _AUDIT_INSERT)])])
        pipe.wait()
    return counts


_FIRST_LOAD = 10_000  # households from which a load into an empty registry builds its indexes after
_LOADED = [Household, Member, Registration, Helper]


def _is_first_load(valid) -> bool:
    return len(valid) >= _FIRST_LOAD and not Household.objects.exists() and not Member.objects.exists()


@contextlib.contextmanager
def _writing(valid):
    """The import's transaction and the pipeline that writes it. A county's first load (a large
    sheet into an empty registry) builds the registry's secondary indexes, and checks the keys
    between its tables, once its rows are in rather than row by row (bulk.built_after_load); on
    SQLite a second process writes it (writer.WriterProcess)."""
    first = _is_first_load(valid)
    if first and writer.usable():
        with writer.WriterProcess(_LOADED) as pipe:
            yield pipe
        return
    with (transaction.atomic(), bulk.large_cache(),
          bulk.built_after_load(_LOADED) if first else contextlib.nullcontext(), bulk.Pipeline() as pipe):
        yield pipe


def _add(counts: dict, more: dict) -> None:
    for key, value in more.items():
        counts[key] += value


_HOUSEHOLD_INSERT = ["id", "created_at", "updated_at", "village_id", "number", "group", "address", "phone", "lat",
                     "lon", "version", *derive.DERIVED_FIELDS]
# The order of a new member's row: a checks.MemberRow after the first columns.
_MEMBER_INSERT = ["created_at", "updated_at", "household_id", "village_code", "name_pinyin", "id_number",
                  "id_number_hash", "id_number_tail", "sex", "birth_date", *MEMBER_KEYS, "medical_insurance",
                  "pension_insurance", "party_member"]
_MEMBER_UPDATE = ["updated_at", "village_code", "name", "name_pinyin", "sex", "birth_date", *MEMBER_KEYS[1:]]
_AUDIT_INSERT = ["created_at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr",
                 "region_code", "before", "after", "ip_address", "request_id"]


class _WriteContext:
    """Writes the plans of one import (inside its transaction). A plan's new rows are INSERTs that
    `inserts()` prepares without the database (the new households' ids are taken up front, the
    helpers' people looked up once); its changes to existing rows (`changes()`) run on the
    connection before those INSERTs are sent."""

    def __init__(self, checked, valid, existing, *, actor, run, now, presealed):
        self.checked, self.existing, self.run, self.now, self.presealed = checked, existing, run, now, presealed
        self.actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        self.actor_name = getattr(actor, "username", "") or "system"
        self.request_id = current_request_id()  # empty in the worker and the CLI, like audit_record's
        new = sum(1 for household in valid if household.number not in existing.households)
        self.new_ids = iter(bulk.allocate_ids(Household, new))
        self.pk_of: dict[str, int] = {}
        self.people = _helper_people(checked) if "helpers" in checked.present else {}

    def pk(self, key) -> int:
        """A plan's household key: the number of a new household, or an existing one's pk."""
        return self.pk_of[key] if isinstance(key, str) else key

    def inserts(self, plan, pipe) -> list:
        now, pk, seal = self.now, self.pk, self.presealed.seal_with_digests
        for number, *_rest in plan.new_households:
            self.pk_of[number] = next(self.new_ids)
        village_of = {pk(key): village for key, _n, _a, _c, village in plan.touched}
        return [
            pipe.prepare(Household, _HOUSEHOLD_INSERT, (
                (self.pk_of[number], now, now, village, number, group, "", phone, lat, lon, 1, *derived)
                for number, village, group, phone, lat, lon, *derived in plan.new_households)),
            pipe.prepare(Member, _MEMBER_INSERT, (
                (now, now, hid, village_of[hid], pinyin_key(p.name),
                 *seal(p.id_number, "id_number"), *p[1:], False, False, False)
                for hid, p in ((pk(key), p) for key, p in plan.new_members))),
            pipe.prepare(Registration, ["created_at", "updated_at", "household_id", *REG_FIELDS, "exit_year"], (
                (now, now, pk(key), *(reg[f] for f in REG_FIELDS), None)
                for key, reg, existed in plan.registrations if reg is not None and not existed)),
            pipe.prepare(Helper, ["household_id", "name", "cadre_id", "staff_id"], self._new_helpers(plan)),
            pipe.prepare(AuditEvent, _AUDIT_INSERT, self._events(plan)),
        ]

    def _new_helpers(self, plan):
        for key, names, village in plan.helpers:
            household_id = self.pk(key)
            have = self.existing.helpers.get(household_id, {}) if not isinstance(key, str) else {}
            yield from ((household_id, name, *self.people.get((village, name), (None, None)))
                        for name in names if name not in have)

    def _events(self, plan):
        """One event per created or changed household, so its history tab shows the import."""
        afters = {}  # (members created, members updated) → the event's JSON, shared by the rows alike
        for key, number, action, counts, village in plan.touched:
            after = afters.get(counts)
            if after is None:
                after = afters[counts] = bulk.JsonText(json.dumps(
                    {"import": self.run, "members_created": counts[0], "members_updated": counts[1]}))
            yield (self.now, self.actor_id, self.actor_name, f"household.import.{action}", "registry.household",
                   str(self.pk(key)), number, village, None, after, None, self.request_id)

    def changes(self, plan) -> None:
        """The plan's updates and deletions of existing rows (before its INSERTs: a head demoted
        here leaves room for a new head inserted after)."""
        now = self.now
        present_keys = [k for k in HOUSEHOLD_KEYS if k in self.checked.present]
        bulk.update_rows(Household, ["updated_at", "village_id", *present_keys, *derive.DERIVED_FIELDS], (
            (hid, now, fields["village_id"], *(fields[n] for n in present_keys),
             *(fields[n] for n in derive.DERIVED_FIELDS))
            for hid, fields in plan.changed_households))
        updated = [key for key, _n, action, _c, _v in plan.touched if action == "update"]
        for chunk in _chunks(updated):
            Household.objects.filter(pk__in=chunk).update(version=F("version") + 1)
        village_of = {key: village for key, _n, action, _c, village in plan.touched if action == "update"}
        bulk.update_rows(Member, _MEMBER_UPDATE, (
            (p.pk, now, village_of[p.household_id], p.name, pinyin_key(p.name), p.sex, p.birth_date,
             *(getattr(p, n) for n in MEMBER_KEYS[1:]))
            for p in plan.changed_members))
        bulk.update_rows(Registration, ["updated_at", *REG_FIELDS], (
            (key, now, *(reg[f] for f in REG_FIELDS)) for key, reg, existed in plan.registrations
            if reg is not None and existed), key="household_id")
        for chunk in _chunks(key for key, reg, _existed in plan.registrations if reg is None):
            Registration.objects.filter(household_id__in=chunk).delete()
        # An existing household's helpers no longer named (those still named stay: _new_helpers).
        named = {key: set(names) for key, names, _village in plan.helpers if not isinstance(key, str)}
        for chunk in _chunks(named):
            stale = [pk for pk, household_id, name in Helper.objects.filter(household_id__in=chunk).values_list(
                "pk", "household_id", "name") if name not in named[household_id]]
            Helper.objects.filter(pk__in=stale).delete()


def _helper_people(checked) -> dict:
    """(village code, name) → (cadre id, staff id): the cadres posted to the sheet's villages and the
    active staff of the units they come from, so that a helper the sheet names is linked to that
    person (a name that is neither stays a typed name). A cadre wins over a staff member of the same
    name."""
    villages = {h.village_code for h in checked.households.values() if h.values.get("helpers")}
    people: dict = {}
    for chunk in _chunks(villages):
        units: dict[int, set] = {}
        for village, cadre_id, name, unit_id in Assignment.objects.active().filter(village_id__in=chunk).values_list(
                "village_id", "cadre_id", "cadre__name", "cadre__sending_unit_id"):
            people[(village, name)] = (cadre_id, None)
            units.setdefault(unit_id, set()).add(village)
        for unit_id, staff_id, name in UnitStaff.objects.filter(active=True, sending_unit_id__in=list(units)).values_list(
                "sending_unit_id", "pk", "name"):
            for village in units[unit_id]:
                people.setdefault((village, name), (None, staff_id))
    return people


def _actor_region(actor) -> str:
    if actor is None or not getattr(actor, "scope_id", None):
        return settings.MINXIN_COUNTY_CODE
    return actor.scope_id
