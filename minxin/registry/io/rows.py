"""Parsing the cells of a household sheet into clean values, or the reasons they cannot be.

Each column has a parser taking the cleaned text and returning the value (or raising RowError with a
message for the report). Cells are parsed a column of a chunk of rows at a time (see Parser).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from functools import partial
from itertools import repeat

from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.core.identifiers import InvalidIdentifier, id_number_parts, normalize_phone
from minxin.core.xlsx import FORMULA_STARTS
from minxin.registry import choices
from minxin.registry.io.normalize import clean, digits_text, is_scientific, simplified, vocabulary, yes_no


class RowError(ValueError):
    pass


_RELATION_ALIASES = {
    "本人": "head", "户主本人": "head", "妻子": "spouse", "丈夫": "spouse", "妻": "spouse", "夫": "spouse",
    "儿子": "son", "子": "son", "长子": "son", "次子": "son", "女儿": "daughter", "女": "daughter", "长女": "daughter",
    "次女": "daughter", "儿媳": "daughter_in_law", "女婿": "son_in_law", "孙子": "grandson", "孙女": "granddaughter",
    "外孙子女": "daughters_child", "外孙子": "daughters_child", "外孙女": "daughters_child", "父母": "parent",
    "父亲": "parent", "母亲": "parent", "祖父母": "grandparent", "兄弟姐妹": "sibling",
}
_MIGRANT_ALIASES = {"": "", "无": "none", "否": "none", "乡镇外县内务工": "county", "县外务工": "province",
                    "外出务工": "outside", "县外省内": "province", "省外": "outside"}
_SPLIT = re.compile(r"[、,，;；/|\s]+")


def _choice(choices_cls, label: str, column: str, aliases=None) -> str:
    word = vocabulary(label).replace("(", "").replace(")", "")
    if not word:
        return ""
    code = choices.code_for(choices_cls, word)
    if code is None and aliases:
        code = aliases.get(word) or aliases.get(word.removeprefix("之"))
    if code is None:
        options = "、".join(choices.labels_of(choices_cls))
        raise RowError(_("“%(value)s”不是有效的%(column)s，可选：%(options)s。")
                       % {"value": label, "column": column, "options": options})
    return code


_DIGIT = re.compile(r"\d")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def visible(raw):
    """The cell as read, refused if it holds a control character (a NUL, say): PostgreSQL cannot
    store one in text, and no export could write it back."""
    if isinstance(raw, str) and _CONTROL.search(raw):
        raise RowError(_("含有不可见的控制字符（如 NUL），无法保存；请删去后重新填写。"))
    return raw


def plain_text(text: str) -> str:
    """Free text (names, groups, numbers) that no spreadsheet program would take for a formula: one
    that would is refused, never stored to reach a later export or a clerk's Excel."""
    if text.startswith(FORMULA_STARTS):
        raise RowError(_("“%(value)s”以“%(char)s”开头，表格软件会把它当作公式执行，已拒绝；请删去开头的“%(char)s”。")
                       % {"value": text, "char": text[0]})
    return text


def parse_name(text: str) -> str:
    if not text:
        raise RowError(_("姓名不能为空。"))
    plain_text(text)
    if len(text) > 64 or _DIGIT.search(text):
        raise RowError(_("姓名“%(value)s”不像人名（过长或含数字）。") % {"value": text})
    return text


def parse_id(cell, today: datetime.date | None = None) -> tuple:
    """(ID number, sex, birth date): the parts of a valid ID number the registry keeps. Takes the
    cell as read: the ID rules fold full-width digits, spaces and float forms themselves."""
    try:
        return id_number_parts(cell, today=today)
    except InvalidIdentifier as exc:
        raise RowError(str(exc)) from None


def parse_number(text: str) -> str:
    text = plain_text(digits_text(text.replace(" ", "")))
    if not text:
        raise RowError(_("户编号不能为空。"))
    if is_scientific(text):
        raise RowError(_("户编号被 Excel 存成了科学计数法（%(value)s），末几位已丢失，请改为文本格式后重新填写。")
                       % {"value": text})
    if len(text) > 32:
        raise RowError(_("户编号过长（最多 32 位）。"))
    return text


def parse_group(text: str) -> str:
    text = plain_text(simplified(digits_text(text)))
    if len(text) > 32:
        raise RowError(_("村民小组名称过长。"))
    return f"{int(text)}组" if text.isdecimal() else text  # decimal digits of any script ("３"), not "²"


def parse_months(text: str) -> int | None:
    text = digits_text(text.removesuffix("个月").removesuffix("月").strip())
    if not text:
        return None
    if not text.isdecimal() or len(text) > 2 or int(text) > 12:
        raise RowError(_("务工时间应为 0–12 的整数（月）。"))
    return int(text)


def parse_flag(text: str) -> bool:
    value = yes_no(text)
    if value is None:
        raise RowError(_("“%(value)s”应为 是/否（也可写 Y/N 或 1/0）。") % {"value": text})
    return value


_MOBILE = re.compile(r"1\d{10}")
_MOBILE_PREFIX_OK: dict[str, bool] = {}


def parse_phone(text: str) -> str:
    text = digits_text(text)
    if _MOBILE.fullmatch(text):
        # A mainland mobile number's validity is decided by its first digits (the carrier's number
        # range, at most its first five digits); phonenumbers is asked once per 5-digit prefix.
        known = _MOBILE_PREFIX_OK.get(text[:5])
        if known is True:
            return text
        if known is None:
            try:
                valid = normalize_phone(text) == text
            except InvalidIdentifier:
                valid = False
            if len(_MOBILE_PREFIX_OK) < 100_000:
                _MOBILE_PREFIX_OK[text[:5]] = valid
            if valid:
                return text
    try:
        return normalize_phone(text)
    except InvalidIdentifier as exc:
        raise RowError(str(exc)) from None


def parse_year(text: str) -> int | None:
    text = digits_text(text.removesuffix("年"))[:4] if text else ""
    if not text:
        return None
    if not text.isdecimal() or not 2013 <= int(text) <= timezone.localdate().year:
        raise RowError(_("建档立卡年度应为 2013 年至今年之间的年份。"))
    return int(text)


def parse_causes(text: str) -> list[str]:
    words = [w for w in _SPLIT.split(text) if w]
    codes = [_choice(choices.Cause, w, _("致贫原因")) for w in words]
    codes = list(dict.fromkeys(codes))
    if len(codes) > 2:
        raise RowError(_("其他致贫原因最多填两项。"))
    return codes


def parse_helpers(text: str) -> list[str]:
    names = list(dict.fromkeys(plain_text(w) for w in _SPLIT.split(text) if w))
    if any(len(name) > 64 for name in names):
        raise RowError(_("帮扶责任人姓名过长。"))
    return names


def _coordinate(text: str, low, high, label) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.rstrip("°"))
    except InvalidOperation:
        raise RowError(_("%(label)s“%(value)s”不是数字。") % {"label": label(), "value": text}) from None
    if not low <= value <= high:
        raise RowError(_("%(label)s %(value)s 不在中国境内的范围（%(low)s–%(high)s）；经纬度是否填反了？")
                       % {"label": label(), "value": text, "low": low, "high": high})
    return value.quantize(MICRO)


MICRO = Decimal("0.000001")
LAT = (Decimal("3.8"), Decimal("53.6"))
LON = (Decimal("73.5"), Decimal("135.1"))


def parse_lat(text: str):
    return _coordinate(text, *LAT, lambda: _("纬度"))


def parse_lon(text: str):
    return _coordinate(text, *LON, lambda: _("经度"))


PARSERS = {
    "township": lambda t: vocabulary(t),
    "village": lambda t: vocabulary(t),
    "group": parse_group,
    "number": parse_number,
    "name": parse_name,
    "id_number": parse_id,
    "relation": lambda t: _choice(choices.Relation, t, _("与户主关系"), _RELATION_ALIASES) if t else _raise_required(),
    "ethnicity": lambda t: plain_text(simplified(t.replace(" ", "")))[:16],
    "education": lambda t: _choice(choices.Education, t, _("文化程度")),
    "school_status": lambda t: _choice(choices.SchoolStatus, t, _("在校生状况")),
    "health": lambda t: _choice(choices.Health, t, _("健康状况")),
    "labour": lambda t: _choice(choices.Labour, t, _("劳动技能")),
    "migrant": lambda t: _choice(choices.Migrant, t, _("务工状况"), _MIGRANT_ALIASES),
    "migrant_months": parse_months,
    "dibao": parse_flag,
    "extreme_support": parse_flag,
    "disabled": parse_flag,
    "family_planning": parse_flag,
    "phone": parse_phone,
    "attribute": lambda t: _choice(choices.Attribute, t, _("贫困户属性")),
    "status": lambda t: _choice(choices.Status, t, _("脱贫状态")),
    "main_cause": lambda t: _choice(choices.Cause, t, _("主要致贫原因")),
    "other_causes": parse_causes,
    "year": parse_year,
    "helpers": parse_helpers,
    "lon": parse_lon,
    "lat": parse_lat,
}
# Columns whose values repeat a lot: their parse results are memoised per import.
MEMOISED = {"township", "village", "group", "relation", "ethnicity", "education", "school_status", "health",
            "labour", "migrant", "migrant_months", "dibao", "extreme_support", "disabled", "family_planning",
            "attribute", "status", "main_cause", "other_causes", "year", "helpers"}


# Columns where almost every cell differs: parsed cell by cell, without looking for repeats.
DISTINCT = {"name", "id_number"}


def _raise_required():
    raise RowError(_("与户主关系不能为空。"))


class Parser:
    """Parses the cells of one import run, a column of a chunk of rows at a time.

    Each distinct raw value of a chunk is parsed once. Repetitive columns keep their parsed words
    for the whole run (a county sheet repeats the same township, yes/no and vocabulary words
    hundreds of thousands of times), so a chunk costs a few passes in C over its cells.
    """

    MAX_CACHE = 50_000

    def __init__(self):
        self.cache = {key: {} for key in MEMOISED}
        self.today = timezone.localdate()

    def _cell_parser(self, key: str):
        """The parser of one raw cell of a DISTINCT column."""
        if key == "id_number":  # the cell as read (see parse_id), and the day of the run
            return partial(parse_id, today=self.today)
        parse = PARSERS[key]
        return lambda raw: parse(clean(visible(raw)))

    def parse_column(self, key: str, raws: list, failed_value=None) -> tuple[list, dict]:
        """(values, failures): the parsed value of each raw cell (`failed_value` where it failed) and
        raw → reason for the cells that failed."""
        failures = {}
        cell = self._cell_parser(key)
        if key in DISTINCT:
            values = []
            for raw in raws:
                try:
                    values.append(cell(raw))
                except RowError as exc:
                    failures[raw] = str(exc)
                    values.append(failed_value)
            return values, failures
        cache = self.cache.get(key)
        if cache is None:
            cache = {}
        elif len(cache) > self.MAX_CACHE:
            cache.clear()
        for raw in set(raws):
            if raw in cache:
                continue
            try:
                cache[raw] = cell(raw)
            except RowError as exc:
                failures[raw] = str(exc)
        return list(map(cache.get, raws, repeat(failed_value))), failures
