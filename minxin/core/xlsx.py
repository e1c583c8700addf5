"""Excel exports of list pages: one sheet, a header row, values escaped against formula injection.

Written with XlsxWriter in constant-memory mode into a temporary file, so a county-sized list
never sits in memory as a workbook.
"""

import datetime
import tempfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import FileResponse, HttpRequest

# A cell starting with one of these is read by spreadsheet programs as a formula (CSV/formula
# injection); prefixing an apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value) if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return escape_formula(str(value)) if not isinstance(value, int | float) else value


def write_xlsx(path: Any, *, sheet: str, headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write one sheet to a path or a binary file object; returns the number of data rows."""
    target = path if hasattr(path, "write") else str(path)
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                                "strings_to_urls": False})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#F2DCDB"})
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, str(header), bold)
        worksheet.set_column(col, col, max(10, len(str(header)) * 2 + 2))
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            value = _cell(value)
            if isinstance(value, str):
                worksheet.write_string(count, col, value)
            else:
                worksheet.write_number(count, col, value)
    worksheet.freeze_panes(1, 0)
    workbook.close()
    return count


def xlsx_response(*, filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence]) -> FileResponse:
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    write_xlsx(handle, sheet=sheet, headers=headers, rows=rows)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def columns_response(*, filename: str, sheet: str, columns: Sequence[tuple[str, Callable[[Any], Any]]],
                     objects: Iterable) -> FileResponse:
    """An export described by columns: (header, function of the object giving the cell)."""
    return xlsx_response(filename=filename, sheet=sheet, headers=[str(header) for header, _ in columns],
                         rows=([get(obj) for _, get in columns] for obj in objects))


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"
