"""Loading the division tree from the county's list of codes (统计用区划代码): the townships and villages
an installation serves, before any account or record can be made under them (`minxin load-regions`).

All or nothing: every row is checked first — its code, its name, its parent (in the database or
earlier levels of the same list) — and one bad row writes nothing. A code already present keeps its
record; only its name and, for a village, its poor-village mark change, when the list says so.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from minxin.core.audit import audit_record
from minxin.core.errors import Problem
from minxin.regions import codes, data
from minxin.regions.models import Region
from minxin.regions.services import region_kind

MAX_ROWS = 50_000  # the prefecture's ten counties hold some 3,000 villages
MAX_FILE_BYTES = 20 * 1024 * 1024
_HEADERS = {
    "code": ("区划代码", "统计用区划代码", "代码", "code"),
    "name": ("名称", "区划名称", "name"),
    "is_poor": ("贫困村", "是否贫困村", "is_poor"),
}
_YES, _NO = ("是", "1", "true", "yes", "y"), ("否", "0", "false", "no", "n", "")
_NAME_MAX: int = Region._meta.get_field("name").max_length or 64


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    code: str
    name: str
    is_poor: bool | None


def regions_load(rows: Iterable[tuple[int, list[str]]], *, dry_run: bool = False) -> Outcome:
    """Check every row of the list (number, cells; the first non-empty row is the header), then,
    if none is wrong and not `dry_run`, create and update the regions in one transaction."""
    outcome = Outcome()
    checked = _check(rows, outcome.problems)
    existing = Region.objects.in_bulk([row.code for row in checked])
    parents = {codes.parent_code(row.code) for row in checked} - {None}
    known = {row.code for row in checked} | set(Region.objects.filter(code__in=parents).values_list("code", flat=True))
    for row in checked:
        parent = codes.parent_code(row.code)
        if parent is not None and parent not in known:
            outcome.problems.append(Problem(row.number, _("区划代码"), row.code,
                                            _("上级区划 %(parent)s 既不在数据库中，也不在本文件中。") % {"parent": parent}))
    if outcome.problems:
        outcome.problems.sort(key=lambda problem: problem.row)
        return outcome
    with transaction.atomic():
        _write(checked, existing, outcome)
        if dry_run:
            transaction.set_rollback(True)
        elif outcome.created or outcome.changed:
            audit_record(actor=None, action="region.load", object_type="regions.region",
                         object_repr=_("区划代码表"), region_code=codes.enclosing(outcome.created + outcome.changed) or data.PROVINCE[0],
                         after={"created": outcome.created, "changed": outcome.changed})
    return outcome


def _check(rows: Iterable[tuple[int, list[str]]], problems: list[Problem]) -> list[_Row]:
    columns: dict[str, int] | None = None
    checked: list[_Row] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        cells = [str(cell).strip() for cell in cells]
        if not any(cells):
            continue
        if columns is None:
            columns = _header(number, cells, problems)
            if columns is None:
                return []
            continue
        if len(checked) + len(problems) >= MAX_ROWS:
            problems.append(Problem(number, "", "", _("文件超过 %(max)d 行区划；请分成几个文件导入。") % {"max": MAX_ROWS}))
            return []
        row = _row(number, cells, columns, problems)
        if row is None:
            continue
        if row.code in seen:
            problems.append(Problem(number, _("区划代码"), row.code,
                                    _("与第 %(row)d 行的区划代码重复。") % {"row": seen[row.code]}))
            continue
        seen[row.code] = number
        checked.append(row)
    if columns is None:
        problems.append(Problem(1, "", "", _("文件是空的：应有一行表头（区划代码、名称）和至少一行区划。")))
    return sorted(checked, key=lambda row: codes.LEVELS.index(codes.level_of(row.code)))


def _header(number: int, cells: list[str], problems: list[Problem]) -> dict[str, int] | None:
    found = {}
    for key, names in _HEADERS.items():
        for index, cell in enumerate(cells):
            if cell.lower() in names:
                found[key] = index
                break
    missing = [names[0] for key, names in _HEADERS.items() if key != "is_poor" and key not in found]
    if missing:
        problems.append(Problem(number, "", "、".join(cells[:5]),
                                _("第一行应为表头，缺少列：%(columns)s。") % {"columns": "、".join(missing)}))
        return None
    return found


def _row(number: int, cells: list[str], columns: dict[str, int], problems: list[Problem]) -> _Row | None:
    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    count = len(problems)
    raw_code, name, poor = cell("code"), cell("name"), cell("is_poor")
    code = ""
    try:
        code = codes.normalize_code(raw_code)
    except codes.InvalidRegionCode as exc:
        problems.append(Problem(number, _("区划代码"), raw_code, str(exc)))
    if code and not (code.startswith(codes.prefix_of(data.PREFECTURE[0])) or code == data.PROVINCE[0]):
        problems.append(Problem(number, _("区划代码"), raw_code,
                                _("不在本系统服务的%(prefecture)s（%(prefix)s）之内。")
                                % {"prefecture": data.PREFECTURE[1], "prefix": codes.prefix_of(data.PREFECTURE[0])}))
    if not name:
        problems.append(Problem(number, _("名称"), "", _("名称不能为空。")))
    elif len(name) > _NAME_MAX:
        problems.append(Problem(number, _("名称"), name[:20] + "…", _("名称超过 %(max)d 个字。") % {"max": _NAME_MAX}))
    elif any(unicodedata.category(char).startswith("C") for char in name):
        problems.append(Problem(number, _("名称"), name.encode("unicode_escape").decode()[:40],
                                _("名称中含有控制字符。")))
    is_poor = None
    if poor.lower() in _YES:
        is_poor = True
    elif poor.lower() in _NO:
        is_poor = False if "is_poor" in columns and poor else None
    else:
        problems.append(Problem(number, _("贫困村"), poor, _("应填“是”或“否”。")))
    if is_poor and code and codes.level_of(code) != codes.VILLAGE:
        problems.append(Problem(number, _("贫困村"), poor, _("只有村（居）可以标为贫困村。")))
    return _Row(number, code, name, is_poor) if len(problems) == count else None


def _write(rows: list[_Row], existing: dict[str, Region], outcome: Outcome) -> None:
    """Rows in level order, so each parent is in place before its children."""
    for row in rows:
        region = existing.get(row.code)
        if region is None:
            level = codes.level_of(row.code)
            Region.objects.create(code=row.code, name=row.name, level=level, parent_id=codes.parent_code(row.code),
                                  kind=region_kind(row.code), is_poor=bool(row.is_poor))
            outcome.created.append(row.code)
            continue
        changes: dict[str, str | bool] = {"name": row.name} if region.name != row.name else {}
        if row.is_poor is not None and region.is_poor != row.is_poor:
            changes["is_poor"] = row.is_poor
        if changes:
            Region.objects.filter(code=row.code).update(**changes)
            outcome.changed.append(row.code)
        else:
            outcome.unchanged += 1
