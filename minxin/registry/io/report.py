"""The import report (row, column, value, reason) as .xlsx or .csv, and the blank template."""

import csv
import io
import os
from itertools import chain

import xlsxwriter
from django.utils.translation import gettext as _

from minxin.registry import choices
from minxin.registry.io.exporter import safe, write_xlsx
from minxin.registry.io.template import COLUMNS


def report_headers():
    return [_("行号"), _("列"), _("值"), _("原因")]


def write_report(path: str, problems, *, notes=()) -> None:
    """The problems, after the notes on how the sheet was read (io/notes.py) as rows of their own."""
    layout = [["", _("表格格式"), "", note] for note in notes]
    rows = chain(layout, ([str(p.row) if p.row else "", p.column, p.value, p.reason] for p in problems))
    if os.path.splitext(path)[1].lower() == ".csv":
        # UTF-8 with BOM: Chinese Excel opens it correctly.
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(report_headers())
            writer.writerows([safe(cell) for cell in row] for row in rows)
        return
    write_xlsx(path, rows, headers=report_headers(), sheet_name=_("导入报告"))


def template_bytes() -> bytes:
    """The import template: the header row, and a sheet listing the accepted values."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("户信息"))
    bold = workbook.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.header + ("*" if column.required else ""), bold)
    sheet.set_column(0, len(COLUMNS) - 1, 12, text)
    sheet.set_column(5, 5, 21, text)
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet(_("填写说明"))
    lines = [
        (_("说明"), _("每行一人；同一户的户信息（乡镇、村、组、户编号、电话、建档立卡信息、帮扶责任人、经纬度）在每个成员行重复填写。带 * 的列必填。证件号码请设为文本格式，避免 Excel 存成科学计数法。")),
        (_("与户主关系"), "、".join(choices.labels_of(choices.Relation))),
        (_("是/否列"), _("是 / 否（也可写 Y/N、1/0）")),
        (_("文化程度"), "、".join(choices.labels_of(choices.Education))),
        (_("在校生状况"), "、".join(choices.labels_of(choices.SchoolStatus))),
        (_("健康状况"), "、".join(choices.labels_of(choices.Health))),
        (_("劳动技能"), "、".join(choices.labels_of(choices.Labour))),
        (_("务工状况"), "、".join(choices.labels_of(choices.Migrant))),
        (_("贫困户属性"), "、".join(choices.labels_of(choices.Attribute))),
        (_("脱贫状态"), "、".join(choices.labels_of(choices.Status))),
        (_("致贫原因"), "、".join(choices.labels_of(choices.Cause)) + _("（其他致贫原因最多两项，用顿号分隔）")),
    ]
    notes.set_column(0, 0, 14)
    notes.set_column(1, 1, 100)
    for row, (title, body) in enumerate(lines):
        notes.write_string(row, 0, title, bold)
        notes.write_string(row, 1, body)
    workbook.close()
    return buffer.getvalue()
