"""How a sheet was read, in words for the import report: which sheet of the workbook, where the header
was, and every row set aside as not a member (layout.py recognises them) — nothing is passed over
without being named."""

from django.utils.translation import gettext as _

SHOWN_ROWS = 10  # row numbers listed per kind; the rest are counted


def _rows(numbers: list[int]) -> str:
    listed = "、".join(str(number) for number in numbers[:SHOWN_ROWS])
    return listed + (_("等") if len(numbers) > SHOWN_ROWS else "")


def _quoted(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _sheet_note(opened) -> list[str]:
    if opened is None or len(opened.names) < 2:
        return []
    others = [name for name in opened.names if name != opened.name]
    if opened.name in opened.matched and len(opened.matched) == 1:
        return [_("数据取自工作表“%(sheet)s”：工作簿中只有它含导入模板的表头（其他工作表：%(others)s）。")
                % {"sheet": opened.name, "others": "、".join(others)}]
    return [_("数据取自指定的工作表“%(sheet)s”（其他工作表：%(others)s）。")
            % {"sheet": opened.name, "others": "、".join(others)}]


def _above_notes(header) -> list[str]:
    described = {
        "title": _("第 %(row)d 行是标题“%(text)s”，已跳过。"),
        "filing": _("第 %(row)d 行是填报信息“%(text)s”，已跳过。"),
        "group": _("第 %(row)d 行是分组表头（%(text)s），已跳过。"),
        "other": _("第 %(row)d 行在表头上方，不是表格内容，已跳过：“%(text)s”。"),
    }
    notes = [described[kind] % {"row": row, "text": _quoted(text)} for row, kind, text in header.above]
    if header.group_row is not None:
        notes.append(_("两行表头：列名在第 %(group)d–%(row)d 行，上下合并的列名取自第 %(group)d 行。")
                     % {"group": header.group_row, "row": header.row})
    elif header.row != 1:
        notes.append(_("表头在第 %(row)d 行。") % {"row": header.row})
    return notes


def _skipped_notes(skipped: dict[str, list[int]]) -> list[str]:
    described = {
        "total": _("合计（总计、小计）行 %(n)d 行，已跳过：第 %(rows)s 行。"),
        "note": _("表格下方的签字或说明 %(n)d 行，已跳过：第 %(rows)s 行。"),
        "header": _("重复的表头 %(n)d 行，已跳过：第 %(rows)s 行。"),
        "numbering": _("表头下的列序号行（1、2、3……），已跳过：第 %(rows)s 行。"),
        "outside": _("只在模板以外的列（如序号）有内容的行 %(n)d 行，按空行跳过：第 %(rows)s 行。"),
    }
    return [described[kind] % {"n": len(rows), "rows": _rows(rows)}
            for kind, rows in skipped.items()]


def layout_notes(checked, opened) -> list[str]:
    """The notes for a read sheet (`checked`, from checks.read_rows; `opened`, the reader's Sheet)."""
    return [*_sheet_note(opened), *_above_notes(checked.header), *_skipped_notes(checked.skipped)]
