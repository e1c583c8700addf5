"""The process that loads a workbook with calamine: started by reader.py, never imported by the server.

calamine allocates a whole sheet at once, and a Rust allocation that fails aborts its process. Here
that process is this one, under an address-space limit (RLIMIT_AS) and a CPU-time limit
(RLIMIT_CPU) set before the workbook is opened: a file that still explodes ends this child, and
the import that started it reports the file as unusable.

`python -m minxin.registry.io.sheet_child PATH MEMORY_BYTES CPU_SECONDS` writes frames to stdout,
each an 8-byte little-endian length and a marshal payload: first ("sheet", name, height, width) —
or ("unreadable", reason) / ("no_sheet",) — then lists of rows, then ("end",). The rows are those of
calamine's iter_rows, which starts at the sheet's row 1 even above the first filled row.
"""

import marshal
import resource
import sys

BATCH_ROWS = 2000


def _send(out, value) -> None:
    payload = marshal.dumps(value)
    out.write(len(payload).to_bytes(8, "little"))
    out.write(payload)


def _send_rows(out, rows: list) -> None:
    try:
        _send(out, rows)
    except ValueError:  # dates and times (marshal takes only plain values): as the importer reads them
        from minxin.registry.io.normalize import cell_text

        plain = (str, int, float, bool)
        _send(out, [[cell if isinstance(cell, plain) else cell_text(cell) for cell in row] for row in rows])


def main(path: str, memory_bytes: int, cpu_seconds: int) -> None:
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
        sheet = workbook.get_sheet_by_name(names[0])
    except Exception as exc:  # CalamineError, and plain errors for some corrupt files
        _send(out, ("unreadable", str(exc)[:200]))
        return
    _send(out, ("sheet", names[0], sheet.height, sheet.width))
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
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
