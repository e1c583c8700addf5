"""Reading a household sheet into checked households: header matching, row parsing, and the rules
that span rows (one head per household, one record per person, household columns that agree, the
village inside the importer's scope, and what the registry already holds)."""

from collections import namedtuple
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice, repeat

from django.utils.translation import gettext as _

from minxin.core.errors import Problem
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry.io import layout, template
from minxin.registry.io.normalize import clean, vocabulary
from minxin.registry.io.rows import Parser

# The member columns a row keeps once its household columns are merged into its household.
MEMBER_KEYS = ("name", "relation", "ethnicity", "education", "school_status", "health", "labour", "migrant",
               "migrant_months", "dibao", "extreme_support", "disabled", "family_planning")
MEMBER_DEFAULTS = {"name": "", "relation": "other", "ethnicity": "", "education": "", "school_status": "",
                   "health": "", "labour": "", "migrant": "", "migrant_months": None, "dibao": False,
                   "extreme_support": False, "disabled": False, "family_planning": False}
ABSENT = object()  # a cell that failed to parse
_ABSENT_ID = (ABSENT, ABSENT, ABSENT)

# One person as the sheet gives it: the parts of the ID number, then the member columns (a column
# the sheet does not have holds its default). A county sheet has 600,000 rows: a row is a tuple.
MemberRow = namedtuple("MemberRow", ["id_number", "sex", "birth_date", *MEMBER_KEYS])


class FileRow(namedtuple("FileRow", ["row", "number", "member"])):
    """One row of the sheet: its row number, household number (None if missing) and MemberRow."""

    __slots__ = ()

    @property
    def person(self):
        """The MemberRow, if the row's ID number is valid."""
        return self.member if self.member.id_number is not ABSENT else None

    def has(self, key) -> bool:
        return getattr(self.member, key) is not ABSENT

    def get(self, key, default=None):
        value = getattr(self.member, key)
        return default if value is ABSENT else value


# Built from zipped columns in C (namedtuple's own constructors are Python functions).
_new_member_row = partial(tuple.__new__, MemberRow)
_new_file_row = partial(tuple.__new__, FileRow)


@dataclass(slots=True)
class FileHousehold:
    number: str
    rows: list = field(default_factory=list)
    village_code: str = ""
    values: dict = field(default_factory=dict)  # household columns: key -> value
    first_row: int = 0  # the row whose household columns the others are compared with
    signature: tuple | None = None  # the first row's household columns, to skip identical repeats


class Checked:
    """The outcome of reading: households, problems, and which household numbers are bad."""

    def __init__(self):
        self.columns: dict[int, str] = {}
        self.present: set[str] = set()
        self.households: dict[str, FileHousehold] = {}
        self.problems: list[Problem] = []
        self.bad: set[str] = set()
        self.rows = 0
        self.header: layout.Header | None = None
        self.skipped: dict[str, list[int]] = {}  # kind (layout.row_kind, numbering, outside) → row numbers

    def problem(self, row: int, key: str, value, reason: str, number: str | None = None) -> None:
        header = template.BY_KEY[key].header if key in template.BY_KEY else key
        self.problems.append(Problem(row, header, "" if value is None else str(value), reason))
        if number:
            self.bad.add(number)


class HeaderError(Exception):
    def __init__(self, problems):
        super().__init__("header")
        self.problems = problems


def match_header(row_number: int, cells) -> dict[int, str]:
    columns, seen, problems = {}, {}, []
    for index, cell in enumerate(cells):
        key = template.column_for(cell)
        if key is None:
            continue
        if key in seen:
            problems.append(Problem(row_number, clean(cell), "", _("列“%(header)s”出现了两次（另见第 %(col)d 列）。")
                                    % {"header": template.BY_KEY[key].header, "col": seen[key] + 1}))
        seen[key] = index
        columns[index] = key
    for key in template.REQUIRED:
        if key not in seen:
            problems.append(Problem(row_number, template.BY_KEY[key].header, "",
                                    _("缺少必填列“%(header)s”（表头应为导入模板的列名）。")
                                    % {"header": template.BY_KEY[key].header}))
    if problems:
        raise HeaderError(problems)
    return columns


def _strip_suffix(name: str, suffixes) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


TOWNSHIP_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
VILLAGE_SUFFIXES = ("村委会", "居委会", "社区", "村")


def village_lookup() -> dict[tuple[str, str], str]:
    """(township name, village name) → village code, accepting names with or without 镇/村."""
    lookup = {}
    rows = Region.objects.filter(level=codes.VILLAGE).values_list("code", "name", "parent__name")
    for code, name, township in rows:
        for t in {vocabulary(township), _strip_suffix(vocabulary(township), TOWNSHIP_SUFFIXES)}:
            for v in {vocabulary(name), _strip_suffix(vocabulary(name), VILLAGE_SUFFIXES)}:
                lookup[(t, v)] = code
    return lookup


_CHUNK_ROWS = 5000
_HOUSEHOLD_KEYS = [c.key for c in template.COLUMNS if c.household and c.key not in ("township", "village", "number")]


def read_rows(sheet_rows, *, actor, progress=None, presealed=None) -> Checked:
    """Find the header (layout.find_header); parse every row after it; group by household number;
    check the rules inside the file. `presealed` (core.presealing) is given the ID numbers and phones
    as they are parsed, to seal them while the rest of the sheet is checked."""
    checked = Checked()
    reader = _ChunkReader(checked, actor, presealed)  # its lookups, made while an .xlsx is still loading
    rows = iter(sheet_rows)
    head = []  # the sheet's first HEAD_ROWS rows (a reader may leave blank rows out)
    for row in rows:
        if row[0] > layout.HEAD_ROWS:
            rows = chain([row], rows)
            break
        head.append(row)
    header = layout.find_header(head)
    if header is None:
        first = next(((number, cells) for number, cells in head if any(clean(c) for c in cells)), None)
        if first is None:
            raise HeaderError([Problem(1, "", "", _("文件里没有任何内容（连表头也没有）。"))])
        header = layout.Header(first[0], list(first[1]), complete=False)
    checked.columns = match_header(header.row, header.cells)
    checked.present = set(checked.columns.values())
    checked.header = header
    reader.start()
    rows = chain(((number, cells) for number, cells in head if number > header.row), rows)
    while chunk := list(islice(rows, _CHUNK_ROWS)):
        reader.read(chunk)
        if progress:
            progress(checked.rows)
    for household in checked.households.values():
        _check_heads(checked, household)
    return checked


def _failed(key):
    """What a cell of column `key` holds when it did not parse (the ID column holds three parts)."""
    return _ABSENT_ID if key == "id_number" else ABSENT


def _blank(cell) -> bool:
    return cell in ("", None) or not clean(cell)


class _ChunkReader:
    """Reads the rows after the header a chunk at a time: each column of the chunk is parsed in one
    pass (see rows.Parser); the rules that span rows run per row, on parsed values."""

    def __init__(self, checked, actor, presealed=None):
        self.checked, self.actor, self.parser, self.presealed = checked, actor, Parser(), presealed
        self.villages = village_lookup()
        self.village_codes: dict[tuple[str, str], str] = {}
        self.village_errors: dict[tuple[str, str], str] = {}
        self.seen_ids: dict[str, FileRow] = {}  # ID number → the first row that has it

    def start(self) -> None:
        """The header is known: where the rows' telling cells are."""
        columns = self.checked.columns
        self.mapped = sorted(columns)
        self.first_index = self.mapped[0]
        self.id_index = next(index for index, key in columns.items() if key == "id_number")
        self.first_row = True  # the row under the header may number the columns

    def _members(self, chunk) -> list:
        """The rows that hold a member: blank rows are dropped, and rows that are not members (a total,
        a note under the table, a repeated header, the columns' numbering, a row filled only outside
        the template's columns) are set aside by kind for the report."""
        kept = []
        first_index, id_index, mapped = self.first_index, self.id_index, self.mapped
        for number, cells in chunk:
            size = len(cells)
            first = cells[first_index] if first_index < size else None
            if not (isinstance(first, str) and first.strip()) and all(
                    index >= size or _blank(cells[index]) for index in mapped):
                if any(not _blank(cell) for cell in cells):
                    self._set_aside("outside", number)
                continue
            id_cell = cells[id_index] if id_index < size else None
            if self.first_row:
                self.first_row = False
                if layout.is_numbering(cells):
                    self._set_aside("numbering", number)
                    continue
            if not (isinstance(id_cell, str) and id_cell[:1].isdigit()) and not isinstance(id_cell, int | float):
                kind = layout.row_kind(cells, self.checked.columns)
                if kind is not None:
                    self._set_aside(kind, number)
                    continue
            kept.append((number, cells))
        return kept

    def _set_aside(self, kind: str, number: int) -> None:
        self.checked.skipped.setdefault(kind, []).append(number)

    def read(self, chunk) -> None:
        checked = self.checked
        chunk = self._members(chunk)
        if not chunk:
            return
        checked.rows += len(chunk)
        row_numbers = [number for number, _cells in chunk]
        width = max(checked.columns) + 1
        rows = [cells if len(cells) >= width else [*cells, *[""] * (width - len(cells))]
                for _number, cells in chunk]
        errors: dict[int, list] = {}  # index in the chunk → [(column key, raw cell, reason)]
        column: dict[str, list] = {}
        cells_of = list(zip(*rows, strict=False))  # the chunk's columns (rows are at least `width` long)
        for index, key in checked.columns.items():
            raws = cells_of[index]
            values, failures = self.parser.parse_column(key, raws, _failed(key))
            if failures:
                for i, raw in enumerate(raws):
                    if raw in failures:
                        errors.setdefault(i, []).append((key, raw, failures[raw]))
            column[key] = values
        for key in template.REQUIRED:
            values = column[key]
            if "" in values or None in values:
                for i, value in enumerate(values):
                    if value == "" or value is None:
                        errors.setdefault(i, []).append(
                            (key, "", _("“%(header)s”是必填项。") % {"header": template.BY_KEY[key].header}))
                        values[i] = _failed(key)
        places = list(zip(column["township"], column["village"], strict=True))
        village_codes, late_errors = self._villages(places)
        id_numbers, sexes, births = zip(*column["id_number"], strict=True)
        members = list(map(_new_member_row, zip(id_numbers, sexes, births, *(
            column.get(key) or repeat(MEMBER_DEFAULTS[key]) for key in MEMBER_KEYS), strict=False)))
        numbers = column["number"]
        if ABSENT in numbers:
            numbers = [None if number is ABSENT else number for number in numbers]
        file_rows = list(map(_new_file_row, zip(row_numbers, numbers, members, strict=True)))
        valid_ids = [number for number in id_numbers if number is not ABSENT]
        if self.presealed is not None:
            self.presealed.submit("id_number", valid_ids)
            if "phone" in column:
                self.presealed.submit("phone", [p for p in set(column["phone"]) if p and p is not ABSENT])
        repeats = len(set(valid_ids)) != len(valid_ids) or not self.seen_ids.keys().isdisjoint(valid_ids)
        if errors or late_errors or repeats:
            self._report(file_rows, errors, late_errors, repeats, column["village"])
        if not repeats:
            self.seen_ids.update(zip(id_numbers, file_rows, strict=True))
            self.seen_ids.pop(ABSENT, None)
        signatures = zip(village_codes, *(column.get(key) or repeat(None) for key in _HOUSEHOLD_KEYS), strict=False)
        households, villages = checked.households, column["village"]
        for i, (file_row, signature) in enumerate(zip(file_rows, signatures, strict=False)):
            number = file_row.number
            if number is None:
                continue
            household = households.get(number)
            if household is None:
                household = households[number] = FileHousehold(number)
            if household.signature != signature:
                _merge_household_values(checked, household, file_row, signature, villages[i])
            household.rows.append(file_row)

    def _report(self, file_rows, errors, late_errors, repeats, villages) -> None:
        """The problems of each row of the chunk, in row order and, within a row, column order."""
        for i, file_row in enumerate(file_rows):
            row_errors = errors.get(i, [])
            if repeats and file_row.member.id_number is not ABSENT:
                row_errors += self._repeated(file_row)
            if i in late_errors:
                row_errors.append(("village", villages[i], late_errors[i]))
            for key, raw, reason in row_errors:
                self.checked.problem(file_row.row, key, clean(raw), reason, file_row.number)

    def _villages(self, places) -> tuple[list, dict]:
        """The village code of each row (ABSENT where unknown), and index → reason for the rows whose
        village is unknown or outside the importer's scope."""
        for place in set(places):
            if ABSENT in place or place in self.village_codes or place in self.village_errors:
                continue
            code, reason = _resolve_village(self.villages, place, self.actor)
            if reason:
                self.village_errors[place] = reason
            else:
                self.village_codes[place] = code
        late_errors = {}
        if not self.village_errors.keys().isdisjoint(places):
            late_errors = {i: self.village_errors[place] for i, place in enumerate(places)
                           if place in self.village_errors}
        return list(map(self.village_codes.get, places, repeat(ABSENT))), late_errors

    def _repeated(self, file_row) -> list:
        """The same person on two rows: an error on this row, and a problem on the first."""
        first = self.seen_ids.get(file_row.member.id_number)
        if first is None:
            self.seen_ids[file_row.member.id_number] = file_row
            return []
        self.checked.problem(first.row, "id_number", file_row.member.id_number,
                             _("与第 %(row)d 行是同一个人（证件号码重复）。") % {"row": file_row.row}, first.number)
        return [("id_number", file_row.member.id_number,
                 _("与第 %(row)d 行是同一个人（证件号码重复）。") % {"row": first.row})]


def _resolve_village(villages, key, actor):
    township, village = key
    code = villages.get((township, village)) or villages.get(
        (_strip_suffix(township, TOWNSHIP_SUFFIXES), _strip_suffix(village, VILLAGE_SUFFIXES)))
    # Unknown and outside the scope get the same answer: existence outside the scope is not disclosed.
    if code is None or (actor is not None and not actor.in_scope(code)):
        return None, _("所在村“%(village)s”（%(township)s）不存在，或不在您的管辖范围内。") % {
            "village": village, "township": township}
    return code, None


def _merge_household_values(checked, household, file_row, signature, village):
    """Household columns repeat on each member row; they must agree (the phone excepted: members
    often write their own mobile, and the head's row wins). `signature` is the row's village code
    and household columns (_HOUSEHOLD_KEYS); a row that repeats the first row's exactly is skipped
    by the caller. `village`: the row's village as written (for the report)."""
    row_number, relation = file_row.row, file_row.member.relation
    if household.signature is None:
        household.signature, household.first_row = signature, row_number
    code, *values = signature
    if code is not ABSENT:
        if household.village_code and household.village_code != code:
            checked.problem(row_number, "village", village,
                            _("与本户第 %(row)d 行的所在村不一致。") % {"row": household.first_row},
                            household.number)
        elif not household.village_code:
            household.village_code = code
    for key, value in zip(_HOUSEHOLD_KEYS, values, strict=True):
        if value is ABSENT or value in ("", None, []):
            continue
        if key == "phone":
            if "phone" not in household.values or relation == "head":
                household.values["phone"] = value
            continue
        if key not in household.values:
            household.values[key] = value
        elif household.values[key] != value:
            checked.problem(row_number, key, value,
                            _("与本户第 %(row)d 行的“%(header)s”不一致（同一户的户信息应相同）。")
                            % {"row": household.first_row, "header": template.BY_KEY[key].header},
                            household.number)


def _check_heads(checked, household):
    heads = [r for r in household.rows if r.get("relation") == "head"]
    if not heads and all(r.has("relation") for r in household.rows):
        first = household.rows[0]
        checked.problem(first.row, "relation", "", _("户编号 %(number)s 的家庭没有户主（“与户主关系”应有一行为“户主”）。")
                        % {"number": household.number}, household.number)
    for extra in heads[1:]:
        checked.problem(extra.row, "relation", "户主", _("户编号 %(number)s 已有户主（第 %(row)d 行），一户只能有一位户主。")
                        % {"number": household.number, "row": heads[0].row}, household.number)
    registration_given = any(k in household.values for k in template.REGISTRATION_KEYS)
    if registration_given:
        for key in ("attribute", "status"):
            if key in checked.present and key not in household.values:
                checked.problem(household.rows[0].row, key, "", _("建档立卡户须填写“%(header)s”。")
                                % {"header": template.BY_KEY[key].header}, household.number)
