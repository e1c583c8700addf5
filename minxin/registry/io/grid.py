"""The size of a sheet's cell grid: its rows, its columns and its far corner, and the `<dimension>`
an .xlsx worksheet declares near its start, which reader.py holds against the grid caps before the
sheet is read (the reading child then holds the rows themselves against them, sheet_child.py).
"""

import re
from dataclasses import dataclass


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
