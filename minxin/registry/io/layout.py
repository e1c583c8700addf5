"""How county sheets are really laid out around the template's columns (SPEC §6), without Django:
the sheet reader's child process uses it to pick the sheet that holds the template.

Above the column names there may be a title (often merged across the columns), a 填报单位 / 填报日期
line, and a group row (户基本信息 / 家庭成员信息) whose cells stand above several columns — and, where a
column's name is merged down over both rows (户编号), hold that column's name themselves. Below the
data there may be 合计 rows, a 填表人 line, repeated header rows (a header printed on each page), a
row numbering the columns (1, 2, 3 …), and rows filled only in columns outside the template (a
pre-numbered 序号 column).
"""

import re
from dataclasses import dataclass, field

from minxin.registry.io import template
from minxin.registry.io.normalize import clean

HEAD_ROWS = 30  # the column names are looked for within the sheet's first rows


@dataclass
class Header:
    row: int  # the row of the column names (1-based)
    cells: list  # the column names, a group row's merged-down names filled in
    complete: bool  # every required column found
    group_row: int | None = None  # the group row above, when its cells name columns too
    above: list = field(default_factory=list)  # (row number, kind, text) of the filled rows above


def keys_of(cells) -> dict[int, str]:
    keys = {}
    for index, cell in enumerate(cells):
        key = template.column_for(cell)
        if key is not None:
            keys[index] = key
    return keys


def _texts(cells) -> list[str]:
    return [text for text in map(clean, cells) if text]


def _combined(upper, lower) -> list:
    """The lower row's names, with the upper row's where the lower cell is empty (merged down)."""
    width = max(len(upper), len(lower))
    upper, lower = [*upper, *[""] * (width - len(upper))], [*lower, *[""] * (width - len(lower))]
    return [low if clean(low) else up for up, low in zip(upper, lower, strict=True)]


def _has_required(keys: dict[int, str]) -> bool:
    return set(template.REQUIRED) <= set(keys.values())


def find_header(head) -> Header | None:
    """The header within `head` (the sheet's first rows as (row number, cells)): the first row that
    names every required column, alone or with the row above it as a group row. Failing that, the
    row naming the most template columns (complete=False: its missing columns are reported); None
    if no row names any."""
    filled = [(number, cells) for number, cells in head[:HEAD_ROWS] if _texts(cells)]
    best = None
    for position, (number, cells) in enumerate(filled):
        keys = keys_of(cells)
        if not keys:
            continue
        if _has_required(keys):
            return _header(filled, position, cells, None)
        if position:
            upper_number, upper = filled[position - 1]
            combined = _combined(upper, cells)
            if _has_required(keys_of(combined)):
                return _header(filled, position, combined, upper_number)
        if best is None or len(keys) > len(keys_of(best.cells)):
            best = Header(number, list(cells), complete=False)
    return best


def _header(filled, position, cells, group_row) -> Header:
    number = filled[position][0]
    above = []
    for index, (row, row_cells) in enumerate(filled[:position]):
        texts = _texts(row_cells)
        above.append((row, _kind_above(texts, row == group_row or index == position - 1), "　".join(texts)))
    return Header(number, list(cells), complete=True, group_row=group_row, above=above)


_FILING = ("填报单位", "填表单位", "填报日期", "填表日期", "统计时间", "统计日期", "单位:", "日期:", "截止")


def _kind_above(texts: list[str], next_to_header: bool) -> str:
    """title | filing (填报单位 / 日期) | group (a group row) | other."""
    joined = "".join(texts).replace(" ", "")
    if any(word in joined for word in _FILING):
        return "filing"
    if next_to_header and len(set(texts)) > 1:
        return "group"
    if len(set(texts)) == 1:
        return "title"
    return "other"


_TOTAL = re.compile(r"^(合|总|小|共)计[:]?$")
_NOTE_PREFIXES = ("填表人", "填报人", "审核人", "制表人", "负责人", "单位负责人", "统计人", "经办人", "备注", "说明",
                  "注:", "注1", "签字", "盖章")


def row_kind(cells, columns: dict[int, str]) -> str | None:
    """What a row without an ID number is, if it is not a member: total | note | header (a header
    row repeated) — None for an ordinary (if faulty) row."""
    texts = [text.replace(" ", "") for text in map(clean, cells) if text]
    if not texts:
        return None
    if any(_TOTAL.match(text) for text in texts):
        return "total"
    if texts[0].startswith(_NOTE_PREFIXES):
        return "note"
    mapped = sum(1 for index, key in columns.items() if index < len(cells) and template.column_for(cells[index]) == key)
    if mapped >= len(template.REQUIRED):
        return "header"
    return None


def is_numbering(cells) -> bool:
    """A row numbering the columns under the header: 1, 2, 3 … (or (1), (2) …) from its first cell."""
    texts = [clean(cell).strip("()（）") for cell in cells]
    filled = [text for text in texts if text]
    return len(filled) >= 3 and all(text.isdecimal() and len(text) < 5 for text in filled) and [int(t) for t in filled] == list(
        range(int(filled[0]), int(filled[0]) + len(filled)))
