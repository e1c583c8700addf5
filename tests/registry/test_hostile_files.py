"""Files built to hurt the server: a few KB that would make the reader allocate hundreds of GB, a
sheet that lies about its size, a workbook whose loading process dies, and jobs a crash left behind."""

import datetime
import hashlib
import resource
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from minxin.core import frames
from minxin.registry.io import reader
from minxin.registry.models import ExportJob, Household, ImportJob
from minxin.registry.services_io import household_import, jobs_recover
from tests.registry.conftest import HEADER, family
from tests.registry.test_pages import login

pytestmark = pytest.mark.django_db

_WORKBOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="户信息" sheetId="1" r:id="rId1"/></sheets></workbook>')
_RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
         'Target="worksheets/sheet1.xml"/></Relationships>')
_TYPES = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHARED_REL = ('<Relationship Id="rId2" Target="sharedStrings.xml" '
               'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>')
_ROOT_RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'officeDocument" Target="xl/workbook.xml"/></Relationships>')


def crafted(path: Path, cells: list[str], *, dimension: str | None = None, header: bool = False,
            sheet: str | None = None, shared: str = "") -> str:
    """A minimal, valid .xlsx whose sheet holds an inline string at each of `cells` (A1 style) — under
    the template's header in row 1 if `header` — or, if given, the `<sheetData>` XML `sheet`; with a
    table of `shared` strings (`<si>` elements) if given."""
    rows: dict[int, list[str]] = {}
    for ref in cells:
        number = int("".join(ch for ch in ref if ch.isdigit()))
        rows.setdefault(number, []).append(ref)
    head = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in HEADER) if header else ""
    body = sheet or f'<row r="1">{head}</row>' * header + "".join(
        f'<row r="{number}">' + "".join(f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>' for ref in refs) + "</row>"
        for number, refs in sorted(rows.items()))
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f"{declared}<sheetData>{body}</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _RELS.replace("</Relationships>", _SHARED_REL) if shared else _RELS)
        archive.writestr("xl/worksheets/sheet1.xml", xml)
        if shared:
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_MAIN}">{shared}</sst>')
    return str(path)


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.mark.parametrize(("cells", "dimension"), [
    (["XFD1048576"], None),  # 5 KB asking a whole-sheet reader for 512 GB
    (["XFD1048576"], "A1:XFD1048576"),  # the same, declared up front
    (["ZZ900000"], None),  # passed 8 GB in 18 s before the reader measured cells
    (["ZZ900000"], "A1:B2"),  # a sheet that lies about its size is measured by its cells
    (["KZ2"], None),  # more columns than a household sheet can have
])
def test_a_sheet_whose_cells_reach_too_far_is_refused_at_once_with_bounded_memory(world, tmp_path, cells, dimension):
    """A household sheet with one stray cell far away: the reading child stops at the first row past
    a cap, reads on briefly to the far cell, and the message names it."""
    path = crafted(tmp_path / "far.xlsx", cells, dimension=dimension, header=True)
    assert Path(path).stat().st_size < 6000
    households = Household.objects.count()
    before, started = peak_rss_kb(), time.monotonic()
    outcome = household_import(actor=None, path=path)
    elapsed, grown_mb = time.monotonic() - started, (peak_rss_kb() - before) / 1024
    assert outcome.exit_code == 2 and "超出导入上限" in outcome.message, outcome.message
    assert cells[-1] in outcome.message and "户信息" in outcome.message  # names the far cell and the sheet
    # Bounds, not benchmarks: neither process holds the grid, so neither grows with its size.
    assert elapsed < 5, elapsed
    assert grown_mb < 100, grown_mb
    assert Household.objects.count() == households


def test_a_cell_too_far_to_reach_is_refused_without_naming_a_wrong_corner(world, tmp_path):
    """A cell at row 4,000,000,000 (beyond Excel's own grid): the child reads on for its brief search
    and stops among the blank rows above it. The refusal says the sheet passes the rows read, not
    that its cells end there."""
    path = crafted(tmp_path / "beyond.xlsx", ["B4000000000"], header=True)
    households = Household.objects.count()
    outcome = household_import(actor=None, path=path)
    assert outcome.exit_code == 2 and "超出导入上限" in outcome.message, outcome.message
    assert "行以下仍有内容" in outcome.message and "用到了" not in outcome.message, outcome.message
    assert Household.objects.count() == households


def test_cells_without_a_position_are_measured_where_calamine_places_them(world, tmp_path, settings):
    """A row without `r` is the next row and a cell without `r` the next cell: 31 of them in row 2
    pass a 30-column cap, and the refusal names AE2."""
    settings.MINXIN_IMPORT_MAX_COLUMNS = 30
    head = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in HEADER)
    far = "<c t='inlineStr'><is><t>x</t></is></c>" * 31
    path = crafted(tmp_path / "unplaced.xlsx", [], sheet=f"<row r='1'>{head}</row><row>{far}</row>")
    outcome = household_import(actor=None, path=path)
    assert outcome.exit_code == 2 and "超出导入上限" in outcome.message and "AE2" in outcome.message, outcome.message


def test_a_reading_process_over_its_memory_limit_fails_its_import_not_the_server(world, tmp_path, settings):
    """The reader runs under MINXIN_IMPORT_MAX_MEMORY_BYTES of address space. calamine holds a
    workbook's shared strings in memory: 300,000 of them (an 11 MB file) pass a 40 MB limit, the
    child dies, the import says so, and this process carries on."""
    strings = "".join(f"<si><t>{hashlib.sha256(str(i).encode()).hexdigest()}</t></si>" for i in range(300_000))
    path = crafted(tmp_path / "strings.xlsx", [], header=True, shared=strings)
    settings.MINXIN_IMPORT_MAX_MEMORY_BYTES = 40 * 2**20
    outcome = household_import(actor=None, path=path)
    assert outcome.exit_code == 2 and "40 MB 的内存" in outcome.message, outcome.message


def test_a_reading_process_that_dies_is_an_unusable_file_and_leaves_no_process(world, tmp_path, sheet, monkeypatch):
    started = []
    start = reader._Loader.__init__

    def start_and_die(loader, *args):
        start(loader, *args)
        loader.process.kill()
        started.append(loader.process)

    monkeypatch.setattr(reader._Loader, "__init__", start_and_die)
    with pytest.raises(reader.UnusableFile):
        reader.open_sheet(sheet(family(), kind="xlsx"))
    assert started and started[0].poll() is not None


def test_a_good_workbook_still_reads_through_the_child(world, tmp_path, sheet):
    rows = list(reader.open_sheet(sheet(family(), kind="xlsx")).rows)
    assert rows[0] == (1, HEADER) and len(rows) == 4 and rows[1][1][HEADER.index("姓名")] == "张三丰"


def test_the_reading_process_streams_the_sheet_as_the_importer_takes_it(world, sheet, monkeypatch):
    """The child reads an .xlsx row by row and waits while its pipe is full: the importer has the
    first rows while the last are unread, neither side holds the sheet, and no row is lost."""
    monkeypatch.setattr(frames, "PIPE_BYTES", 2**16)  # a frame of 2,000 rows is 280 KB
    rows = family() * 1400  # three frames: the second alone overfills the pipe
    opened = reader.open_sheet(sheet(rows, kind="xlsx"))
    assert next(opened.rows) == (1, HEADER)
    process = opened.loader.process
    time.sleep(1)
    assert process.poll() is None  # held back by the full pipe, not done
    rest = list(opened.rows)
    assert len(rest) == len(rows) and rest[-1][0] == len(rows) + 1
    assert process.poll() == 0


def test_blank_rows_are_numbered_but_not_sent(world, tmp_path):
    """A run of blank rows crosses the pipe as its count: the rows after it keep their numbers."""
    path = crafted(tmp_path / "gaps.xlsx", ["A3", "B3", "A700000"])
    assert list(reader.open_sheet(path).rows) == [(3, ["x", "x"]), (700000, ["x", ""])]


def test_a_helpers_pipes_are_widened_so_a_frame_passes_in_one_read():
    import fcntl
    import subprocess

    process = frames.start("minxin.core.presealing", stdin=subprocess.PIPE)
    try:
        for pipe in (process.stdin, process.stdout):
            assert fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ) == frames.PIPE_BYTES
    finally:
        process.kill()
        process.wait()
        process.stdin.close()
        process.stdout.close()


def test_an_upload_is_never_read_inside_the_request(world, client, sheet, settings, tmp_path):
    """The default task backend only queues: the page answers before a single row is read."""
    settings.MEDIA_ROOT = tmp_path / "media"
    login(client, world)
    with open(sheet(family(), kind="xlsx"), "rb") as handle:
        response = client.post(reverse("registry:import"), {"file": handle})
    job = ImportJob.objects.latest("id")
    assert response.status_code == 302 and job.state == "queued" and job.progress == 0
    assert Path(job.stored_path).exists() and not Household.objects.filter(number="H0001").exists()


def _job(model, *, heartbeat_minutes_ago, path, **fields):
    job = model.objects.create(created_by=fields.pop("created_by"), region_code="520627", state="running",
                               stored_path=str(path), **fields)
    beat = timezone.now() - datetime.timedelta(minutes=heartbeat_minutes_ago)
    model.objects.filter(pk=job.pk).update(heartbeat_at=beat)
    return job


def test_jobs_a_crash_left_running_are_failed_and_their_files_deleted(world, tmp_path, settings):
    settings.MINXIN_JOB_STALE_MINUTES = 10
    user = world.users["tdw_admin"]
    files = [tmp_path / name for name in ("stale.xlsx", "alive.xlsx", "half.xlsx")]
    for path in files:
        path.write_bytes(b"personal data")
    stale = _job(ImportJob, heartbeat_minutes_ago=30, path=files[0], created_by=user, file_name="a.xlsx")
    alive = _job(ImportJob, heartbeat_minutes_ago=1, path=files[1], created_by=user, file_name="b.xlsx")
    half = _job(ExportJob, heartbeat_minutes_ago=30, path=files[2], created_by=user)
    assert jobs_recover() == 2
    stale.refresh_from_db(), alive.refresh_from_db(), half.refresh_from_db()
    assert stale.state == "failed" and "重新上传" in stale.message and stale.finished_at is not None
    assert half.state == "failed" and half.stored_path == ""
    assert alive.state == "running"
    assert not files[0].exists() and files[1].exists() and not files[2].exists()
    assert jobs_recover() == 0  # nothing twice


def test_the_worker_command_and_purge_files_recover_stale_jobs(world, tmp_path, settings, monkeypatch, capsys):
    from django_tasks_db.management.commands.db_worker import Command as DbWorker

    user = world.users["tdw_admin"]
    first = _job(ImportJob, heartbeat_minutes_ago=60, path=tmp_path / "x", created_by=user, file_name="x")
    call_command("purge-files")
    first.refresh_from_db()
    assert first.state == "failed" and "1 job(s)" in capsys.readouterr().out
    second = _job(ImportJob, heartbeat_minutes_ago=60, path=tmp_path / "y", created_by=user, file_name="y")
    monkeypatch.setattr(DbWorker, "handle", lambda self, *a, **k: None)  # the loop itself is django-tasks'
    call_command("worker")
    second.refresh_from_db()
    assert second.state == "failed"


def test_a_control_character_in_a_cell_is_a_refused_row_not_a_database_error(world, sheet):
    """An .xlsx cell may hold a NUL (a CSV with one is refused as not text): PostgreSQL cannot store it
    in text, and it must not get as far as the registry lookup or the write."""
    household_import(actor=None, path=sheet(family()))
    before = Household.objects.count()
    outcome = household_import(actor=None, path=sheet(family(number="H0\x0002", seq=31), kind="xlsx"))
    assert outcome.exit_code == 1
    refused = [p for p in outcome.problems if p.column == "户编号"]
    assert refused and refused[0].row == 2 and "控制字符" in refused[0].reason
    assert Household.objects.count() == before


def test_the_streaming_reader_gives_the_cells_upstream_calamine_gives(tmp_path):
    """python-calamine-plus (which streams) against python-calamine (which loads the sheet): the
    same values, row by row, for each kind of cell a county sheet holds."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook
    from python_calamine_plus import CalamineWorkbook as Streaming

    path = str(tmp_path / "kinds.xlsx")
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("户信息")
        dates = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, ["姓名", "证件号码", "人数", "面积", "日期", "是否", "空"])
        sheet.write_row(1, 0, ["张三丰", "52262719600101001X", 4, 2.5, None, True, ""])
        sheet.write_datetime(1, 4, datetime.datetime(2024, 3, 1), dates)
        sheet.write_formula(2, 2, "=C2*2", None, 8)
        sheet.write(5, 1, 522627196001010011)  # an ID number typed as a number; rows 4-5 blank
    loaded = list(CalamineWorkbook.from_path(path).get_sheet_by_name("户信息").iter_rows())
    streamed = list(Streaming.from_path(path).stream_sheet_by_name("户信息"))
    assert len(streamed) == len(loaded) == 6
    assert streamed == loaded
    assert streamed[1][4] == datetime.date(2024, 3, 1) and streamed[2][2] == 8


def test_a_sheet_that_breaks_part_way_is_refused_and_nothing_is_written(world, tmp_path):
    """Good rows first, then XML cut short: the child reports the break after sending those rows,
    and the import refuses the file whole."""
    def row(number, values):
        return f'<row r="{number}">' + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values) + "</row>"

    body = "".join(row(n, values) for n, values in enumerate([HEADER, *family()], start=1))
    path = crafted(tmp_path / "cut.xlsx", [], sheet=body + '<row r="5"><c r="A5" t="inlineStr"><is><t>土地')
    households = Household.objects.count()
    outcome = household_import(actor=None, path=path)
    assert outcome.exit_code == 2 and "无法读取该 Excel 文件" in outcome.message, outcome.message
    assert Household.objects.count() == households
    assert household_import(actor=None, path=crafted(tmp_path / "whole.xlsx", [], sheet=body)).exit_code == 0
