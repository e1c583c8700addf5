"""`minxin load-regions`: the division tree a fresh installation needs before its first account, and
the install steps of docs/operations.md run in order on an empty database."""

import getpass
import re
import shlex
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from minxin.accounts.models import User
from minxin.core.models import AuditEvent
from minxin.regions import services_load
from minxin.regions.models import Region

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
STRONG = "Qingshan-Lvshui-2026"
HEADER = "区划代码,名称,贫困村\n"


def load(*args, **options):
    """(exit code, stdout, stderr) of `minxin load-regions ARGS`."""
    out, err = StringIO(), StringIO()
    try:
        call_command("load-regions", *args, stdout=out, stderr=err, **options)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def sheet(tmp_path, text, *, name="regions.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_the_install_steps_of_the_operations_guide_leave_an_administrator_who_can_sign_in(monkeypatch, client):
    """Every `minxin` line of the guide's install block, in its order, on an empty database (but the
    deploy check, run by tests/test_deploy.py with the production block, and collectstatic, by the
    smoke test): the administrator it creates signs in and opens the county."""
    guide = (ROOT / "docs" / "operations.md").read_text()
    block = guide.split("## Production stack", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [part.strip() for line in block.splitlines() for part in line.split("#", 1)[0].split("&&")]
    steps = [shlex.split(command.split(".venv/bin/minxin ", 1)[1]) for command in commands
             if ".venv/bin/minxin " in command]
    assert all(command.startswith("runuser -u minxin -- deploy/run ") for command in commands
               if ".venv/bin/minxin " in command)  # as the service user, with the environment file
    names = [step[0] for step in steps]
    assert names.index("load-regions") < names.index("create-user")
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": STRONG)
    assert not Region.objects.exists()
    for step in steps:
        if step[0] in ("check", "collectstatic"):
            continue
        call_command(*step, stdout=StringIO(), stderr=StringIO())
    admin = User.objects.get(username="admin")
    assert admin.role == "county_admin" and admin.scope_id == "520627000000"
    signed_in = client.post("/accounts/login/", {"username": "admin", "password": STRONG})
    assert signed_in.status_code == 302
    page = client.get("/regions/520627000000/")
    assert page.status_code == 200 and "土地坳镇" in page.content.decode()


def test_without_a_file_the_built_in_county_and_its_townships_are_seeded_once():
    code, out, _err = load()
    assert code == 0 and "23 townships" in out
    assert Region.objects.filter(level="township").count() == 23
    assert Region.objects.get(code="520627106000").kind == "town"
    assert load()[0] == 0 and Region.objects.count() == 26  # the province, the prefecture, the county, 23
    assert AuditEvent.objects.filter(action="region.seed").count() == 1


def test_a_gbk_list_of_villages_loads_with_kinds_and_poor_marks(tmp_path):
    path = sheet(tmp_path, HEADER + "520627106201,五七村,是\n520627106202,新华村,否\n520627001001,桃园社区,\n",
                 encoding="gbk")
    code, out, err = load(path)
    assert (code, err) == (0, "") and "3 regions were created, 0 changed, 0 unchanged" in out
    village = Region.objects.get(code="520627106201")
    assert (village.name, village.level, village.kind, village.is_poor, village.parent_id) == (
        "五七村", "village", "village", True, "520627106000")
    assert Region.objects.get(code="520627001001").kind == "community"
    event = AuditEvent.objects.get(action="region.load")
    assert event.region_code == "520627000000" and event.actor is None
    assert sorted(event.after["created"]) == ["520627001001", "520627106201", "520627106202"]


def test_loading_again_changes_only_what_the_list_changes(tmp_path):
    load(sheet(tmp_path, HEADER + "520627106201,五七村,是\n520627106202,新华村,否\n"))
    code, out, _err = load(sheet(tmp_path, HEADER + "520627106201,五七村,\n520627106202,新华社区村,是\n", name="b.csv"))
    assert code == 0 and "0 regions were created, 1 changed, 1 unchanged" in out
    assert Region.objects.get(code="520627106201").is_poor  # an empty mark leaves it as it was
    renamed = Region.objects.get(code="520627106202")
    assert (renamed.name, renamed.is_poor) == ("新华社区村", True)
    assert AuditEvent.objects.filter(action="region.load").latest("id").after == {
        "created": [], "changed": ["520627106202"]}


def test_a_list_with_bad_rows_names_each_and_writes_nothing(tmp_path):
    load()
    before = (Region.objects.count(), AuditEvent.objects.count())
    path = sheet(tmp_path, HEADER + "\n".join([
        "520627106203,甲村,是",         # row 2: good, but the file is refused as a whole
        "5206271062,乙村,",            # 3: malformed code
        "520627106203,丙村,",          # 4: repeated
        "520627999201,丁村,",          # 5: its township is nowhere
        "520627106204,,",              # 6: no name
        "110101001001,北京,",          # 7: outside the prefecture
        "520627106000,土地坳镇,是",      # 8: a township marked poor
        "520627106205,戊村,也许",        # 9: neither yes nor no
        "520627106206,己\x07村,",       # 10: a control character
        "520627106207," + "长" * 65 + ",",  # 11: too long
    ]) + "\n")
    code, out, err = load(path)
    assert code == 1 and "nothing was written" in err and "created" not in out
    rows = [int(number) for number in re.findall(r"^  row (\d+) ", err, re.MULTILINE)]
    assert rows == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    for text in ("格式不正确", "与第 2 行的区划代码重复", "520627999000", "名称不能为空", "铜仁市", "只有村", "应填“是”或“否”",
                 "控制字符", "超过 64 个字"):
        assert text in err
    assert (Region.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(("text", "message"), [
    ("编号,区划\n520627106201,五七村\n", "缺少列：区划代码、名称"),
    ("", "文件是空的"),
    ("\n\n,,\n", "文件是空的"),
])
def test_a_list_without_its_header_is_refused(tmp_path, text, message):
    code, _out, err = load(sheet(tmp_path, text))
    assert code == 1 and message in err
    assert not Region.objects.filter(level="village").exists()


def test_unusable_files_exit_2_and_write_nothing(tmp_path, monkeypatch):
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01PK" * 100)
    assert load(str(binary))[0] == 2
    assert load(str(tmp_path / "missing.csv"))[0] == 2
    monkeypatch.setattr(services_load, "MAX_FILE_BYTES", 10)
    code, _out, err = load(sheet(tmp_path, HEADER + "520627106201,五七村,是\n"))
    assert code == 2 and "larger than" in err
    assert not Region.objects.exists()  # not even the county: the file is read before anything is written


def test_a_line_the_csv_module_cannot_read_is_refused_naming_it(tmp_path):
    code, _out, err = load(sheet(tmp_path, HEADER + "520627106201,五七村,\n520627106202," + "长" * 200_000 + ",\n"))
    assert code == 2 and "第 3 行无法按 CSV 读取" in err and "Traceback" not in err
    assert not Region.objects.exists()


def test_too_many_rows_are_refused_by_the_file_and_by_the_service(tmp_path, monkeypatch):
    monkeypatch.setattr(services_load, "MAX_ROWS", 2)
    code, _out, err = load(sheet(tmp_path, HEADER + "".join(f"5206271062{n:02d},村{n},\n" for n in range(1, 6))))
    assert code == 2 and "超过 2 行" in err
    rows = [(1, ["区划代码", "名称"]), *((n + 1, [f"5206271062{n:02d}", f"村{n}"]) for n in range(1, 6))]
    outcome = services_load.regions_load(rows)
    assert [problem.reason for problem in outcome.problems] == ["文件超过 2 行区划；请分成几个文件导入。"]
    assert not Region.objects.exists()


def test_a_dry_run_checks_and_counts_but_writes_nothing(tmp_path):
    code, out, _err = load(sheet(tmp_path, HEADER + "520627106201,五七村,是\n"), dry_run=True)
    assert code == 0 and "1 regions would be created" in out
    assert not Region.objects.exists() and not AuditEvent.objects.exists()


def test_another_county_of_the_prefecture_gets_its_townships_from_the_list(tmp_path, settings):
    settings.MINXIN_COUNTY_CODE = "520628"
    code, out, _err = load(sheet(tmp_path, HEADER + "520628101000,蓼皋镇,\n520628101201,某某村,是\n"))
    assert code == 0 and "520628000000 松桃苗族自治县" in out
    assert Region.objects.get(code="520628101201").parent.parent.name == "松桃苗族自治县"
    assert not Region.objects.filter(code="520627000000").exists()
    assert AuditEvent.objects.get(action="region.load").region_code == "520628101000"  # the smallest region holding them


@pytest.mark.parametrize("county", ["110101", "520627106", "abc"])
def test_a_county_code_outside_the_prefecture_is_refused(settings, county):
    settings.MINXIN_COUNTY_CODE = county
    code, _out, err = load()
    assert code == 2 and "MINXIN_COUNTY_CODE" in err
    assert not Region.objects.exists()
