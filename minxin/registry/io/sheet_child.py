"""The process that reads a workbook with calamine: started by reader.py, never imported by the server.

An .xlsx is streamed (python-calamine-plus decodes its rows straight from the zip, in constant
memory), so the importer checks the first rows while the last are still being read. An .xls is
loaded whole by python-calamine (the format holds at most 65,536 rows). Either way the rows pass
the grid caps here, as they are read: a sheet whose cells reach past MAX_ROWS rows, MAX_COLUMNS
columns or MAX_CELLS cells is refused at the first row that passes, whatever its `<dimension>`
claims. A Rust allocation that fails aborts its process; here that process is this one, under an
address-space limit (RLIMIT_AS) and a CPU-time limit (RLIMIT_CPU) set before the workbook is
opened, and the import that started it reports the file as unusable.

`python -m minxin.registry.io.sheet_child PATH KIND MEMORY_BYTES CPU_SECONDS MAX_ROWS MAX_COLUMNS
MAX_CELLS [SHEET]` writes frames to stdout, each an 8-byte little-endian length and a marshal
payload: first ("sheet", name, visible sheet names, names of the sheets holding the template) — or
("unreadable", reason) / ("no_sheet",) / ("ambiguous", names) / ("no_such_sheet", names) — then
lists of rows, each a list of cells or, for a run of blank rows, their count; then ("end",), or
("too_big", rows, columns, whole) / ("unreadable", reason) when the sheet is refused part way
(`whole`: false when the far corner was still beyond the rows read after MEASURE_SECONDS). The rows
start at the sheet's row 1, even above its first filled row, as calamine's iter_rows does.

Which sheet: SHEET if given; otherwise the one visible sheet whose first rows hold the template's
header (layout.find_header) — a 填表说明 sheet before the data is passed over — and, when several
do, none: the importer asks. When none does, the first visible sheet (its header is reported).
"""

import resource
import sys
import time
from itertools import chain, islice

from minxin.core.frames import send as _send

BATCH_ROWS = 2000
MEASURE_SECONDS = 2.0  # how long a refused sheet is read on to find the far corner its message names


def _shared(rows: list) -> list:
    """The rows with each text that repeats in the batch (a village, a relation, 是/否) as one object:
    marshal writes it once and refers back to it, so the importer unpacks a batch about three times
    faster and gets one string to hash where it had hundreds."""
    seen: dict[str, str] = {}
    return [row if type(row) is int else [seen.setdefault(cell, cell) if type(cell) is str else cell for cell in row]
            for row in rows]


def _send_rows(out, rows: list) -> None:
    rows = _shared(rows)
    try:
        _send(out, rows)
    except ValueError:  # dates and times (marshal takes only plain values): as the importer reads them
        from minxin.registry.io.normalize import cell_text

        plain = (str, int, float, bool)
        _send(out, [row if type(row) is int else [cell if isinstance(cell, plain) else cell_text(cell) for cell in row]
                    for row in rows])


class _Workbook:
    """A workbook's visible sheets and the rows of each: streamed from an .xlsx, loaded from an .xls."""

    def __init__(self, path: str, kind: str):
        if kind == "xlsx":
            from python_calamine_plus import CalamineWorkbook as Streaming

            self.book = Streaming.from_path(path)
            self.rows = self._streamed
        else:
            from python_calamine import CalamineWorkbook

            self.book = CalamineWorkbook.from_path(path)
            self.rows = self._loaded
            self._last: tuple = ("", None)  # the sheet loaded last: a one-sheet workbook is loaded once
        self.names = [meta.name for meta in self.book.sheets_metadata if str(meta.visible).endswith("Visible")]

    def _streamed(self, name: str, head: int | None = None):
        return iter(self.book.stream_sheet_by_name(name, **({"max_row": head - 1} if head else {})))

    def _loaded(self, name: str, head: int | None = None):
        if self._last[0] != name:
            self._last = (name, None)  # the previous sheet is freed before the next is loaded
            self._last = (name, self.book.get_sheet_by_name(name))
        rows = self._last[1].iter_rows()
        return islice(rows, head) if head else rows


def _holds_template(workbook: _Workbook, name: str) -> bool:
    from minxin.registry.io.layout import HEAD_ROWS, find_header

    head = enumerate(workbook.rows(name, HEAD_ROWS), start=1)
    header = find_header([(number, [c if isinstance(c, str) else "" for c in row]) for number, row in head])
    return header is not None and header.complete


def _choose(workbook: _Workbook, wanted: str):
    """(the sheet's name, names holding the template), or a frame saying why there is no sheet to read."""
    names = workbook.names
    if wanted:
        return (wanted, []) if wanted in names else (("no_such_sheet", names), [])  # named: not found by its header
    matched = [name for name in names if _holds_template(workbook, name)]
    if len(matched) > 1:
        return ("ambiguous", matched), matched
    return (matched or names)[0], matched


class _Grid:
    """The rows and columns the sheet's cells reach so far, against the caps."""

    def __init__(self, max_rows: int, max_columns: int, max_cells: int):
        self.caps = max_rows, max_columns, max_cells
        self.rows = self.columns = 0

    def passed(self, number: int, row: list) -> bool:
        self.rows = number
        if len(row) > self.columns:
            self.columns = len(row)
        max_rows, max_columns, max_cells = self.caps
        return number > max_rows or self.columns > max_columns or number * self.columns > max_cells

    def measure(self, first: int, rest) -> tuple[int, int, bool]:
        """Read on from row `first` (for MEASURE_SECONDS at most) to the far corner of the filled cells:
        (rows, columns, whether the sheet's end was reached). A cut-off search gives the rows read."""
        deadline = time.monotonic() + MEASURE_SECONDS
        far_row, far_column = 0, 0
        for number, row in enumerate(rest, start=first):
            width = len(row)  # to the row's last filled cell, looked for from its end
            while width and row[width - 1] in ("", None):
                width -= 1
            if width:
                far_row, far_column = number, max(far_column, width)
            if number % 4096 == 0 and time.monotonic() > deadline:
                return max(number, self.rows), max(far_column, self.columns), False
        return max(far_row, self.rows), max(far_column, self.columns), True


def _send_sheet(out, rows, grid: _Grid) -> None:
    """The rows in batches; a run of blank rows (above the data, or up to a stray far cell) goes as
    its count, so that the importer does not unpack a million empty rows to number the next."""
    batch: list = []
    for number, row in enumerate(rows, start=1):
        if grid.passed(number, row):
            _send(out, ("too_big", *grid.measure(number, chain([row], rows))))
            return
        if row.count("") == len(row):
            if batch and type(batch[-1]) is int:
                batch[-1] += 1
            else:
                batch.append(1)
            continue
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            _send_rows(out, batch)
            batch = []
    _send_rows(out, batch)
    _send(out, ("end",))


def main(path: str, kind: str, memory_bytes: int, cpu_seconds: int, max_rows: int, max_columns: int,
         max_cells: int, wanted: str = "") -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # The soft limit sends SIGXCPU (which ends the process); the hard one, a little later, SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    out = sys.stdout.buffer
    try:
        workbook = _Workbook(path, kind)
        if not workbook.names:
            _send(out, ("no_sheet",))
            return
        name, matched = _choose(workbook, wanted)
        if isinstance(name, tuple):
            _send(out, name)
            return
        rows = workbook.rows(name)
    except MemoryError:
        raise  # ends this process: the importer reports the memory limit (reader._Loader.failure)
    except Exception as exc:  # CalamineError, and plain errors for some corrupt files
        _send(out, ("unreadable", str(exc)[:200]))
        return
    _send(out, ("sheet", name, workbook.names, matched))
    try:
        _send_sheet(out, rows, _Grid(max_rows, max_columns, max_cells))
    except MemoryError:
        raise
    except Exception as exc:  # a stream that breaks part way (a corrupt member)
        _send(out, ("unreadable", str(exc)[:200]))
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *map(int, sys.argv[3:8]), *(sys.argv[8:9] or [""]))
