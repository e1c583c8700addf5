"""The household import: every messiness of SPEC §6, every bad input of the issue, the CLI contract."""

import contextlib
import zipfile

import pytest
from django.core.management import call_command

from minxin.core.models import AuditEvent
from minxin.registry.io import importer
from minxin.registry.models import Helper, Household, Member, Registration
from minxin.registry.services_io import household_import
from tests.registry.conftest import HEADER, family, person_row, write_csv
from tests.sealed import plain
from tests.world import make_id_number

pytestmark = pytest.mark.django_db


def run(path, **kwargs):
    return household_import(actor=kwargs.pop("actor", None), path=path, **kwargs)


def reasons(outcome):
    return [p.reason for p in outcome.problems]


def test_a_good_file_imports_and_the_same_file_again_changes_nothing(world, sheet):
    path = sheet(family())
    first = run(path)
    assert first.exit_code == 0, first.problems
    assert first.counts["households_created"] == 1 and first.counts["members_created"] == 3
    household = Household.objects.get(number="H0001")
    assert household.head_name == "张三丰" and household.member_count == 3 and household.group == "3组"
    assert plain(household, "phone") == "13912345678" and str(household.lat) == "28.500000"
    reg = Registration.objects.get(household=household)
    assert (reg.attribute, reg.status, reg.main_cause, reg.other_causes, reg.year) == (
        "general", "exited", "illness", ["education", "capital"], 2014)
    assert [h.name for h in household.helpers.all()] == ["李四"]
    spouse = Member.objects.get(name="王芳")
    assert spouse.sex == "F" and spouse.birth_date.isoformat() == "1962-01-01" and plain(spouse).startswith("522228")
    events = AuditEvent.objects.filter(object_type="registry.household", object_id=str(household.pk))
    assert events.filter(action="household.import.create").exists()

    again = run(path)
    assert again.exit_code == 0
    assert again.counts["households_unchanged"] == 1 and again.counts["members_unchanged"] == 3
    assert again.counts["households_created"] == again.counts["members_updated"] == 0
    assert "没有需要更改的数据" in again.message
    assert Household.objects.get(number="H0001").version == household.version


def test_changed_rows_update_by_id_number_and_household_number(world, sheet):
    run(sheet(family()))
    rows = family()
    rows[1][HEADER.index("是否低保")] = "是"
    outcome = run(sheet(rows))
    assert outcome.counts["members_updated"] == 1 and outcome.counts["households_updated"] == 1
    household = Household.objects.get(number="H0001")
    assert household.has_dibao and household.version == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_are_detected(world, sheet, encoding):
    outcome = run(sheet(family(), encoding=encoding))
    assert outcome.exit_code == 0, outcome.problems
    assert Member.objects.filter(name="张小明").exists()


def test_a_csv_with_a_cell_past_the_csv_modules_limit_is_refused_naming_its_line(world, tmp_path):
    rows = family()
    rows[1][HEADER.index("姓名")] = "长" * 200_000
    outcome = run(write_csv(tmp_path / "long.csv", rows))
    assert outcome.exit_code == 2 and "第 3 行无法按 CSV 读取：有一个单元格超过 131072 个字符" in outcome.message
    assert not Household.objects.filter(number="H0001").exists()


def test_xlsx_with_numbers_stored_as_floats_and_formulas_taken_as_values(world, sheet):
    rows = family()
    rows[0][HEADER.index("建档立卡年度")] = 2014.0
    rows[0][HEADER.index("经度")] = 108.5
    outcome = run(sheet(rows, kind="xlsx", formulas={(2, HEADER.index("姓名")): ('="张"&"小明"', "张小明")}))
    assert outcome.exit_code == 0, outcome.problems
    assert Member.objects.filter(name="张小明").exists()
    assert not Member.objects.filter(name__startswith="=").exists()


def test_a_real_xls_workbook_imports_with_its_numbers_stored_as_floats(world, sheet):
    rows = family()
    rows[0][HEADER.index("建档立卡年度")] = 2014.0
    rows[0][HEADER.index("联系电话")] = 13912345678.0
    rows[0][HEADER.index("经度")] = 108.5
    path = sheet(rows, kind="xls")
    with open(path, "rb") as handle:
        assert handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file, not XML
    outcome = run(path)
    assert outcome.exit_code == 0, outcome.problems
    household = Household.objects.get(number="H0001")
    assert plain(household, "phone") == "13912345678" and household.member_count == 3 and str(household.lon) == "108.500000"
    assert Registration.objects.get(household=household).year == 2014
    assert run(path).counts["members_unchanged"] == 3


def test_an_xls_id_number_stored_as_a_number_is_refused_not_guessed(world, sheet):
    rows = family()
    rows[1][HEADER.index("证件号码")] = float(rows[1][HEADER.index("证件号码")])  # Excel keeps 15 digits
    outcome = run(sheet(rows, kind="xls"))
    assert outcome.exit_code == 1 and not Household.objects.filter(number="H0001").exists()
    problem = next(p for p in outcome.problems if p.column == "证件号码")
    assert problem.row == 3 and "科学计数法" in problem.reason


def test_full_width_digits_lowercase_x_stray_spaces_float_suffix_and_blank_rows(world, sheet):
    x_id = next(make_id_number("19700101", seq) for seq in range(1, 999) if make_id_number("19700101", seq)[-1] == "X")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in make_id_number("19600101", 11))
    rows = [
        person_row(" 5206271062019001 ", "  张三丰 ", full_width, " 户主 "),
        ["", "", ""],
        person_row("５２０６２７１０６２０１９００１", "张二", f" {x_id.lower()[:6]} {x_id.lower()[6:]}", "之子"),
        person_row("5206271062019001.0", "张小", make_id_number("19900101", 15) + ".0", "之女"),
    ]
    outcome = run(sheet(rows))
    assert outcome.exit_code == 0, outcome.problems
    household = Household.objects.get(number="5206271062019001")
    assert sorted(plain(m) for m in household.members.all()) == sorted(
        [make_id_number("19600101", 11), x_id, make_id_number("19900101", 15)])
    assert household.head_name == "张三丰"


def test_scientific_notation_is_not_recoverable_and_is_reported(world, sheet):
    rows = family()
    rows[2][HEADER.index("证件号码")] = "5.20627199001e+17"
    outcome = run(sheet(rows))
    assert outcome.exit_code == 1
    assert any("科学计数法" in r for r in reasons(outcome))
    assert outcome.problems[0].row == 4 and outcome.problems[0].column == "证件号码"
    assert not Household.objects.filter(number="H0001").exists()


@pytest.mark.parametrize(("text", "expected"), [("是", True), ("否", False), ("Y", True), ("n", False), ("1", True),
                                                ("0", False), ("1.0", True), ("", False)])
def test_yes_no_variants(world, sheet, text, expected):
    rows = family()
    rows[0][HEADER.index("是否残疾")] = text
    assert run(sheet(rows)).exit_code == 0
    assert Member.objects.get(name="张三丰").disabled is expected


def test_a_yes_no_column_with_another_word_is_reported(world, sheet):
    rows = family()
    rows[0][HEADER.index("是否残疾")] = "也许"
    outcome = run(sheet(rows))
    assert outcome.exit_code == 1 and "应为 是/否" in reasons(outcome)[0]


def test_traditional_headers_and_values_full_width_headers(world, sheet):
    traditional = {"所在乡镇": "所在鄉鎮", "户编号": "戶編號", "证件号码": "證件號碼", "与户主关系": "與戶主關係",
                   "是否残疾": "是否殘疾", "联系电话": "聯繫電話", "贫困户属性": "貧困戶屬性", "脱贫状态": "脫貧狀態",
                   "务工时间（月）": " 務工時間(月) ", "姓名": "＊姓名 "}
    header = [traditional.get(h, h) for h in HEADER]
    rows = family()
    for row in rows:
        row[HEADER.index("所在乡镇")] = "土地坳鎮"
        row[HEADER.index("贫困户属性")] = "一般貧困戶"
        row[HEADER.index("脱贫状态")] = "已脫貧"
    rows[2][HEADER.index("与户主关系")] = "之孫子"
    outcome = run(sheet(rows, header=header))
    assert outcome.exit_code == 0, outcome.problems
    assert Registration.objects.get(household__number="H0001").status == "exited"
    assert Member.objects.get(name="张小明").relation == "grandson"


def test_missing_required_headers_make_the_file_unusable(world, sheet):
    header = [h for h in HEADER if h != "证件号码"]
    rows = [row[:5] + row[6:] for row in family()]
    outcome = run(sheet(rows, header=header))
    assert outcome.exit_code == 2 and "证件号码" in outcome.message
    assert not Household.objects.exists() or not Household.objects.filter(number="H0001").exists()


def test_a_sheet_that_is_not_a_household_sheet_is_unusable(world, sheet):
    outcome = run(sheet([["1", "2"]], header=["序号", "金额"]))
    assert outcome.exit_code == 2 and "缺少必填列" in outcome.message


def test_a_duplicated_header_is_unusable(world, sheet):
    outcome = run(sheet([row + [row[4]] for row in family()], header=HEADER + ["姓名"]))
    assert outcome.exit_code == 2 and "出现了两次" in outcome.message


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda n: n[:17] + ("0" if n[17] != "0" else "1"), "校验码错误"),
    (lambda n: None, "出生日期"),
    (lambda n: "999999" + n[6:], "地区码"),
    (lambda n: n[:6] + n[8:17], "15 位"),
])
def test_invalid_id_numbers_are_reported_with_the_reason(world, sheet, mutate, expected):
    rows = family()
    number = rows[1][HEADER.index("证件号码")]
    bad = mutate(number)
    if bad is None:  # a valid checksum on a date that does not exist
        body = "52062719620230" + "123"
        from stdnum.cn import ric
        bad = body + ric.calc_check_digit(body + "0")
    if expected == "地区码":
        from stdnum.cn import ric
        bad = bad[:17] + ric.calc_check_digit(bad[:17] + "0")
    rows[1][HEADER.index("证件号码")] = bad
    outcome = run(sheet(rows))
    assert outcome.exit_code == 1
    assert outcome.problems[0].row == 3 and expected in outcome.problems[0].reason, outcome.problems
    assert not Household.objects.filter(number="H0001").exists()


def test_the_same_person_twice_in_a_file(world, sheet):
    rows = family() + family("H0002", seq=11, head="张三丰")[:1]
    outcome = run(sheet(rows))
    assert outcome.exit_code == 1
    assert {p.row for p in outcome.problems if "同一个人" in p.reason} == {2, 5}


def test_a_person_already_in_another_household(world, sheet):
    run(sheet(family()))
    rows = [person_row("H0009", "张三丰", make_id_number("19600101", 11), "户主")]
    outcome = run(sheet(rows))
    assert outcome.exit_code == 1 and "已登记在另一户（户编号 H0001）" in reasons(outcome)[0]


@pytest.mark.parametrize("as_existing", [False, True])
def test_a_person_registered_outside_the_scope_is_refused_without_saying_where(world, sheet, as_existing):
    """A township's administrator imports someone who lives in another township: refused, without
    the other household's number (it names the village, so where the person lives). The county's
    administrator is told the number. Into a new household (written first, refused by the digest)
    and into one the registry holds (compared first), the same answer."""
    other, own = world.registry["gz"]["member"], world.registry["tdw"]["household"]
    number, relation = (own.number, "之子") if as_existing else ("H0100", "户主")
    rows = [person_row(number, "赵六", plain(other), relation, village=own.village.name,
                       township=own.village.parent.name)]
    outcome = run(sheet(rows), actor=world.users["tdw_admin"])
    assert outcome.exit_code == 1
    assert any("此人已登记在其他户（不在您的管辖范围内）" in reason for reason in reasons(outcome)), reasons(outcome)
    assert other.household.number not in str([vars(p) for p in outcome.problems]) + outcome.message
    county = run(sheet(rows), actor=world.users["county_admin"])
    assert any(f"已登记在另一户（户编号 {other.household.number}）" in reason for reason in reasons(county))


def test_an_import_confirms_whole_id_numbers_only_within_the_check_limit_and_logs_each(world, sheet, settings):
    """A clerk (no right to reveal) who uploads guesses of masked numbers as new households and reads
    which are "already registered" is checking whole numbers, as on the member form: each such row
    counts against the ID-check limit and is logged; past the limit the import is refused naming no
    row. A role that may reveal is told every row."""
    from minxin.core.errors import RateLimited

    settings.MINXIN_ID_CHECK_LIMIT = 2
    guesses = [plain(m) for m in Member.objects.order_by("pk")[:3]]
    rows = [person_row(f"G{n}", "猜", number, "户主") for n, number in enumerate(guesses)]
    clerk = world.users["tdw_clerk"]
    with pytest.raises(RateLimited):
        run(sheet(rows), actor=clerk, dry_run=True)
    # refused, naming no row — and the three checks are in the audit log all the same
    assert AuditEvent.objects.filter(action="search.identifier.match", actor=clerk).count() == 3
    county = run(sheet(rows), actor=world.users["county_admin"], dry_run=True)
    assert sum("已登记在另一户" in reason for reason in reasons(county)) == 3
    settings.MINXIN_ID_CHECK_LIMIT = 20
    one = run(sheet(rows[:1]), actor=clerk, dry_run=True)
    assert any("已登记" in reason for reason in reasons(one))
    hit = AuditEvent.objects.filter(action="search.identifier.match", actor=clerk).latest("id")
    assert hit.after == {"term": "*" * 14 + guesses[0][-4:]}


def _guess(real: str, *, later: bool = False) -> str:
    """Another valid ID number that reads like `real`: its area code, last four and birth year."""
    from stdnum.cn import ric

    for month in range(12, 0, -1) if later else range(1, 13):
        for day in range(1, 29):
            candidate = f"{real[:6]}{real[6:10]}{month:02d}{day:02d}{real[14:]}"
            if candidate == real:
                continue
            if ric.calc_check_digit(candidate[:17] + "0") == candidate[17]:
                return candidate
    raise AssertionError("no guess")


def test_guesses_of_masked_numbers_count_as_checks_and_are_logged_hit_or_miss(world, sheet, settings):
    """A clerk (no right to reveal) who writes into a sheet numbers that read like a person of the
    village (area code, last four, birth year: all the page shows) or a phone that reads like the
    household's, and reads whether the import counts a row new, unchanged or registered elsewhere,
    is guessing hidden digits: each such row counts against the ID-check limit, right or wrong, in
    the household or in a new one, and is logged, also when the import is refused for it. Once the
    limit is used up every import is refused, so a right guess (the person himself, counted nothing)
    cannot be told from a wrong one by a refusal. The household's own rows and a newborn are no
    guesses."""
    from minxin.core.errors import RateLimited
    from minxin.core.masking import search_log_term

    run(sheet(family()))  # H0001 of 五七村: three people, the phone 13912345678
    clerk, admin = world.users["tdw_clerk"], world.users["county_admin"]
    events = AuditEvent.objects.filter(action="search.identifier.match")
    settings.MINXIN_ID_CHECK_LIMIT = 20
    newborn = person_row("H0001", "张小宝", make_id_number("20240101", 77), "之孙子")
    assert run(sheet([*family(), newborn]), actor=clerk, dry_run=True).exit_code == 0
    assert not events.exists()

    rows = family()
    head = rows[0][HEADER.index("证件号码")]
    rows[0][HEADER.index("联系电话")] = "13900005678"
    rows.append(person_row("H0001", "猜", _guess(head), "其他"))
    elsewhere = person_row("G0001", "猜", _guess(head, later=True), "户主")  # a wrong guess, in a new household
    run(sheet([*rows, elsewhere]), actor=clerk, dry_run=True)
    assert sorted(event.after["term"] for event in events.filter(actor=clerk)) == sorted(
        [search_log_term(_guess(head)), search_log_term(_guess(head, later=True)), search_log_term("13900005678")])
    assert run(sheet(family()), actor=clerk, dry_run=True).exit_code == 0  # the right numbers: nothing counted
    settings.MINXIN_ID_CHECK_LIMIT = 4  # one check left: an import whose guesses pass it is refused, and
    with pytest.raises(RateLimited):  # they are logged all the same (a refusal without a trace would tell
        run(sheet(rows), actor=clerk, dry_run=True)  # a wrong guess from the right one, which counts nothing)
    assert events.filter(actor=clerk).count() == 5
    for attempt in (rows, family()):  # the limit used up: a wrong guess and the household's own rows alike
        with pytest.raises(RateLimited):
            run(sheet(attempt), actor=clerk, dry_run=True)
    run(sheet(rows), actor=admin, dry_run=True)  # a role that may reveal is not counted
    assert not events.filter(actor=admin).exists()


def test_new_households_beside_a_person_registered_already_are_written_after_a_careful_comparison(world, sheet,
                                                                                                 monkeypatch):
    """A sheet of new households only is written without looking its people up first. One of them
    is registered already: the members' unique digest refuses the write, the import rolls it back
    and compares with care. With skip_invalid, the clashing household is skipped and the other is
    written; nothing of the refused attempt remains (its households, members or audit events)."""
    run(sheet(family()))
    members, events = Member.objects.count(), AuditEvent.objects.count()
    loads, load = [], importer._load_existing
    monkeypatch.setattr(importer, "_load_existing", lambda *a, **kw: loads.append(kw) or load(*a, **kw))
    rows = [person_row("H0009", "赵六", make_id_number("19600101", 11), "户主"), *family("H0010", seq=41)]
    outcome = run(sheet(rows), skip_invalid=True)
    assert loads == [{"unseen_people": True}, {}]  # written unseen, refused, compared with care
    assert outcome.exit_code == 1 and "已登记在另一户（户编号 H0001）" in reasons(outcome)[0]
    assert outcome.counts["households_created"] == 1 and outcome.counts["members_created"] == 3
    assert not Household.objects.filter(number="H0009").exists()
    assert Household.objects.get(number="H0010").members.count() == 3
    assert Household.objects.get(number="H0001").members.count() == 3
    assert Member.objects.count() == members + 3
    assert AuditEvent.objects.count() == events + 2  # H0010's creation and the summary: none of the attempt's


def test_a_sheet_with_problems_lists_a_registered_person_among_them(world, sheet):
    """New households only, but with a problem of the sheet's own (a household without a head): it
    is compared with the registry before anything is written, so one report names both rows."""
    run(sheet(family()))
    rows = [person_row("H0009", "赵六", make_id_number("19600101", 11), "户主"),
            person_row("H0011", "钱七", make_id_number("19700101", 61), "之子")]
    outcome = run(sheet(rows))
    assert outcome.exit_code == 1 and not Household.objects.filter(number__in=["H0009", "H0011"]).exists()
    assert {(p.row, "已登记在另一户" in p.reason, "没有户主" in p.reason) for p in outcome.problems} == {
        (2, True, False), (3, False, True)}, outcome.problems


def test_a_household_with_no_head_or_two_heads(world, sheet):
    rows = family()
    rows[0][HEADER.index("与户主关系")] = "之子"
    rows += [person_row("H0002", "甲", make_id_number("19700101", 31)), person_row("H0002", "乙", make_id_number(
        "19710101", 33))]
    outcome = run(sheet(rows))
    assert outcome.exit_code == 1
    assert any("没有户主" in r for r in reasons(outcome))
    assert any(p.row == 6 and "已有户主" in p.reason for p in outcome.problems)


def test_an_unknown_village_and_a_village_outside_the_scope_get_the_same_answer(world, sheet):
    unknown = run(sheet([person_row(village="不存在村")]))
    outside = run(sheet([person_row(village="龙门村", township="官舟镇")]), actor=world.users["tdw_admin"])
    assert unknown.exit_code == outside.exit_code == 1
    assert "不存在，或不在您的管辖范围内" in unknown.problems[0].reason
    assert "不存在，或不在您的管辖范围内" in outside.problems[0].reason
    inside = run(sheet([person_row(village="茶园村", number="H0100")]), actor=world.users["tdw_admin"])
    assert inside.exit_code == 0


def test_household_columns_that_disagree_are_reported(world, sheet):
    rows = family()
    rows[2][HEADER.index("贫困户属性")] = "低保贫困户"
    outcome = run(sheet(rows))
    assert outcome.exit_code == 1 and "不一致" in reasons(outcome)[0] and outcome.problems[0].row == 4


def test_empty_file_header_only_and_files_that_are_not_spreadsheets(world, tmp_path, sheet):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert run(str(empty)).exit_code == 2
    assert run(sheet([])).exit_code == 2
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"this is not a workbook at all")
    assert "不是有效的 .xlsx" in run(str(fake)).message
    fake_xls = tmp_path / "fake.xls"
    fake_xls.write_bytes(b"<html>not xls</html>")
    assert run(str(fake_xls)).exit_code == 2
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n")
    assert "不支持的文件类型" in run(str(image)).message
    binary_csv = tmp_path / "binary.csv"
    binary_csv.write_bytes(b"\x00\x01\x02" * 100)
    assert run(str(binary_csv)).exit_code == 2


def test_a_workbook_whose_sheet_cannot_be_loaded_is_refused_with_the_reason(world, tmp_path, sheet):
    """The sheet loads in a thread: its failure still reaches the user as an unusable file."""
    good = sheet(family(), kind="xlsx")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut off mid-element
            target.writestr(info, data)
    outcome = run(str(broken))
    assert outcome.exit_code == 2 and "无法读取该 Excel 文件" in outcome.message
    assert not Household.objects.filter(number="H0001").exists()


def test_a_zip_bomb_is_refused_before_it_is_read(world, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (30 * 2**20))
    outcome = run(str(bomb))
    assert outcome.exit_code == 2 and "压缩" in outcome.message


def test_declared_uncompressed_size_and_file_size_and_row_caps(world, sheet, settings):
    path = sheet(family(), kind="xlsx")
    settings.MINXIN_IMPORT_MAX_UNCOMPRESSED_BYTES = 2048
    assert "解压后过大" in run(path).message
    settings.MINXIN_IMPORT_MAX_UNCOMPRESSED_BYTES = 2**30
    settings.MINXIN_IMPORT_MAX_FILE_BYTES = 1024
    assert "文件太大" in run(path).message
    settings.MINXIN_IMPORT_MAX_FILE_BYTES = 2**30
    settings.MINXIN_IMPORT_MAX_ROWS = 2
    assert run(path).exit_code == 2 and run(sheet(family())).exit_code == 2


def test_skip_invalid_writes_the_good_households_and_reports_the_skipped_rows(world, sheet):
    rows = family() + family("H0002", seq=41)
    rows[4][HEADER.index("证件号码")] = "123"
    outcome = run(sheet(rows), skip_invalid=True)
    assert outcome.exit_code == 1
    assert Household.objects.filter(number="H0001").exists() and not Household.objects.filter(number="H0002").exists()
    assert [p.row for p in outcome.problems] == [6]
    assert sorted(p.row for p in outcome.skipped) == [5, 7]
    assert all("一并跳过" in p.reason for p in outcome.skipped)


def test_all_or_nothing_by_default_and_dry_run_writes_nothing(world, sheet):
    rows = family() + family("H0002", seq=41)
    rows[4][HEADER.index("证件号码")] = "123"
    assert run(sheet(rows)).exit_code == 1
    assert not Household.objects.filter(number__in=["H0001", "H0002"]).exists()
    dry = run(sheet(family()), dry_run=True)
    assert dry.exit_code == 0 and dry.counts["households_created"] == 1 and "试导入" in dry.message
    assert not Household.objects.filter(number="H0001").exists()


def test_cli_exit_codes_and_reports(world, sheet, tmp_path):
    good, bad = sheet(family()), sheet([person_row(id_number="123")])
    with pytest.raises(SystemExit) as exc:
        call_command("import-households", bad, "--report", str(tmp_path / "r.csv"))
    assert exc.value.code == 1
    report = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "行号,列,值,原因" and report[1].startswith("2,证件号码,123,")
    call_command("import-households", good, "--dry-run")
    assert not Household.objects.filter(number="H0001").exists()
    call_command("import-households", good, "--user", "county_admin", "--report", str(tmp_path / "r.xlsx"))
    assert Household.objects.filter(number="H0001").exists()
    with pytest.raises(SystemExit) as exc:
        call_command("import-households", str(tmp_path / "missing.xlsx"))
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        call_command("import-households", sheet([person_row(village="龙门村", township="官舟镇", number="H7")]),
                     "--user", "tdw_admin")
    assert exc.value.code == 1 and not Household.objects.filter(number="H7").exists()


def test_xlsx_report_lists_row_column_value_reason(world, sheet, tmp_path):
    from python_calamine import CalamineWorkbook

    with pytest.raises(SystemExit):
        call_command("import-households", sheet([person_row(), person_row(number="H0001", name="李", id_number="1", relation="配偶")]),
                     "--report", str(tmp_path / "r.xlsx"))
    rows = CalamineWorkbook.from_path(str(tmp_path / "r.xlsx")).get_sheet_by_index(0).to_python()
    assert rows[0] == ["行号", "列", "值", "原因"]
    assert rows[1][:3] == ["3", "证件号码", "1"]


def test_a_file_planned_and_written_in_several_batches_is_one_import(world, sheet, monkeypatch):
    """Households are planned and written a batch at a time (the server checks a batch's foreign
    keys while the next is planned): the outcome, the records and the audit trail are those of one
    import."""
    from minxin.registry.io import importer

    monkeypatch.setattr(importer, "_PLAN_BATCH", 2)
    rows = [row for index in range(5) for row in family(f"H00{index + 1}", seq=20 + 10 * index,
                                                          head=f"张{'一二三四五'[index]}丰")]
    outcome = run(sheet(rows))
    assert outcome.exit_code == 0, outcome.problems
    assert outcome.counts["households_created"] == 5 and outcome.counts["members_created"] == 15
    numbers = [f"H00{index + 1}" for index in range(5)]
    households = Household.objects.filter(number__in=numbers)
    assert sorted(households.values_list("member_count", flat=True)) == [3] * 5
    assert Member.objects.filter(household__in=households).count() == 15
    summary = AuditEvent.objects.get(action="household.import")
    assert summary.after["households_created"] == 5 and summary.after["members_created"] == 15
    created = AuditEvent.objects.filter(action="household.import.create")
    assert created.count() == 5
    assert {event.after["import"] for event in created} == {summary.object_id}
    assert {event.after["members_created"] for event in created} == {3}

    again = run(sheet(rows))
    assert again.counts["households_unchanged"] == 5 and again.counts["members_unchanged"] == 15
    assert AuditEvent.objects.filter(action="household.import").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_pipeline_refuses_a_dangling_row(world):
    """A row whose household does not exist is refused: by the foreign-key check the write thread
    runs after its COPYs on PostgreSQL, at COMMIT on SQLite; either way nothing is written."""
    from django.db import IntegrityError, connection, transaction
    from django.utils import timezone

    from minxin.core.sealing import seal_with_digests
    from minxin.registry.io import bulk, importer
    from minxin.registry.io.checks import MEMBER_DEFAULTS, MEMBER_KEYS

    now = timezone.now()
    member = {**MEMBER_DEFAULTS, "name": "无户", "relation": "head"}
    row = (now, now, 999_999, "520627100201", "wuhu wh", *seal_with_digests(make_id_number("19600101", 91), "id_number"),
           "M", now.date(),
           *(member[key] for key in MEMBER_KEYS), False, False, False)
    stage = "writing"
    with pytest.raises(IntegrityError), transaction.atomic():
        with bulk.Pipeline() as pipe:
            pipe.send([pipe.prepare(Member, importer._MEMBER_INSERT, [row])])
        stage = "commit"
    assert stage == ("writing" if connection.vendor == "postgresql" else "commit")
    assert not Member.objects.filter(name="无户").exists()


def test_a_large_import_refreshes_the_planner_statistics_on_sqlite(world, sheet, monkeypatch):
    """SQLite keeps no statistics of its own (PostgreSQL's autovacuum does): after an import that
    writes many rows they are refreshed, so the list joins households to registrations the fast way."""
    from django.db import connection

    from minxin.registry.io import bulk, importer

    calls = []
    monkeypatch.setattr(importer, "_ANALYZE_AFTER", 3)
    monkeypatch.setattr(bulk, "analyze", _recording(calls))
    assert run(sheet(family("H0901", seq=901, head="王小明"))).exit_code == 0
    if connection.vendor == "sqlite":
        assert calls == [[Household, Member, importer.Registration, importer.Helper]]
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'registry_household'")
            assert cursor.fetchone()[0] > 0
    else:
        assert calls == []
    assert run(sheet(family("H0902", seq=902, head="王小红")[:1])).exit_code == 0  # 2 rows: under the bar
    assert len(calls) == (1 if connection.vendor == "sqlite" else 0)


def _recording(calls):
    from minxin.registry.io import bulk

    real = bulk.analyze

    def analyze(models=None):
        calls.append(list(models))
        real(models)

    return analyze


def _with(rows, **values):
    """The rows with some household columns set to new values (every member row repeats them)."""
    for row in rows:
        for header, value in values.items():
            row[HEADER.index(header)] = value
    return rows


def test_a_reimport_updates_and_removes_registrations_and_helpers_of_existing_households(world, sheet):
    """Changes to existing households are written in bulk (registrations keyed by household, stale
    helpers in chunks): a later sheet's status and helpers replace the registry's, and a household
    whose registration columns are all blank is no longer registered."""
    from minxin.registry.models import Helper

    assert run(sheet(family() + family("H0002", seq=31, head="李大山"))).exit_code == 0
    second = run(sheet(_with(family(), 脱贫状态="未脱贫", 帮扶责任人="王五、李四")
                       + _with(family("H0002", seq=31, head="李大山"), 帮扶责任人="王五")))
    assert second.exit_code == 0, second.problems
    assert second.counts["households_updated"] == 2
    assert Registration.objects.get(household__number="H0001").status == "not_exited"
    assert Registration.objects.get(household__number="H0002").status == "exited"
    assert sorted(Helper.objects.filter(household__number="H0001").values_list("name", flat=True)) == ["李四", "王五"]
    assert list(Helper.objects.filter(household__number="H0002").values_list("name", flat=True)) == ["王五"]

    cleared = {header: "" for header in ("贫困户属性", "脱贫状态", "主要致贫原因", "其他致贫原因", "建档立卡年度")}
    third = run(sheet(_with(family(), 帮扶责任人="王五", **cleared)))
    assert third.exit_code == 0, third.problems
    assert not Registration.objects.filter(household__number="H0001").exists()
    assert Registration.objects.filter(household__number="H0002").exists()
    assert list(Helper.objects.filter(household__number="H0001").values_list("name", flat=True)) == ["王五"]


@pytest.mark.parametrize("column", ["姓名", "村民小组", "帮扶责任人"])
def test_text_a_spreadsheet_would_run_as_a_formula_is_refused_with_its_row_and_column(world, sheet, column):
    rows = family()
    rows[1][HEADER.index(column)] = '=HYPERLINK("http://x","点我")'
    outcome = run(sheet(rows))
    problem = next(p for p in outcome.problems if "当作公式" in p.reason)
    assert outcome.exit_code == 1 and problem.row == 3 and problem.column == column
    assert not Household.objects.filter(number="H0001").exists()


def test_an_imported_helper_named_like_a_cadre_or_unit_staff_is_linked_to_that_person(world, sheet):
    """帮扶责任人 in a sheet is text: a name that is a cadre posted to the village, or a staff member
    of a unit serving it, becomes that person (so the unit's pairing counts); other names stay typed."""
    from minxin.cadres.models import UnitStaff
    from minxin.registry.models import Helper

    cadre = world.cadres["tdw"][0]
    staff = UnitStaff.objects.create(sending_unit=cadre.sending_unit, name="坳单位王科长", position="科长")
    UnitStaff.objects.create(sending_unit=world.units["gz"], name="舟单位刘干事")  # serves another village
    outcome = run(sheet(_with(family(), 帮扶责任人=f"{cadre.name}、坳单位王科长、舟单位刘干事、村民代表张叔")))
    assert outcome.exit_code == 0, outcome.problems
    helpers = {h.name: (h.cadre_id, h.staff_id)
               for h in Helper.objects.filter(household__number="H0001")}
    assert helpers == {cadre.name: (cadre.pk, None), "坳单位王科长": (None, staff.pk),
                       "舟单位刘干事": (None, None), "村民代表张叔": (None, None)}


def test_an_import_stores_the_workers_envelopes(world, sheet, monkeypatch):
    """A sheet large enough has its ID numbers and phones sealed by a worker process while it is
    checked; what is stored opens to the file's values and carries their digests."""
    from minxin.core import presealing, sealing

    monkeypatch.setattr(presealing, "START_AT", 1)
    started = []
    real_start = presealing.Presealed._start
    monkeypatch.setattr(presealing.Presealed, "_start", lambda self: started.append(1) or real_start(self))
    def not_here(value, kind, k=None):
        raise AssertionError(f"{kind} sealed in the importing process")

    monkeypatch.setattr(sealing, "seal_with_digests", not_here)  # the worker is a fresh process: not patched
    rows = family("H0801", seq=801, head="赵大山")
    outcome = run(sheet(rows))
    monkeypatch.undo()
    assert outcome.exit_code == 0, outcome.problems
    assert started == [1]
    household = Household.objects.get(number="H0801")
    members = Member.objects.filter(household=household)
    assert members.count() == 3 and plain(household, "phone") == "13912345678"
    for member in members:
        number = plain(member)
        assert member.id_number_hash == sealing.digest(number) and member.id_number_tail == sealing.tail_digest(number)


def test_a_first_load_builds_the_registrys_indexes_once_its_rows_are_in(world, monkeypatch):
    """Into an empty registry, a county's first load drops the secondary indexes and builds each once
    at the end; a load that fails leaves them as they were, and a partial unique index (one head a
    household) still refuses what breaks it, when it is built."""
    from django.db import IntegrityError, connection, transaction

    from minxin.registry.io import bulk, importer

    def indexes():
        with connection.cursor() as cursor:
            return {table: bulk.secondary_indexes(cursor, table) for table in ("registry_household", "registry_member")}

    before = indexes()
    assert "member_one_head" in dict(before["registry_member"]) and "household_village" in dict(before["registry_household"])
    assert "member_unique_id_number" not in dict(before["registry_member"])  # a constraint's index stays
    monkeypatch.setattr(importer, "_FIRST_LOAD", 1)
    assert not importer._is_first_load(["one household"])  # the registry is not empty

    with transaction.atomic(), bulk.built_after_load([Household, Member]):
        assert indexes() == {"registry_household": [], "registry_member": []}
    assert indexes() == before

    with pytest.raises(RuntimeError), transaction.atomic(), bulk.built_after_load([Member]):
        raise RuntimeError("the load failed")
    assert indexes() == before

    head = Member.objects.filter(relation="head").first()
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.built_after_load([Member]):
        Member.objects.filter(household_id=head.household_id).update(relation="head")
    assert indexes() == before
    assert Member.objects.filter(household_id=head.household_id, relation="head").count() == 1


def test_a_first_load_checks_the_keys_between_the_registrys_tables_once_its_rows_are_in(world):
    """On PostgreSQL the foreign keys from one loaded table to another (a member's household) are
    dropped for the load and added back at its end, where one check refuses a row that breaks them
    and leaves the keys as they were; a key to a table outside the load (a household's village)
    stays. On SQLite every key stays."""
    from django.db import IntegrityError, connection, transaction

    from minxin.registry.io import bulk

    tables = ["registry_household", "registry_member", "registry_registration", "registry_helper"]

    def keys():
        with connection.cursor() as cursor:
            return bulk._keys_between(cursor, tables)

    def key_columns(table):
        with connection.cursor() as cursor:
            relations = connection.introspection.get_relations(cursor, table)
        return {column: target for column, (_field, target) in relations.items()}

    postgresql = connection.vendor == "postgresql"
    if postgresql:
        before = keys()
        assert {(table, definition.split(" REFERENCES ")[1].split("(")[0]) for table, _name, definition in before} == {
            ("registry_member", "registry_household"), ("registry_registration", "registry_household"),
            ("registry_helper", "registry_household")}
    assert key_columns("registry_member") == {"household_id": "registry_household"}

    models = [Household, Member, Registration, Helper]
    with transaction.atomic(), bulk.built_after_load(models):
        if postgresql:
            assert keys() == []
        assert key_columns("registry_member") == ({} if postgresql else {"household_id": "registry_household"})
        assert key_columns("registry_household")["village_id"] == "regions_region"  # outside the load: kept
    assert key_columns("registry_member") == {"household_id": "registry_household"}
    if not postgresql:
        return  # SQLite checks the key it kept when the load commits (the test's transaction never does)
    assert keys() == before

    member = Member.objects.first()
    missing = Household.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.built_after_load(models):
        Member.objects.filter(pk=member.pk).update(household_id=missing)
    assert keys() == before
    assert Member.objects.get(pk=member.pk).household_id == member.household_id


def test_only_a_large_load_into_an_empty_registry_rebuilds_its_indexes(db, monkeypatch):
    """…and only that load, on a SQLite file outside a transaction, goes to a writer process (the
    suite's database is in memory and every test in a transaction: here, never)."""
    from minxin.registry.io import bulk, importer, writer

    assert not Household.objects.exists() and not Member.objects.exists()
    monkeypatch.setattr(importer, "_FIRST_LOAD", 2)
    assert not importer._is_first_load(["one household"])
    assert importer._is_first_load(["one", "two"])
    assert not writer.usable()
    built = []
    monkeypatch.setattr(bulk, "built_after_load", lambda models: built.append(models) or contextlib.nullcontext())
    for valid, expected in ((["one"], []), (["one", "two"], [importer._LOADED])):
        with importer._writing(valid) as pipe:
            assert type(pipe) is bulk.Pipeline
        assert built == expected


def test_the_sheet_reader_sends_a_repeated_text_once_per_batch():
    """The reader's child makes each text that repeats in a batch one object, so marshal sends it once;
    the rows are unchanged, and numbers equal to a text (1, 1.0, True) stay as they were."""
    import marshal

    from minxin.registry.io.sheet_child import _shared

    rows = [["五七村", "户主", 1, 1.0, True, "1"], ["".join(["五七", "村"]), "户主", 2, None, False, "1"]]
    shared = _shared(rows)
    assert shared == rows
    assert shared[0][0] is shared[1][0] and shared[0][5] is shared[1][5]
    assert [type(cell) for cell in shared[0]] == [str, str, int, float, bool, str]
    assert len(marshal.dumps(shared)) < len(marshal.dumps(rows)) and marshal.loads(marshal.dumps(shared)) == rows


def test_booleans_are_bound_as_exact_integers_on_sqlite(db):
    """The sqlite3 module binds an exact int directly and looks up an adapter for every bool, which
    cost a county import over a second: the bulk writer gives it 0 and 1 (a nullable boolean keeps
    its None)."""
    from django.db import connection

    from minxin.registry.io import bulk

    if connection.vendor != "sqlite":
        assert bulk._converter(Member._meta.get_field("dibao")) is None  # psycopg binds bool as bool
        return
    rows = [(True, None), (False, None)]
    nullable = type("NullableFlag", (), {"get_internal_type": lambda self: "BooleanField", "null": True})()
    converted = bulk._convert(rows, [bulk._converter(Member._meta.get_field("dibao")), bulk._converter(nullable)])
    assert converted == [(1, None), (0, None)]
    assert {type(value) for row in converted for value in row} == {int, type(None)}
    converted = bulk._convert([(None, True)], [None, bulk._converter(nullable)])
    assert converted == [(None, 1)] and type(converted[0][1]) is int
