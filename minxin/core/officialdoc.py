"""Word documents laid out as official documents (GB/T 9704-2012 党政机关公文格式).

A4, margins top 37 mm / bottom 35 mm / left 28 mm / right 26 mm; the issuing body's red mark and
the red rule (版头); the document number; the title in 2号 小标宋; body in 3号 仿宋 on a 28-point
line pitch (22 lines a page); level-1 headings in 黑体, level-2 in 楷体; page numbers "— N —" in
4号 宋体 at the outer edge (odd pages right, even left); the signature and date; the 版记 rules.

Font names are those of the government desktop (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312);
a machine without them substitutes its own CJK fonts, keeping sizes and layout.
"""

import datetime
import io
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor

RED = RGBColor(0xE6, 0x00, 0x12)
TITLE_FONT, BODY_FONT, HEI, KAI, SONG = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
SIZE_2, SIZE_3, SIZE_4, SIZE_5 = Pt(22), Pt(16), Pt(14), Pt(10.5)
LINE = Pt(28.9)  # 22 lines in the 225 mm type area


def date_cn(day: datetime.date) -> str:
    """GB/T 9704-2012 writes dates with Arabic numerals: 2026年10月8日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _font(run: Any, name: str, size: Length, *, bold: bool = False, color: RGBColor | None = None) -> Any:
    run.font.size = size
    run.font.bold = bold
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)
    if color is not None:
        run.font.color.rgb = color
    return run


def _spacing(paragraph: Any, *, line: Length = LINE, before: float = 0, after: float = 0, indent_chars: int = 0,
             size: Length = SIZE_3) -> Any:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent_chars:
        fmt.first_line_indent = Pt(size.pt * indent_chars)
    return paragraph


def _border(paragraph: Any, edge: str, *, size_eighths: int, color: str = "E60012", space: int = 1) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), color)
    borders.append(line)


class OfficialDocument:
    """Builds one document top to bottom: header, title, body, signature, attachments, 版记."""

    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        self._page(section)
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._page_numbers(section)
        normal = self.doc.styles["Normal"]
        normal.font.size = SIZE_3
        normal.font.name = BODY_FONT
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    @staticmethod
    def _page(section: Any, *, landscape: bool = False) -> None:
        long, short = Mm(297), Mm(210)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (long, short) if landscape else (short, long)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(25)

    def _page_numbers(self, section: Any) -> None:
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                            WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.alignment = align
            fmt = paragraph.paragraph_format
            fmt.left_indent = fmt.right_indent = Pt(14)  # 空一字
            _font(paragraph.add_run("— "), SONG, SIZE_4)
            self._field(paragraph, "PAGE")
            _font(paragraph.add_run(" —"), SONG, SIZE_4)

    @staticmethod
    def _field(paragraph: Any, code: str) -> None:
        run = _font(paragraph.add_run(), SONG, SIZE_4)
        for kind, text in (("begin", None), (None, code), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = f" {text} "
            run._r.append(element)

    def _paragraph(self, text: str = "", *, font: str = BODY_FONT, size: Length = SIZE_3, align: Any = None,
                   bold: bool = False, color: RGBColor | None = None, indent_chars: int = 0, line: Length = LINE,
                   before: float = 0, after: float = 0) -> Any:
        paragraph = self.doc.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        _spacing(paragraph, line=line, before=before, after=after, indent_chars=indent_chars, size=size)
        if text:
            _font(paragraph.add_run(text), font, size, bold=bold, color=color)
        return paragraph

    # --- parts of the document ---------------------------------------------------------------

    def header(self, *, issuer: str, number: str) -> None:
        """版头: the red issuing-body mark, the document number and the red rule under it."""
        mark = self._paragraph(issuer, font=TITLE_FONT, size=Pt(30), align=WD_ALIGN_PARAGRAPH.CENTER, color=RED,
                               line=Pt(44), before=12)
        mark.runs[0].font.spacing = Pt(-1)
        self._paragraph(line=LINE)
        doc_no = self._paragraph(number, align=WD_ALIGN_PARAGRAPH.CENTER, after=10)
        _border(doc_no, "bottom", size_eighths=18, space=10)
        self._paragraph()

    def title(self, text: str, *, subtitle: str = "") -> None:
        self._paragraph(text, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, line=Pt(36))
        if subtitle:
            self._paragraph(subtitle, font=KAI, align=WD_ALIGN_PARAGRAPH.CENTER)
        self._paragraph()

    def addressee(self, text: str) -> None:
        self._paragraph(text)

    def body(self, text: str) -> Any:
        return self._paragraph(text, indent_chars=2)

    def heading1(self, text: str) -> Any:
        return self._paragraph(text, font=HEI, indent_chars=2)

    def attachment_note(self, names: list[str]) -> None:
        """附件说明: one blank line under the body, "附件：1. …" indented two characters."""
        self._paragraph()
        for n, name in enumerate(names, start=1):
            label = f"附件：{n}．{name}" if len(names) > 1 else f"附件：{name}"
            self._paragraph(label, indent_chars=2)

    def signature(self, *, issuer: str, day: datetime.date) -> None:
        """发文机关署名 and 成文日期, the date 右空四字, the issuer centred over the date."""
        self._paragraph()
        self._paragraph()
        sign = self._paragraph(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
        sign.paragraph_format.right_indent = Pt(16 * 2)
        dated = self._paragraph(date_cn(day), align=WD_ALIGN_PARAGRAPH.RIGHT)
        dated.paragraph_format.right_indent = Pt(16 * 4)

    def attachment(self, *, number: int | None, title: str, headers: list[str], rows: list[list[str]],
                   widths_mm: list[float], landscape: bool = True, font_size: Length = SIZE_5) -> None:
        """An attachment in its own section (landscape for a wide table), 附件 label in 黑体."""
        section = self.doc.add_section()
        self._page(section, landscape=landscape)
        label = "附件" if number is None else f"附件{number}"
        self._paragraph(label, font=HEI)
        self._paragraph(title, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
                        line=Pt(36), after=8)
        self.table(headers, rows, widths_mm=widths_mm, font_size=font_size)

    def table(self, headers: list[str], rows: list[list[str]], *, widths_mm: list[float],
              font_size: Length = SIZE_5) -> Any:
        """A bordered table; rows are written as raw XML (fast for a county's 1,400 cadres)."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header_row = table.rows[0]
        trpr = header_row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        for cell, text, width in zip(header_row.cells, headers, widths_mm, strict=True):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(paragraph.add_run(text), HEI, font_size)
        tbl = table._tbl
        for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
            col.set(qn("w:w"), str(int(width * 56.7)))
        layout = OxmlElement("w:tblLayout")  # fixed: Word keeps the widths instead of autofitting
        layout.set(qn("w:type"), "fixed")
        tbl.tblPr.append(layout)
        for values in rows:
            tbl.append(_row_xml(values, widths_mm, font_size))
        return table

    def imprint(self, *, copy_to: str, printer: str, day: datetime.date, own_page: bool = False) -> None:
        """版记: 抄送 and 印发机关/日期 between rules (first and last thicker), at the foot of the last
        page. After a (landscape) attachment it takes a portrait page of its own (版记页)."""
        if own_page:
            self._page(self.doc.add_section(), landscape=False)
        # Push the block down to the foot of the type area (225 mm tall; the block is ~30 mm).
        self._paragraph(line=Mm(190) if own_page else LINE)
        cc = self._paragraph(f"抄送：{copy_to}", size=SIZE_4, line=Pt(26))
        _border(cc, "top", size_eighths=8, color="000000", space=4)
        _border(cc, "bottom", size_eighths=4, color="000000", space=4)
        cc.paragraph_format.left_indent = cc.paragraph_format.right_indent = Pt(14)
        printed = self._paragraph(f"{printer}\t{date_cn(day)}印发", size=SIZE_4, line=Pt(26))
        printed.paragraph_format.left_indent = printed.paragraph_format.right_indent = Pt(14)
        printed.paragraph_format.tab_stops.add_tab_stop(Mm(210 - 28 - 26) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
        _border(printed, "bottom", size_eighths=8, color="000000", space=4)

    def save(self, target: Any = None) -> Any:
        if target is None:
            buffer = io.BytesIO()
            self.doc.save(buffer)
            return buffer.getvalue()
        self.doc.save(target)
        return target


def _row_xml(values: list[str], widths_mm: list[float], size: Length) -> Any:
    tr = OxmlElement("w:tr")
    half_points = str(int(size.pt * 2))
    for value, width in zip(values, widths_mm, strict=True):
        tc = OxmlElement("w:tc")
        tcpr = OxmlElement("w:tcPr")
        tcw = OxmlElement("w:tcW")
        tcw.set(qn("w:w"), str(int(width * 56.7)))  # twentieths of a point per mm
        tcw.set(qn("w:type"), "dxa")
        tcpr.append(tcw)
        tc.append(tcpr)
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        jc = OxmlElement("w:jc")
        jc.set(qn("w:val"), "center")
        ppr.append(jc)
        p.append(ppr)
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
            fonts.set(qn(attr), BODY_FONT)
        rpr.append(fonts)
        for tag in ("w:sz", "w:szCs"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), half_points)
            rpr.append(el)
        r.append(rpr)
        t = OxmlElement("w:t")
        t.text = str(value)
        r.append(t)
        p.append(r)
        tc.append(p)
        tr.append(tc)
    return tr


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(content: bytes, *, name: str, ascii_name: str) -> HttpResponse:
    """A Word document to download: `name` (Chinese) for browsers that read RFC 5987, `ascii_name`
    for those that do not."""
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response
