"""The process that loads a workbook with calamine: started by reader.py, never imported by the server.

calamine allocates a whole sheet at once, and a Rust allocation that fails aborts its process. Here
that process is this one, under an address-space limit (RLIMIT_AS) and a CPU-time limit
(RLIMIT_CPU) set before the workbook is opened: a file that still explodes ends this child, and
the import that started it reports the file as unusable.

`python -m minxin.registry.io.sheet_child PATH MEMORY_BYTES CPU_SECONDS [SHEET]` writes frames to
stdout, each an 8-byte little-endian length and a marshal payload: first ("sheet", name, height,
width, visible sheet names, names of the sheets holding the template) — or ("unreadable", reason) /
("no_sheet",) / ("ambiguous", names) / ("no_such_sheet", names) — then lists of rows, then ("end",).
The rows are those of calamine's iter_rows, which starts at the sheet's row 1 even above the first
filled row.

Which sheet: SHEET if given; otherwise the one visible sheet whose first rows hold the template's
header (layout.find_header) — a 填表说明 sheet before the data is passed over — and, when several
do, none: the importer asks. When none does, the first visible sheet (its header is reported).
"""

import resource
import sys

from minxin.core.frames import send as _send

BATCH_ROWS = 2000


def _shared(rows: list) -> list:
    """The rows with each text that repeats in the batch (a village, a relation, 是/否) as one object:
    marshal writes it once and refers back to it, so the importer unpacks a batch about three times
    faster and gets one string to hash where it had hundreds."""
    seen: dict[str, str] = {}
    return [[seen.setdefault(cell, cell) if type(cell) is str else cell for cell in row] for row in rows]


def _send_rows(out, rows: list) -> None:
    rows = _shared(rows)
    try:
        _send(out, rows)
    except ValueError:  # dates and times (marshal takes only plain values): as the importer reads them
        from minxin.registry.io.normalize import cell_text

        plain = (str, int, float, bool)
        _send(out, [[cell if isinstance(cell, plain) else cell_text(cell) for cell in row] for row in rows])


def _holds_template(sheet) -> bool:
    from minxin.registry.io.layout import HEAD_ROWS, find_header

    head = list(zip(range(1, HEAD_ROWS + 1), sheet.iter_rows(), strict=False))
    header = find_header([(number, [c if isinstance(c, str) else "" for c in row]) for number, row in head])
    return header is not None and header.complete


def _choose(workbook, names: list[str], wanted: str):
    """(sheet, names holding the template), or a frame saying why there is no sheet to read."""
    if wanted:
        if wanted not in names:
            return ("no_such_sheet", names), []
        return workbook.get_sheet_by_name(wanted), []  # named, not found by its header
    first = chosen = None
    matched = []
    for name in names:  # one sheet loaded at a time, besides the chosen one (and the first, until one is)
        sheet = workbook.get_sheet_by_name(name)
        if first is None:
            first = sheet
        if _holds_template(sheet):
            matched.append(name)
            chosen = chosen or sheet
        if chosen is not None:
            first = None
        del sheet
    if len(matched) > 1:
        return ("ambiguous", matched), matched
    return chosen or first, matched


def main(path: str, memory_bytes: int, cpu_seconds: int, wanted: str = "") -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # The soft limit sends SIGXCPU (which ends the process); the hard one, a little later, SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    from python_calamine import CalamineWorkbook

    out = sys.stdout.buffer
    try:
        workbook = CalamineWorkbook.from_path(path)
        names = [meta.name for meta in workbook.sheets_metadata if str(meta.visible).endswith("Visible")]
        if not names:
            _send(out, ("no_sheet",))
            return
        sheet, matched = _choose(workbook, names, wanted)
    except Exception as exc:  # CalamineError, and plain errors for some corrupt files
        _send(out, ("unreadable", str(exc)[:200]))
        return
    if isinstance(sheet, tuple):
        _send(out, sheet)
        return
    _send(out, ("sheet", sheet.name, sheet.height, sheet.width, names, matched))
    rows = []
    for row in sheet.iter_rows():
        rows.append(row)
        if len(rows) == BATCH_ROWS:
            _send_rows(out, rows)
            rows = []
    _send_rows(out, rows)
    _send(out, ("end",))
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "")
