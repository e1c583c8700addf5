"""Opening an uploaded sheet safely: .xlsx, .xls or .csv → (row number, cells) rows.

A file is refused (UnusableFile → exit 2) before it can exhaust memory:

- its size is capped;
- an .xlsx zip is inspected with zipfile (declared uncompressed sizes, compression ratios, names),
  and every sheet's declared `<dimension>` is held against the grid caps (rows, columns, cells)
  before anything is read;
- calamine then reads the workbook in a child process (sheet_child.py) under a memory and a CPU
  limit: it streams an .xlsx row by row (an .xls, at most 65,536 rows, is loaded whole), holds
  each row against the same caps as it goes, and stops at the first that passes them, whatever
  the sheet declared. Rows reach the importer while the rest are read; a refusal mid-sheet fails
  the import before anything is written (the import writes only after every row is checked).

Formulas are never evaluated: calamine returns the value the file cached, and a CSV cell is text.
"""

import contextlib
import html
import io
import logging
import os
import posixpath
import re
import signal
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from minxin.core import frames
from minxin.core.csvfile import UnreadableCsv, read_csv
from minxin.registry.io.grid import Extent, declared_extent

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DIMENSION_HEAD = 64 * 1024  # a worksheet declares its <dimension> before its cells


class UnusableFile(Exception):
    """The file cannot be read as a household sheet at all; the message says why."""


class AmbiguousSheet(UnusableFile):
    """Several sheets of the workbook hold the template: which one is the user's to say."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(_("工作簿中有 %(n)d 个工作表都含有导入模板的表头：%(names)s。请指定要导入的工作表"
                           "（上传页面上选择，命令行用 --sheet）。") % {"n": len(names), "names": "、".join(names)})


@dataclass
class Sheet:
    kind: str  # "xlsx", "xls" or "csv"
    rows: Iterator  # (row_number, list of cells); row numbers are the sheet's own (1-based)
    encoding: str = ""
    loader: "_Loader | None" = None  # a workbook's reading process
    name: str = ""  # the sheet read (a workbook's)
    names: tuple = ()  # the workbook's visible sheets
    matched: tuple = ()  # those holding the template's header

    def close(self) -> None:
        """Stop reading — a workbook's child process ends — when not every row was taken."""
        if self.loader is not None:
            self.loader.stop()


def open_sheet(path: str, *, name: str | None = None, sheet: str = "") -> Sheet:
    """The rows of the file at `path` (`name`: as uploaded); of a workbook, of the sheet named `sheet`
    or else of the one sheet holding the template (sheet_child.py)."""
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
        if sheet:
            raise UnusableFile(_("CSV 文件只有一个表，不能指定工作表“%(sheet)s”。") % {"sheet": sheet})
        return _csv(path)
    if ext in (".xlsx", ".xlsm"):
        if not head.startswith(XLSX_MAGIC):
            raise UnusableFile(_("这不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）。"))
        return _xlsx(path, sheet)
    if ext == ".xls":
        if not head.startswith(OLE_MAGIC):
            raise UnusableFile(_("这不是有效的 .xls 文件（可能已损坏，或是改了扩展名的其他文件）。"))
        return _workbook(_Loader(path, "xls", sheet))
    raise UnusableFile(_("不支持的文件类型“%(ext)s”：请上传 .xlsx、.xls 或 .csv 文件。") % {"ext": ext or name})


def _broken_zip() -> UnusableFile:
    return UnusableFile(_("这不是有效的 .xlsx 文件（压缩包已损坏）。"))


def _xlsx(path: str, sheet: str) -> Sheet:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _broken_zip() from None
    with archive:
        infos = _check_zip(archive)
        names = _sheet_names(archive)
        try:
            for info in infos:
                with archive.open(info) as member:
                    declared = declared_extent(member.read(DIMENSION_HEAD))
                if declared is not None:
                    _check_grid(_("工作表“%(sheet)s”声明的范围为 %(rows)s 行 × %(columns)s 列（到 %(corner)s 单元格）"),
                                names.get(info.filename, info.filename), declared)
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError):
            raise _broken_zip() from None  # a corrupt, encrypted or oddly compressed member
    return _workbook(_Loader(path, "xlsx", sheet))


def _check_zip(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Refuse zip bombs by what the archive declares, before anything is decompressed."""
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise UnusableFile(_("这不是 Excel 工作簿（压缩包里没有 xl/workbook.xml）。"))
    if len(names) != len(infos):  # two readers could pick different copies of a name
        raise UnusableFile(_("工作簿的压缩包里有重名的文件，已拒绝。"))
    total = sum(info.file_size for info in infos)
    if total > settings.MINXIN_IMPORT_MAX_UNCOMPRESSED_BYTES or len(infos) > 10_000:
        raise UnusableFile(_("工作簿解压后过大（%(size)d MB），已拒绝。") % {"size": total // 2**20})
    for info in infos:
        if info.file_size > 2**20 and info.file_size > settings.MINXIN_IMPORT_MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise UnusableFile(_("工作簿中的“%(name)s”压缩比异常（疑似压缩炸弹），已拒绝。") % {"name": info.filename})
    return infos


_TAG_ATTRIBUTES = re.compile(r"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_SHEET = re.compile(r"<(?:[\w.-]+:)?sheet\s([^>]*)>")
_RELATIONSHIP = re.compile(r"<(?:[\w.-]+:)?Relationship\s([^>]*)>")


def _attributes(text: str) -> dict[str, str]:
    return {name: html.unescape(double or single) for name, double, single in _TAG_ATTRIBUTES.findall(text)}


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Zip member → the sheet's name, so that a message names the sheet the user sees. Best effort:
    a member not found here is named by its path (every member is measured either way)."""
    texts = []
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        info = archive.NameToInfo.get(part)
        if info is None or info.file_size > 4 * 2**20:
            return {}
        texts.append(archive.read(info).decode("utf-8", "replace"))
    workbook, relationships = texts
    targets = {}
    for match in _RELATIONSHIP.finditer(relationships):
        attributes = _attributes(match.group(1))
        target = attributes.get("Target", "")
        targets[attributes.get("Id")] = posixpath.normpath(target[1:] if target.startswith("/") else f"xl/{target}")
    names = {}
    for match in _SHEET.finditer(workbook):
        attributes = _attributes(match.group(1))
        rel = next((value for key, value in attributes.items() if key.endswith(":id")), None)
        if rel in targets and "name" in attributes:
            names[targets[rel]] = attributes["name"]
    return names


def _check_grid(what: str, sheet: str, extent: Extent) -> None:
    """Refuse a grid beyond the caps; `what` describes it (the sheet, its size and its far corner)."""
    max_rows, max_columns = settings.MINXIN_IMPORT_MAX_ROWS + 1, settings.MINXIN_IMPORT_MAX_COLUMNS  # + header
    if extent.rows > max_rows or extent.columns > max_columns or extent.cells > settings.MINXIN_IMPORT_MAX_CELLS:
        raise _grid_refusal(what, sheet, extent)


def _grid_refusal(what: str, sheet: str, extent: Extent) -> UnusableFile:
    described = what % {"sheet": sheet, "rows": f"{extent.rows:,}", "columns": f"{extent.columns:,}",
                        "corner": extent.corner}
    return UnusableFile(_("%(described)s，超出导入上限（%(rows)s 行、%(columns)s 列、共 %(cells)s 个单元格）；"
                          "请删去表格远处多余的内容后另存，或分成几个文件导入。")
                        % {"described": described, "rows": f"{settings.MINXIN_IMPORT_MAX_ROWS:,}",
                           "columns": f"{settings.MINXIN_IMPORT_MAX_COLUMNS:,}",
                           "cells": f"{settings.MINXIN_IMPORT_MAX_CELLS:,}"})


class _Loader:
    """calamine in its own process (sheet_child.py), under MINXIN_IMPORT_MAX_MEMORY_BYTES of address
    space and MINXIN_IMPORT_READ_CPU_SECONDS of CPU time; its rows come back through a pipe, read
    as the importer needs them (the child, which streams, waits meanwhile: neither side holds more
    than a few frames)."""

    def __init__(self, path: str, kind: str, sheet: str = ""):
        self.path, self.kind, self.sheet = path, kind, sheet
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        caps = (settings.MINXIN_IMPORT_MAX_ROWS + 1, settings.MINXIN_IMPORT_MAX_COLUMNS,  # + the header
                settings.MINXIN_IMPORT_MAX_CELLS)
        self.process = frames.start(
            "minxin.registry.io.sheet_child", os.path.abspath(path), kind,
            str(settings.MINXIN_IMPORT_MAX_MEMORY_BYTES), str(settings.MINXIN_IMPORT_READ_CPU_SECONDS),
            *map(str, caps), sheet, stdin=subprocess.DEVNULL, stderr=self.errors)

    def frame(self):
        """The child's next frame; None if it ended without sending one whole."""
        return frames.receive(self.process.stdout)

    def failure(self) -> UnusableFile:
        """Why the child ended early: over its memory or CPU limit, or something else (logged)."""
        self.process.stdout.close()
        code = self.process.wait()
        self.errors.seek(max(0, self.errors.seek(0, io.SEEK_END) - 2000))
        tail = self.errors.read().decode("utf-8", "replace")
        logger.warning("sheet reader for %s ended with %s: %s", self.path, code, tail)
        if code == -signal.SIGXCPU:
            return UnusableFile(_("读取该工作簿超过了 %(seconds)d 秒的处理时间上限，已停止；请检查文件，或分成几个文件导入。")
                                % {"seconds": settings.MINXIN_IMPORT_READ_CPU_SECONDS})
        if code in (-signal.SIGABRT, -signal.SIGKILL) or "MemoryError" in tail or "memory allocation" in tail:
            return UnusableFile(_("读取该工作簿需要超过 %(size)d MB 的内存，已停止；文件可能有位置极远的单元格或过多的内容，"
                                  "请检查后另存，或分成几个文件导入。")
                                % {"size": settings.MINXIN_IMPORT_MAX_MEMORY_BYTES // 2**20})
        return UnusableFile(_("无法读取该 Excel 文件：读取进程意外结束（代码 %(code)s）。") % {"code": code})

    def stop(self, *, ended: bool = False) -> None:
        """End the child: let it exit once it has sent ("end",) (`ended`), or kill it."""
        if ended:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.errors.close()


def _unreadable(reason: str) -> UnusableFile:
    return UnusableFile(_("无法读取该 Excel 文件：文件已损坏，或不是真正的 Excel 文件。请用 Excel 打开后另存为 .xlsx "
                          "再导入。（读取程序的原话：%(error)s）") % {"error": reason[:200]})


def _workbook(loader: _Loader) -> Sheet:
    """The sheet the child chose (its first frame), its rows to follow; the child stops on a refusal."""
    try:
        head = loader.frame()
        if head is None:
            raise loader.failure()
        if head[0] == "unreadable":
            raise _unreadable(head[1])
        if head[0] == "no_sheet":
            raise UnusableFile(_("工作簿里没有可见的工作表。"))
        if head[0] == "ambiguous":
            raise AmbiguousSheet(list(head[1]))
        if head[0] == "no_such_sheet":
            raise UnusableFile(_("工作簿里没有名为“%(sheet)s”的可见工作表；它的工作表是：%(names)s。")
                               % {"sheet": loader.sheet, "names": "、".join(head[1])})
    except BaseException:
        loader.stop()
        raise
    _kind, name, names, matched = head
    return Sheet(kind=loader.kind, rows=_loaded_rows(loader, name), loader=loader, name=name, names=tuple(names),
                 matched=tuple(matched))


def _loaded_rows(loader: _Loader, name: str) -> Iterator:
    """The chosen sheet's rows, as the child sends them; the child ends with the last, or with the
    first row past the grid caps (the file is refused)."""
    ended = False
    try:
        number = 0  # the rows start at row 1, blank rows above the data included
        while (frame := loader.frame()) is not None:
            if isinstance(frame, tuple):
                if frame[0] == "too_big":  # the child stopped at the first row past a cap
                    _kind, rows, columns, whole = frame
                    what = (_("工作表“%(sheet)s”中的单元格用到了 %(rows)s 行 × %(columns)s 列（到 %(corner)s 单元格）")
                            if whole else _("工作表“%(sheet)s”在第 %(rows)s 行以下仍有内容"))  # the search was cut off
                    raise _grid_refusal(what, name, Extent(rows, columns))
                if frame[0] == "unreadable":
                    raise _unreadable(frame[1])
                ended = True  # ("end",)
                return
            for row in frame:
                if type(row) is int:  # a run of blank rows: numbered, not given
                    number += row
                    continue
                number += 1
                yield number, row
        raise loader.failure()
    finally:
        loader.stop(ended=ended)


def _csv(path: str) -> Sheet:
    try:
        encoding, rows = read_csv(path, max_rows=settings.MINXIN_IMPORT_MAX_ROWS)
    except UnreadableCsv as exc:
        raise UnusableFile(str(exc)) from None
    return Sheet(kind="csv", rows=_unusable_if_unreadable(rows), encoding=encoding)


def _unusable_if_unreadable(rows: Iterator) -> Iterator:
    """A line found unreadable while the rows stream in refuses the file, as one found before."""
    try:
        yield from rows
    except UnreadableCsv as exc:
        raise UnusableFile(str(exc)) from None
