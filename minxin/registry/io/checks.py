"""Reading a household sheet into checked households: header matching, row parsing, and the rules
that span rows (one head per household, one record per person, household columns that agree, the
village inside the importer's scope, and what the registry already holds)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry.io import template
from minxin.registry.io.normalize import clean, vocabulary
from minxin.registry.io.rows import Parser


@dataclass
class Problem:
    row: int
    column: str
    value: str
    reason: str


# The member columns a row keeps once its household columns are merged into its household. A
# county sheet has 600,000 rows: a row is a small slotted object holding one tuple, not a dict.
MEMBER_KEYS = ("name", "relation", "ethnicity", "education", "school_status", "health", "labour", "migrant",
               "migrant_months", "dibao", "extreme_support", "disabled", "family_planning")
_INDEX = {key: index for index, key in enumerate(MEMBER_KEYS)}
ABSENT = object()
_ABSENTS = (ABSENT,) * len(MEMBER_KEYS)


class Ident:
    """The parts of a valid ID number the registry keeps."""

    __slots__ = ("number", "sex", "birth_date")

    def __init__(self, parsed):
        self.number, self.sex, self.birth_date = parsed.number, parsed.sex, parsed.birth_date


class FileRow:
    """One person's row, parsed: the member columns that the sheet has and that parsed."""

    __slots__ = ("row", "number", "member", "person")

    def __init__(self, row, number, values, person):
        self.row, self.number, self.person = row, number, Ident(person) if person is not None else None
        self.member = tuple(map(values.get, MEMBER_KEYS, _ABSENTS))

    def has(self, key) -> bool:
        return self.member[_INDEX[key]] is not ABSENT

    def get(self, key, default=None):
        value = self.member[_INDEX[key]]
        return default if value is ABSENT else value


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


def read_rows(sheet_rows, *, actor, progress=None, total=0) -> Checked:
    """Parse every row; group by household number; check the rules inside the file."""
    checked, parser = Checked(), Parser()
    header_seen = False
    villages = village_lookup()
    resolved: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    seen_ids: dict[str, tuple[int, str | None]] = {}
    for row_number, cells in sheet_rows:
        if not header_seen:
            if not any(clean(c) for c in cells):
                continue
            checked.columns = match_header(row_number, cells)
            checked.present = set(checked.columns.values())
            specs = [(index, key, parser.cache.get(key)) for index, key in checked.columns.items()]
            header_seen = True
            continue
        first = cells[0] if cells else None
        if not (isinstance(first, str) and first.strip()) and not any(
                c not in ("", None) and clean(c) for c in cells):
            continue  # a blank row (the first test is the fast path for a normal row)
        checked.rows += 1
        if progress and checked.rows % 20000 == 0:
            progress(checked.rows)
        values, errors = {}, []
        width = len(cells)
        for index, key, cache in specs:
            raw = cells[index] if index < width else ""
            hit = cache.get(raw) if cache is not None else None  # the hot path: a memoised word
            value, error = hit if hit is not None else parser.parse(key, raw)
            if error:
                errors.append((key, raw, error))
            else:
                values[key] = value
        for key in template.REQUIRED:
            if values.get(key, 0) in ("", None):
                errors.append((key, "", _("“%(header)s”是必填项。") % {"header": template.BY_KEY[key].header}))
                values.pop(key)
        number = values.get("number")
        person = values.pop("id_number", None)
        if person is not None:
            seen = seen_ids.get(person.number)
            if seen is None:
                seen_ids[person.number] = (row_number, number)
            else:
                first, first_household = seen
                errors.append(("id_number", person.number,
                               _("与第 %(row)d 行是同一个人（证件号码重复）。") % {"row": first}))
                checked.problem(first, "id_number", person.number,
                                _("与第 %(row)d 行是同一个人（证件号码重复）。") % {"row": row_number},
                                first_household)
        if "township" in values and "village" in values:
            key = (values["township"], values["village"])
            if key not in resolved:
                resolved[key] = _resolve_village(villages, key, actor)
            code, reason = resolved[key]
            if reason:
                errors.append(("village", values["village"], reason))
            else:
                values["village_code"] = code
        for key, raw, reason in errors:
            checked.problem(row_number, key, clean(raw), reason, number)
        if number is None:
            continue
        household = checked.households.get(number)
        if household is None:
            household = checked.households[number] = FileHousehold(number)
        _merge_household_values(checked, household, row_number, values)
        household.rows.append(FileRow(row_number, number, values, person))
    if not header_seen:
        raise HeaderError([Problem(1, "", "", _("文件里没有任何内容（连表头也没有）。"))])
    for household in checked.households.values():
        _check_heads(checked, household)
    return checked


def _resolve_village(villages, key, actor):
    township, village = key
    code = villages.get((township, village)) or villages.get(
        (_strip_suffix(township, TOWNSHIP_SUFFIXES), _strip_suffix(village, VILLAGE_SUFFIXES)))
    # Unknown and outside the scope get the same answer: existence outside the scope is not disclosed.
    if code is None or (actor is not None and not actor.in_scope(code)):
        return None, _("所在村“%(village)s”（%(township)s）不存在，或不在您的管辖范围内。") % {
            "village": village, "township": township}
    return code, None


_HOUSEHOLD_KEYS = [c.key for c in template.COLUMNS if c.household and c.key not in ("township", "village", "number")]
_SIGNATURE_KEYS = ("village_code", *_HOUSEHOLD_KEYS)


def _merge_household_values(checked, household, row_number, values):
    """Household columns repeat on each member row; they must agree (the phone excepted: members
    often write their own mobile, and the head's row wins)."""
    signature = tuple(map(values.get, _SIGNATURE_KEYS))
    if household.signature == signature:
        return  # the usual case: this row repeats the household's columns exactly
    if household.signature is None:
        household.signature, household.first_row = signature, row_number
    code = values.get("village_code")
    if code:
        if household.village_code and household.village_code != code:
            checked.problem(row_number, "village", values.get("village"),
                            _("与本户第 %(row)d 行的所在村不一致。") % {"row": household.first_row},
                            household.number)
        elif not household.village_code:
            household.village_code = code
    for key in _HOUSEHOLD_KEYS:
        if key not in values or values[key] in ("", None, []):
            continue
        value = values[key]
        if key == "phone":
            if "phone" not in household.values or values.get("relation") == "head":
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
