"""Helpers for registry tests: sheets in the import template, written as CSV, .xlsx or .xls."""

import csv

import pytest
import xlsxwriter
import xlwt

from minxin.registry.io.template import COLUMNS
from tests.world import make_id_number

HEADER = [c.header for c in COLUMNS]


def person_row(number="H0001", name="张三丰", id_number=None, relation="户主", village="五七村", township="土地坳镇",
               **extra):
    values = {"所在乡镇": township, "所在村": village, "村民小组": "3组", "户编号": number, "姓名": name,
              "证件号码": id_number or make_id_number("19600101", 11), "与户主关系": relation, "民族": "土家族",
              "是否低保": "否", "是否特困供养": "否", "是否残疾": "否", "计生重点帮扶": "否"}
    values.update(extra)
    return [values.get(h, "") for h in HEADER]


def family(number="H0001", seq=11, village="五七村", township="土地坳镇", head="张三丰"):
    """A head, a spouse (historic area code 522228) and a grandchild."""
    return [
        person_row(number, head, make_id_number("19600101", seq), "户主", village, township, 联系电话="13912345678",
                   贫困户属性="一般贫困户", 脱贫状态="已脱贫", 主要致贫原因="因病", 其他致贫原因="因学、缺资金",
                   建档立卡年度="2014", 帮扶责任人="李四", 经度="108.5", 纬度="28.5"),
        person_row(number, "王芳", make_id_number("19620101", seq + 1, "522228"), "配偶", village, township,
                   贫困户属性="一般贫困户", 脱贫状态="已脱贫", 主要致贫原因="因病", 其他致贫原因="因学、缺资金",
                   建档立卡年度="2014", 帮扶责任人="李四", 经度="108.5", 纬度="28.5"),
        person_row(number, "张小明", make_id_number("20150101", seq + 3), "之孙子", village, township,
                   贫困户属性="一般贫困户", 脱贫状态="已脱贫", 主要致贫原因="因病", 其他致贫原因="因学、缺资金",
                   建档立卡年度="2014", 帮扶责任人="李四", 经度="108.5", 纬度="28.5"),
    ]


def write_csv(path, rows, *, header=None, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return str(path)


def write_sheet(path, rows, *, header=None, formulas=None):
    """An .xlsx; `formulas` maps (row index, col index) → (formula, cached value)."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for col, text in enumerate(header or HEADER):
        sheet.write_string(0, col, text)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if formulas and (r - 1, c) in formulas:
                formula, cached = formulas[(r - 1, c)]
                sheet.write_formula(r, c, formula, None, cached)
            elif isinstance(value, float | int) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
            elif value != "":
                sheet.write_string(r, c, str(value))
    workbook.close()
    return str(path)


def write_xls(path, rows, *, header=None):
    """A real Excel 97–2003 (BIFF8) workbook, as older county offices still send: numbers are
    stored as numbers (floats), everything else as text."""
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("户信息")
    for col, text in enumerate(header or HEADER):
        sheet.write(0, col, text)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value != "":
                sheet.write(r, c, value)
    workbook.save(str(path))
    return str(path)


WRITERS = {"csv": write_csv, "xlsx": write_sheet, "xls": write_xls}


@pytest.fixture
def sheet(tmp_path):
    counter = {"n": 0}

    def make(rows, *, kind="csv", **kwargs):
        counter["n"] += 1
        path = tmp_path / f"sheet{counter['n']}.{kind}"
        return WRITERS[kind](path, rows, **kwargs)

    return make
