"""Registry objects for the shared test world (tests/world.py calls `add_registry`).

Per side: one household in the first village whose head and child carry the side's marker
(坳 / 舟), a poverty registration, an import job and a finished export job (with its file)
started by the side's township admin, and a village development plan with one item.
"""

import datetime
import tempfile
from pathlib import Path

from django.utils import timezone

from minxin.registry import services, services_plan
from minxin.registry.io.checks import Problem
from minxin.registry.io.report import write_report
from minxin.registry.models import ExportJob, ImportJob
from tests.world import make_id_number


def add_registry(world) -> None:
    world.registry = {}
    for index, side in enumerate(world.villages):
        marker = world.markers[side][0][0]
        village = world.village(side)
        household = services.household_create(
            actor=None, village=village, number=f"RG{village.code}01", group="2组", phone="13800001234",
            head={"name": f"{marker}户主甲", "id_number": make_id_number("19600315", 601 + 2 * index)})
        child = services.member_save(actor=None, household=household, version=household.version,
                                     id_number=make_id_number("20150720", 701 + 2 * index), name=f"{marker}小孩",
                                     relation="son", migrant="")
        services.registration_save(actor=None, household=household, version=household.version, registered=True,
                                   year=2015, attribute="general", status="exited", exit_year=2019,
                                   main_cause="illness")
        report = Path(tempfile.mkdtemp()) / "report.xlsx"
        write_report(str(report), [Problem(2, "姓名", f"{marker}错", "姓名不能为空。")])
        job = ImportJob.objects.create(created_by=world.users[f"{side}_admin"], region_code=village.parent_id,
                                       file_name=f"{marker}导入.xlsx", stored_path="/nonexistent", state="invalid",
                                       progress=100, report_path=str(report))
        export_file = report.with_name("export.xlsx")
        export_file.write_bytes(report.read_bytes())
        export = ExportJob.objects.create(created_by=world.users[f"{side}_admin"], region_code=village.parent_id,
                                          description=f"搜索：{marker}导出", state="done", progress=100, households=1,
                                          rows_written=2, stored_path=str(export_file))
        year = timezone.localdate().year  # a plan from this year on: last year's quarters have none
        plan = services_plan.plan_save(actor=None, village=village, title=f"{marker}发展规划", start_year=year,
                                       end_year=year + 2)
        item = services_plan.plan_item_save(actor=None, plan=plan, title=f"{marker}规划事项", category="industry",
                                            due_on=datetime.date(year, 12, 31))
        household.refresh_from_db()
        world.registry[side] = {"household": household, "member": child, "job": job, "export": export, "plan": plan,
                                "plan_item": item}
        world.markers[side] += [f"{marker}户主甲", f"{marker}小孩", f"{marker}导入.xlsx", f"搜索：{marker}导出",
                                f"{marker}发展规划"]
