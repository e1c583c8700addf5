"""Reading a CSV file as Chinese offices save it: UTF-8 (with or without a BOM) or GBK, commas or tabs.

Shared by the household importer (registry) and the region list (regions): both refuse a file they
cannot read with UnreadableCsv, whose message says why, before any row is looked at.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from typing import Any

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

_SAMPLE = 256 * 1024


class UnreadableCsv(ValueError):
    """The file is not a CSV text Minxin can read; the message says why."""


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) first; otherwise what charset-normalizer finds, where any GB
    encoding is read as GB18030 (the superset of GBK and GB2312 that Chinese Excel writes)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a character cut by the sample's end
            return "utf-8"
    best = from_bytes(sample).best()
    if best is None:
        raise UnreadableCsv(_("无法识别 CSV 文件的字符编码；请另存为 UTF-8 或 GBK。"))
    encoding = best.encoding.lower().replace("_", "")
    if encoding in ("gbk", "gb2312", "gb18030", "hz", "cp936"):
        return "gb18030"
    return best.encoding


def read_csv(path: str, *, max_rows: int) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """(encoding, rows): each row as (its 1-based number, its cells). A file with NUL bytes in its
    head, of an unknown encoding, or of more than `max_rows` lines is refused."""
    with open(path, "rb") as handle:
        sample = handle.read(_SAMPLE)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text" (tabs)
        encoding = "utf-16"
    elif b"\x00" in sample[:4096]:
        raise UnreadableCsv(_("这不是文本格式的 CSV 文件。"))
    else:
        encoding = detect_encoding(sample)
    try:
        text = _read(path, encoding)
    except UnicodeDecodeError:
        encoding = "gb18030"
        try:
            text = _read(path, encoding)
        except UnicodeDecodeError:
            raise UnreadableCsv(_("CSV 文件的字符编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）。")) from None
    if text.count("\n") > max_rows + 1:
        raise UnreadableCsv(_("文件超过 %(max)d 行；请分成几个文件导入。") % {"max": max_rows})
    head = text[:4096]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    return encoding, _rows(csv.reader(io.StringIO(text), delimiter=delimiter))


def _rows(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """The rows, numbered; a line the csv module cannot read (a cell longer than its limit, a stray
    quote in strict mode) refuses the file naming the line, not a traceback."""
    number = 0
    try:
        for number, row in enumerate(reader, start=1):  # noqa: B007 - the number is read after a failure
            yield number, row
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            reason = _("有一个单元格超过 %(n)d 个字符") % {"n": csv.field_size_limit()}
        else:
            reason = str(exc)
        raise UnreadableCsv(_("第 %(line)d 行无法按 CSV 读取：%(reason)s。") % {"line": reader.line_num or number + 1,
                                                                          "reason": reason}) from None


def _read(path: str, encoding: str) -> str:
    with open(path, encoding=encoding, newline="") as handle:
        return handle.read()
