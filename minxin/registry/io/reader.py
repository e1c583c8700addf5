"""Opening an uploaded sheet safely: .xlsx, .xls or .csv → (row number, cells) rows.

A file is refused (UnusableFile → exit 2) before it can exhaust memory: its size is capped, an .xlsx
zip is inspected with zipfile (declared uncompressed sizes and compression ratios) before calamine
sees it, and the row count is capped. Formulas are never evaluated: calamine returns the value the
file cached, and a CSV cell is text.
"""

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from charset_normalizer import from_bytes
from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnusableFile(Exception):
    """The file cannot be read as a household sheet at all; the message says why."""


@dataclass
class Sheet:
    kind: str  # "xlsx", "xls" or "csv"
    rows: Iterator  # (row_number, list of cells); row numbers are the sheet's own (1-based)
    encoding: str = ""


def open_sheet(path: str, *, name: str | None = None) -> Sheet:
    name = name or os.path.basename(path)
    ext = os.path.splitext(name)[1].lower()
    size = os.path.getsize(path)
    if size == 0:
        raise UnusableFile(_("文件是空的。"))
    if size > settings.MINXIN_IMPORT_MAX_FILE_BYTES:
        raise UnusableFile(_("文件太大（%(size)d MB），上限为 %(max)d MB。")
                           % {"size": size // 2**20, "max": settings.MINXIN_IMPORT_MAX_FILE_BYTES // 2**20})
    with open(path, "rb") as handle:
        head = handle.read(8)
    if ext == ".csv":
        if head.startswith(XLSX_MAGIC) or head.startswith(OLE_MAGIC):
            raise UnusableFile(_("文件扩展名是 .csv，内容却是 Excel 工作簿；请改正扩展名。"))
        return _csv(path)
    if ext in (".xlsx", ".xlsm"):
        if not head.startswith(XLSX_MAGIC):
            raise UnusableFile(_("这不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）。"))
        _check_zip(path)
        return _workbook(path, "xlsx")
    if ext == ".xls":
        if not head.startswith(OLE_MAGIC):
            raise UnusableFile(_("这不是有效的 .xls 文件（可能已损坏，或是改了扩展名的其他文件）。"))
        return _workbook(path, "xls")
    raise UnusableFile(_("不支持的文件类型“%(ext)s”：请上传 .xlsx、.xls 或 .csv 文件。") % {"ext": ext or name})


def _check_zip(path: str) -> None:
    """Refuse zip bombs by what the archive declares, before anything is decompressed."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnusableFile(_("这不是有效的 .xlsx 文件（压缩包已损坏）。")) from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise UnusableFile(_("这不是 Excel 工作簿（压缩包里没有 xl/workbook.xml）。"))
    total = sum(info.file_size for info in infos)
    if total > settings.MINXIN_IMPORT_MAX_UNCOMPRESSED_BYTES or len(infos) > 10_000:
        raise UnusableFile(_("工作簿解压后过大（%(size)d MB），已拒绝。") % {"size": total // 2**20})
    for info in infos:
        if info.file_size > 2**20 and info.file_size > settings.MINXIN_IMPORT_MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise UnusableFile(_("工作簿中的“%(name)s”压缩比异常（疑似压缩炸弹），已拒绝。") % {"name": info.filename})


def _workbook(path: str, kind: str) -> Sheet:
    """The first visible sheet. calamine loads it in a thread (its Rust code runs without the GIL):
    the importer prepares its lookups meanwhile, and takes the rows once they are loaded."""
    try:
        workbook = CalamineWorkbook.from_path(path)
        names = [meta.name for meta in workbook.sheets_metadata if str(meta.visible).endswith("Visible")]
    except Exception as exc:  # CalamineError, and plain errors for some corrupt files
        raise _unreadable(exc) from None
    if not names:
        raise UnusableFile(_("工作簿里没有可见的工作表。"))
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calamine")
    loading = pool.submit(workbook.get_sheet_by_name, names[0])
    pool.shutdown(wait=False)  # the load runs on; _loaded_rows waits for it
    return Sheet(kind=kind, rows=_loaded_rows(loading))


def _unreadable(exc: Exception) -> UnusableFile:
    return UnusableFile(_("无法读取该 Excel 文件：%(error)s") % {"error": str(exc)[:200]})


def _loaded_rows(loading: Future) -> Iterator:
    try:
        sheet = loading.result()
    except Exception as exc:  # CalamineError, and plain errors for some corrupt files
        raise _unreadable(exc) from None
    if sheet.height > settings.MINXIN_IMPORT_MAX_ROWS + 1:
        raise UnusableFile(_("工作表有 %(n)d 行，超过上限 %(max)d 行；请分成几个文件导入。")
                           % {"n": sheet.height, "max": settings.MINXIN_IMPORT_MAX_ROWS})
    start = (sheet.start or (0, 0))[0]
    yield from ((start + index + 1, row) for index, row in enumerate(sheet.iter_rows()))


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
        raise UnusableFile(_("无法识别 CSV 文件的字符编码；请另存为 UTF-8 或 GBK。"))
    encoding = best.encoding.lower().replace("_", "")
    if encoding in ("gbk", "gb2312", "gb18030", "hz", "cp936"):
        return "gb18030"
    return best.encoding


def _csv(path: str) -> Sheet:
    with open(path, "rb") as handle:
        sample = handle.read(256 * 1024)
    if b"\x00" in sample[:4096]:
        raise UnusableFile(_("这不是文本格式的 CSV 文件。"))
    encoding = detect_encoding(sample)
    try:
        with open(path, encoding=encoding, newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        encoding = "gb18030"
        try:
            with open(path, encoding=encoding, newline="") as handle:
                text = handle.read()
        except UnicodeDecodeError:
            raise UnusableFile(_("CSV 文件的字符编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）。")) from None
    if text.count("\n") > settings.MINXIN_IMPORT_MAX_ROWS + 1:
        raise UnusableFile(_("文件超过 %(max)d 行；请分成几个文件导入。") % {"max": settings.MINXIN_IMPORT_MAX_ROWS})
    sample_text = text[:4096]
    delimiter = "\t" if sample_text.count("\t") > sample_text.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return Sheet(kind="csv", rows=((index + 1, row) for index, row in enumerate(reader)), encoding=encoding)
