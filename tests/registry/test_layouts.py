"""Sheets laid out as counties really send them (issue 19.6, SPEC §6): a merged title and a 填报单位 row
above the header, a two-row header with group cells, a 填表说明 sheet before the data, 合计 rows and
signatures under it — as .xlsx, .xls and .csv. Each layout is recognised and named in the report."""

import csv

import pytest
import xlsxwriter
import xlwt
from django.core.management import call_command

from minxin.core.errors import PermissionDenied
from minxin.registry.models import Household, ImportJob, Member
from minxin.registry.services_io import household_import, import_job_choose_sheet, import_job_run
from tests.registry.conftest import HEADER, family
from tests.registry.test_pages import login

pytestmark = pytest.mark.django_db

TITLE = "沿河土家族自治县2026年建档立卡贫困人口信息表"
FILING = "填报单位：土地坳镇人民政府　　填报日期：2026年11月30日"
HOUSEHOLD_PART = HEADER.index("姓名")  # the columns before 姓名 are the household's
TOTAL = ["合计", "", "", "", "3人"] + [""] * (len(HEADER) - 5)
SIGNED = ["填表人：王小红　　审核人：李明"] + [""] * (len(HEADER) - 1)


def run(path, **kwargs):
    return household_import(actor=None, path=path, **kwargs)


def imported(outcome, households=1, members=3):
    assert outcome.exit_code == 0, (outcome.message, outcome.problems)
    assert outcome.counts["households_created"] == households and outcome.counts["members_created"] == members
    assert Member.objects.filter(household__number="H0001").count() == 3


def county_rows(layout: str) -> list[list]:
    """The rows of a sheet in `layout`: title (title + filing rows above the header), two-row (group
    row with 户编号 merged down), plain; every one ends with a 合计 row and a signature."""
    header = list(HEADER)
    above = []
    if layout in ("title", "two-row"):
        above = [[TITLE] + [""] * (len(HEADER) - 1), [FILING] + [""] * (len(HEADER) - 1)]
    if layout == "two-row":
        group = [""] * len(HEADER)
        group[0], group[HOUSEHOLD_PART] = "户基本信息", "家庭成员信息"
        number = HEADER.index("户编号")
        group[number], header[number] = "户编号", ""  # merged down: the name sits in the upper cell
        above.append(group)
    return [*above, header, *family(), TOTAL, SIGNED]


def write_xlsx(path, sheets: dict[str, list[list]], merges=True):
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            if merges and row and row[0] in (TITLE, FILING):
                sheet.merge_range(r, 0, r, len(row) - 1, row[0])
                continue
            for c, value in enumerate(row):
                if value != "":
                    sheet.write_string(r, c, str(value))
    workbook.close()
    return str(path)


def write_xls(path, sheets: dict[str, list[list]]):
    workbook = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            if row and row[0] in (TITLE, FILING):
                sheet.write_merge(r, r, 0, len(row) - 1, row[0])
                continue
            for c, value in enumerate(row):
                if value != "":
                    sheet.write(r, c, value)
    workbook.save(str(path))
    return str(path)


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return str(path)


INSTRUCTIONS = [["填表说明"], ["1. 每行一人，同一户的户信息在每个成员行重复填写。"], ["2. 证件号码请设为文本格式。"]]


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_merged_title_and_a_filing_row_above_the_header(world, tmp_path, kind):
    writer = write_xlsx if kind == "xlsx" else write_xls
    outcome = run(writer(tmp_path / f"t.{kind}", {"户信息": county_rows("title")}))
    imported(outcome)
    assert f"第 1 行是标题“{TITLE}”，已跳过。" in outcome.layout
    assert any(note.startswith("第 2 行是填报信息“填报单位") for note in outcome.layout)
    assert "表头在第 3 行。" in outcome.layout
    # rows 4–6 are the family; 7 the total, 8 the signature
    assert "合计（总计、小计）行 1 行，已跳过：第 7 行。" in outcome.layout
    assert "表格下方的签字或说明 1 行，已跳过：第 8 行。" in outcome.layout


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_two_row_header_with_group_cells_and_a_column_merged_down(world, tmp_path, kind):
    writer = write_xlsx if kind == "xlsx" else write_xls
    outcome = run(writer(tmp_path / f"g.{kind}", {"户信息": county_rows("two-row")}))
    imported(outcome)
    assert "第 3 行是分组表头（户基本信息　户编号　家庭成员信息），已跳过。" in outcome.layout
    assert "两行表头：列名在第 3–4 行，上下合并的列名取自第 3 行。" in outcome.layout
    assert Household.objects.get(number="H0001").members.count() == 3


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_the_data_on_the_second_sheet_after_an_instructions_sheet(world, tmp_path, kind):
    writer = write_xlsx if kind == "xlsx" else write_xls
    outcome = run(writer(tmp_path / f"s.{kind}", {"填表说明": INSTRUCTIONS, "户信息": county_rows("title")}))
    imported(outcome)
    assert outcome.layout[0] == "数据取自工作表“户信息”：工作簿中只有它含导入模板的表头（其他工作表：填表说明）。"


def test_two_sheets_holding_the_template_are_asked_about_never_guessed(world, tmp_path):
    other = [list(HEADER), *family("H0002", seq=41, head="李大山")]
    path = write_xlsx(tmp_path / "two.xlsx", {"说明": INSTRUCTIONS, "2025年": other, "2026年": county_rows("plain")})
    outcome = run(path)
    assert outcome.exit_code == 2 and outcome.sheets == ["2025年", "2026年"]
    assert "2025年、2026年" in outcome.message and "--sheet" in outcome.message
    assert not Household.objects.filter(number__in=["H0001", "H0002"]).exists()
    chosen = run(path, sheet="2026年")
    imported(chosen)
    assert chosen.layout[0] == "数据取自指定的工作表“2026年”（其他工作表：说明、2025年）。"
    assert not Household.objects.filter(number="H0002").exists()
    missing = run(path, sheet="2024年")
    assert missing.exit_code == 2 and "没有名为“2024年”" in missing.message and "说明、2025年、2026年" in missing.message


def test_a_csv_with_a_title_a_total_and_a_signature(world, tmp_path):
    outcome = run(write_csv(tmp_path / "c.csv", county_rows("title")))
    imported(outcome)
    assert "表头在第 3 行。" in outcome.layout and "合计（总计、小计）行 1 行，已跳过：第 7 行。" in outcome.layout
    assert run(write_csv(tmp_path / "c2.csv", county_rows("plain")), sheet="户信息").exit_code == 2


def test_a_csv_with_a_two_row_header(world, tmp_path):
    imported(run(write_csv(tmp_path / "g.csv", county_rows("two-row"))))


def test_numbering_row_repeated_header_serial_only_rows_and_subtotals(world, tmp_path):
    numbering = [str(n) for n in range(1, len(HEADER) + 1)]
    serial_only = [[""] * len(HEADER) for _ in range(2)]
    serial = "序号"
    header = [serial, *HEADER]
    first, second, third = ([str(i + 1), *row] for i, row in enumerate(family()))
    subtotal = ["", "小计", "五七村"] + [""] * (len(HEADER) - 2)
    rows = [header, ["", *numbering], first, second, [serial, *HEADER], third, subtotal,
            *(["4", *row[1:]] for row in serial_only), ["5", *[""] * len(HEADER)]]
    outcome = run(write_csv(tmp_path / "n.csv", rows))
    imported(outcome)
    notes = set(outcome.layout)
    assert len(notes) == 4
    assert "表头下的列序号行（1、2、3……），已跳过：第 2 行。" in notes
    assert "重复的表头 1 行，已跳过：第 5 行。" in notes
    assert "合计（总计、小计）行 1 行，已跳过：第 7 行。" in notes
    assert "只在模板以外的列（如序号）有内容的行 3 行，按空行跳过：第 8、9、10 行。" in notes


def test_a_total_is_never_taken_for_a_member_but_a_faulty_member_row_still_fails(world, tmp_path):
    bad = family()
    bad[1][HEADER.index("证件号码")] = ""  # a member without an ID number is an error, not a total
    outcome = run(write_csv(tmp_path / "b.csv", [HEADER, *bad, TOTAL]))
    assert outcome.exit_code == 1 and [p.row for p in outcome.problems] == [3]
    assert not Household.objects.filter(number="H0001").exists()


def test_a_header_beyond_the_first_rows_or_missing_is_still_reported(world, tmp_path):
    far = [["说明"]] * 30 + [HEADER, *family()]
    outcome = run(write_csv(tmp_path / "far.csv", far))
    assert outcome.exit_code == 2 and "缺少必填列" in outcome.message
    half = [h if h not in ("证件号码",) else "身份" for h in HEADER]
    outcome = run(write_csv(tmp_path / "half.csv", [[TITLE], half, *family()]))
    assert outcome.exit_code == 2 and "证件号码" in outcome.message and outcome.problems[0].row == 2


def test_a_workbook_without_the_template_on_any_sheet_says_which_sheets_it_looked_at(world, tmp_path):
    path = write_xlsx(tmp_path / "none.xlsx", {"说明": INSTRUCTIONS, "统计": [["乡镇", "户数"], ["土地坳镇", "3"]]})
    outcome = run(path)
    assert outcome.exit_code == 2 and "2 个工作表（说明、统计）都没有导入模板的表头" in outcome.message


def test_the_cli_takes_a_sheet_and_prints_the_layout(world, tmp_path, capsys):
    path = write_xlsx(tmp_path / "cli.xlsx", {"A": county_rows("plain"), "B": county_rows("plain")})
    with pytest.raises(SystemExit) as ended:
        call_command("import-households", path)
    assert ended.value.code == 2 and "A、B" in capsys.readouterr().err
    call_command("import-households", path, "--sheet", "B")
    out = capsys.readouterr().out
    assert "数据取自指定的工作表“B”" in out and "合计（总计、小计）行 1 行" in out
    assert Household.objects.filter(number="H0001").exists()


def test_the_upload_page_asks_which_sheet_and_imports_it(world, client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    login(client, world)
    path = write_xlsx(tmp_path / "ask.xlsx", {"2025年": county_rows("plain"), "2026年": county_rows("title")})
    with open(path, "rb") as handle:
        response = client.post("/registry/import/", {"file": handle})
    job = ImportJob.objects.get(file_name="ask.xlsx")
    assert response.status_code == 302
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "sheet" and job.sheet_choices == ["2025年", "2026年"]
    page = client.get(f"/registry/import/{job.pk}/").content.decode()
    assert 'data-testid="sheet-form"' in page and 'value="2026年"' in page
    assert client.post(f"/registry/import/{job.pk}/sheet/", {"sheet": "2024年"}).status_code == 400
    with pytest.raises(PermissionDenied):  # only its starter says which sheet (the import runs as them)
        import_job_choose_sheet(actor=world.users["county_admin"], job=job, sheet="2026年")
    response = client.post(f"/registry/import/{job.pk}/sheet/", {"sheet": "2026年"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == "queued" and job.sheet == "2026年"
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "done", job.message
    assert "表头在第 3 行。" in job.layout and Household.objects.filter(number="H0001").exists()
    page = client.get(f"/registry/import/{job.pk}/").content.decode()
    assert 'data-testid="import-layout"' in page and "表头在第 3 行。" in page
