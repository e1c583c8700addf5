"""Cleaning the text of county sheets: full-width characters, stray spaces, traditional characters,
yes/no variants, numbers stored as floats, and escaped formula-like cells.

The traditional → simplified map is deliberately small and explicit: the characters of the template's
headers and fixed vocabularies, and of the county's township and village names. Person names are not
converted (a name is written the way its owner writes it).
"""

import datetime
import re
import unicodedata

_TRADITIONAL = (
    "鄉乡 鎮镇 組组 戶户 編编 號号 證证 碼码 與与 關关 係系 狀状 況况 勞劳 動动 務务 時时 間间 養养 殘残 計计 "
    "點点 幫帮 聯联 繫系 電电 話话 貧贫 屬属 脫脱 態态 檔档 責责 經经 緯纬 兒儿 孫孙 學学 災灾 術术 資资 條条 "
    "後后 發发 專专 長长 喪丧 無无 縣县 內内 職职 監监 註注 銷销 區区 園园 場场 壩坝 龍龙 門门 槓杠 黃黄 連连 "
    "楊杨 馬马 觀观 鵝鹅 紅红 團团 關关 華华 陽阳 豐丰 銀银 廟庙 張张 陳陈 鄧邓 謝谢 結结 譙谯 夾夹 灘滩 曉晓 "
    "漢汉 侗侗 達达 億亿 歲岁 體体 醫医 療疗 險险 齡龄 費费 類类 與与 衛卫 營营 產产 戰战 麼么 個个 們们 裡里 "
    "會会 東东 車车 書书 僅仅 從从 優优 傳传 應应 實实 寫写 將将 對对 導导 層层 歷历 帶带 總总 機机 歸归 認认"
)
TRADITIONAL_TO_SIMPLIFIED = str.maketrans({pair[0]: pair[1] for pair in _TRADITIONAL.split()})

_SPACES = re.compile(r"\s+")
_FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r])")


def clean(value) -> str:
    """A cell as trimmed text: full-width folded (NFKC), inner runs of spaces kept as one space.

    ASCII text (most cells) skips the Unicode normalisation: it is the importer's hot path.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        value = cell_text(value)
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    value = value.strip()
    if "  " in value or "\t" in value or "\n" in value:
        value = _SPACES.sub(" ", value)
    if value[:1] == "'":
        value = _FORMULA_ESCAPE.sub("", value).strip()  # undo our own export's formula escaping
    return value


def cell_text(value) -> str:
    """A non-text cell (calamine gives int/float/bool/date) as the text a person would have typed."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)  # 5.20627199001e+17: the digits are lost; the ID check reports it
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def simplified(text: str) -> str:
    return text.translate(TRADITIONAL_TO_SIMPLIFIED)


def vocabulary(value: str) -> str:
    """A word of a fixed vocabulary: cleaned, traditional folded, no spaces at all."""
    return simplified(clean(value)).replace(" ", "")


def header_key(value) -> str:
    """A header as matched: cleaned, traditional folded, spaces and the required-mark * removed."""
    return vocabulary(value).replace("*", "")


_YES = {"是", "y", "yes", "1", "true", "√", "✓", "有"}
_NO = {"否", "n", "no", "0", "false", "×", "无", ""}


def yes_no(value) -> bool | None:
    """是/否, Y/N, 1/0 (and a few more) → bool; None if it is neither."""
    text = vocabulary(value).lower()
    if text.endswith(".0"):
        text = text[:-2]
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


_FLOAT_DIGITS = re.compile(r"^(\d+)\.0+$")


def digits_text(value: str) -> str:
    """'5206271062010001.0' → '5206271062010001' (a number that was stored as a float but kept its
    digits); anything else unchanged."""
    match = _FLOAT_DIGITS.match(value)
    return match.group(1) if match else value


def is_scientific(value: str) -> bool:
    return bool(re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", value))
