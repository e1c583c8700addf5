"""The size of the cell grid an .xlsx would make calamine allocate, found without loading it.

calamine collects a sheet's cells, then allocates their bounding box at 32 bytes a cell: 5 KB with
cells at A1 and XFD1048576 asks for 512 GB, and a failed allocation aborts the process. So before
(and while) calamine runs, every member of the zip is streamed through `Scanner`, which keeps the
largest row and column that a `<row r>` or `<c r>` reaches — or that calamine would give a tag
without `r` (the next row; the next cell of the row) — and the `<dimension ref>` the sheet declares.
Memory stays at one chunk plus at most one unfinished tag, whatever the member's size.

Nearly every writer (Excel, WPS, LibreOffice, openpyxl, xlsxwriter) puts `r="…"` first in each
tag; a chunk written that way is measured with a few counts and three C-level `findall`s. Anything
else in a chunk — a namespace prefix, other quoting, an attribute before `r`, text that looks like
markup — sends that chunk through an exact tag-by-tag pass, which can only count more, never less.
"""

import re
from dataclasses import dataclass

MAX_TAG_BYTES = 64 * 1024  # an unfinished tag carried to the next chunk; real tags are < 1 KB


class BadSheetXml(ValueError):
    """A cell or row position that neither we nor calamine can read safely (the file is refused)."""


@dataclass
class Extent:
    rows: int = 0  # the largest row number (1-based)
    columns: int = 0  # the largest column number (A = 1)

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def corner(self) -> str:
        return f"{column_letters(self.columns)}{self.rows}" if self.rows and self.columns else ""


def column_number(letters: bytes | str) -> int:
    number = 0
    for char in letters.upper() if isinstance(letters, str) else letters.upper().decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_REF = re.compile(rb"([A-Za-z]+)([0-9]+)")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\sref\s*=\s*[\"']([^\"']*)[\"']")


def declared_extent(head: bytes) -> Extent | None:
    """The `<dimension ref="A1:XFD1048576">` near the start of a worksheet, if it has one."""
    match = _DIMENSION.search(head)
    if match is None:
        return None
    extent = Extent()
    for ref in match.group(1).split(b":"):
        part = re.fullmatch(rb"\$?([A-Za-z]+)\$?([0-9]+)", ref.strip())
        if part is None:
            continue  # a malformed declaration is only a hint: the cells themselves are counted
        extent.rows = max(extent.rows, int(part.group(2)))
        extent.columns = max(extent.columns, column_number(part.group(1)))
    return extent


# The usual writers' form: `<c r="B12"` and `<row r="12"`, first attribute, double quotes.
_FAST_CELL_COLUMN = re.compile(rb'<c r="([A-Za-z]+)[0-9]+"')
_FAST_CELL_ROW = re.compile(rb'<c r="[A-Za-z]+([0-9]+)"')
_FAST_ROW = re.compile(rb'<row r="([0-9]+)"')
# Any form: an optional namespace prefix, any attributes, quotes that may hold ">" (XML allows it).
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(rb"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_COMPLETE_TAG = re.compile(rb"<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>")
# Where these appear, a chunk is not in the usual form (prefixed tags; attributes apart by other
# than single spaces): the exact pass.
_UNUSUAL = (b"\t", b"\n", b"\r", b":c", b":row")


class Scanner:
    """Feed one zip member's bytes in chunks; `extent` is the grid its cells reach, `declared` the
    `<dimension>` it states (None: none seen)."""

    def __init__(self):
        self.extent = Extent()
        self.declared: Extent | None = None
        self._row = 0  # the current row (1-based; 0 before the first)
        self._column = 0  # the last cell's column in the current row
        self._carry = b""

    def feed(self, data: bytes) -> None:
        if self._carry:
            data = self._carry + data
        start = data.rfind(b"<")
        if start != -1 and not _COMPLETE_TAG.match(data, start):
            self._carry = data[start:]  # an unfinished tag: measured with the next chunk
            if len(self._carry) > MAX_TAG_BYTES:
                raise BadSheetXml("tag too long")
            data = data[:start]
        else:
            self._carry = b""
        if self.declared is None and b"dimension" in data:
            self.declared = declared_extent(data)
        if not self._fast(data):
            self._exact(data)

    def close(self) -> None:
        if self._carry:
            self._exact(self._carry)
            self._carry = b""

    def _fast(self, data: bytes) -> bool:
        """Measure a chunk in the usual form with C-level scans; False if it is not in that form."""
        if any(marker in data for marker in _UNUSUAL):
            return False
        cells, rows = data.count(b'<c r="'), data.count(b'<row r="')
        # Every "<c…" and "<row…" is such a tag, and none has a second `r` (calamine takes the last):
        # with attributes apart by single spaces, each `r` attribute is a " r".
        if data.count(b"<c") != cells or data.count(b"<row") != rows or data.count(b" r") != cells + rows:
            return False
        columns = _FAST_CELL_COLUMN.findall(data)
        row_numbers = _FAST_ROW.findall(data)
        if len(columns) != cells or len(row_numbers) != rows:
            return False  # a position that is not letters then digits: the exact pass refuses it
        extent = self.extent
        if columns:
            extent.columns = max(extent.columns, max(map(column_number, set(columns))))
            extent.rows = max(extent.rows, max(map(int, set(_FAST_CELL_ROW.findall(data)))))
        if row_numbers:
            extent.rows = max(extent.rows, max(map(int, set(row_numbers))))
        last_row, last_cell = data.rfind(b'<row r="'), data.rfind(b'<c r="')
        if last_row != -1:
            self._row, self._column = int(_FAST_ROW.match(data, last_row).group(1)), 0
        if last_cell > last_row:
            self._column = column_number(_FAST_CELL_COLUMN.match(data, last_cell).group(1))
        return True

    def _exact(self, data: bytes) -> None:
        """Tag by tag, as calamine places them: a row without `r` is the next row; a cell without `r`
        the next cell of its row."""
        extent = self.extent
        for match in _TAG.finditer(data):
            refs = [double or single for name, double, single in _ATTRIBUTE.findall(match.group(2)) if name == b"r"]
            if len(refs) > 1:
                raise BadSheetXml("two positions in one tag")
            if match.group(1) == b"row":
                if refs and not refs[0].isdigit():
                    raise BadSheetXml("row position")
                self._row = int(refs[0]) if refs else self._row + 1
                self._column = 0
                extent.rows = max(extent.rows, self._row)
                continue
            if refs:
                ref = _REF.fullmatch(refs[0])
                if ref is None:
                    raise BadSheetXml("cell position")
                self._column, row = column_number(ref.group(1)), int(ref.group(2))
            else:
                self._column, row = self._column + 1, max(self._row, 1)
            extent.rows = max(extent.rows, row)
            extent.columns = max(extent.columns, self._column)
