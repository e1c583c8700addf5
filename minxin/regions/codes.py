"""12-digit statistical division codes (统计用区划代码), SPEC §2.

digits 1–2 province, 3–4 prefecture, 5–6 county, 7–9 township, 10–12 village. A region's
*prefix* is its code without the trailing zeros of the levels below it: the county 520627000000
has the prefix 520627, and "inside the scope" means a code starting with that prefix.
"""

import re
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

PROVINCE, PREFECTURE, COUNTY, TOWNSHIP, VILLAGE = "province", "prefecture", "county", "township", "village"
LEVELS = [PROVINCE, PREFECTURE, COUNTY, TOWNSHIP, VILLAGE]
LEVEL_LABELS = {
    PROVINCE: _("省"),
    PREFECTURE: _("市"),
    COUNTY: _("县"),
    TOWNSHIP: _("乡镇"),
    VILLAGE: _("村"),
}
# Length of the significant prefix at each level.
PREFIX_LENGTH = {PROVINCE: 2, PREFECTURE: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}
_VALID_LENGTHS = set(PREFIX_LENGTH.values())
_DIGITS = re.compile(r"^[0-9]+$")
# (start, end) of each digit group below the province, top first.
_GROUPS = [(2, 4), (4, 6), (6, 9), (9, 12)]


class InvalidRegionCode(ValueError):
    """The text cannot be a division code (not digits, or the wrong length)."""


def normalize_code(text: str) -> str:
    """Accept a 12-digit code or its significant prefix (2, 4, 6 or 9 digits); return 12 digits."""
    # Full-width digits (５２０６２７) are folded; other scripts' digits are not codes.
    code = unicodedata.normalize("NFKC", text or "").strip()
    if not _DIGITS.match(code) or len(code) not in _VALID_LENGTHS:
        raise InvalidRegionCode(
            _("区划代码“%(code)s”格式不正确：应为 12 位数字，或其 2/4/6/9 位前缀。") % {"code": text}
        )
    code = code.ljust(12, "0")
    if code[:2] == "00":
        raise InvalidRegionCode(_("区划代码“%(code)s”格式不正确：省级代码不能为 00。") % {"code": text})
    # A level's digits are zero only if every level below is zero too: 520627000201 (a village
    # with no township) names no region.
    for index, (start, end) in enumerate(_GROUPS):
        if set(code[start:end]) == {"0"} and any(set(code[s:e]) != {"0"} for s, e in _GROUPS[index + 1:]):
            raise InvalidRegionCode(
                _("区划代码“%(code)s”格式不正确：上级区划位为 0 时下级区划位也必须为 0。") % {"code": text}
            )
    return code


def county_code(text: str) -> str:
    """A county's 12-digit code, given whole or as its prefix (520627); InvalidRegionCode for a
    malformed code or one of another level."""
    code = normalize_code(text)
    if level_of(code) != COUNTY:
        raise InvalidRegionCode(_("区划代码“%(code)s”不是县级区划。") % {"code": text})
    return code


def level_of(code: str) -> str:
    """The level of a 12-digit code, read from which digit groups are non-zero."""
    if code[9:] != "000":
        return VILLAGE
    if code[6:9] != "000":
        return TOWNSHIP
    if code[4:6] != "00":
        return COUNTY
    if code[2:4] != "00":
        return PREFECTURE
    return PROVINCE


def prefix_of(code: str) -> str:
    """The significant prefix of a 12-digit code: what codes inside it start with."""
    return code[: PREFIX_LENGTH[level_of(code)]]


def parent_code(code: str) -> str | None:
    """The code of the enclosing region, or None for a province."""
    level = level_of(code)
    if level == PROVINCE:
        return None
    parent_level = LEVELS[LEVELS.index(level) - 1]
    return code[: PREFIX_LENGTH[parent_level]].ljust(12, "0")


def county_of(code: str) -> str | None:
    """The 12-digit code of the county a code or significant prefix lies in; None above county level."""
    whole = code.ljust(12, "0")
    return whole[:6].ljust(12, "0") if len(code) >= 6 and level_of(whole) not in (PROVINCE, PREFECTURE) else None


def counties_of(prefixes) -> set[str]:
    """The counties a scope's prefixes lie in (none for a prefix above county level)."""
    return {county for county in map(county_of, prefixes) if county is not None}


def enclosing(codes: Iterable[str]) -> str | None:
    """The 12-digit code of the smallest region holding every one of `codes` (12-digit codes): one
    of them, or a region above; None when they share no province (or there are none)."""
    codes = list(codes)
    for level in reversed(LEVELS):
        heads = {code[:PREFIX_LENGTH[level]] for code in codes}
        if len(heads) == 1:
            return heads.pop().ljust(12, "0")
    return None


def is_within(code: str, prefix: str) -> bool:
    return code.startswith(prefix)


def township_kind(code: str) -> str:
    """街道 (001–099), 镇 (100–199) or 乡 (200–399) from the township digits."""
    number = int(code[6:9])
    if number < 100:
        return "subdistrict"
    if number < 200:
        return "town"
    return "township"


def village_kind(code: str) -> str:
    """居委会 (001–199) or 村委会 (200–399) from the village digits."""
    return "community" if int(code[9:]) < 200 else "village"
