"""Registry pages: search, filters, query counts, the household page, live validation, conflicts,
the village file and the upload flow."""

from pathlib import Path

import pytest
from django.urls import reverse

from minxin.core.models import AuditEvent
from minxin.registry.models import Household, ImportJob
from tests.registry.conftest import HEADER, family, person_row
from tests.sealed import plain
from tests.world import make_id_number

pytestmark = pytest.mark.django_db
LIST = "/registry/households/"


def login(client, world, persona="tdw_admin"):
    client.force_login(world.users[persona])
    return client


def test_search_by_pinyin_initials_full_pinyin_number_and_id_tail(world, client):
    login(client, world)
    household = world.registry["tdw"]["household"]
    child = world.registry["tdw"]["member"]
    for q in ("ahzj", "aohuzhujia", "户主甲", household.number, plain(child)[-4:]):
        body = client.get(LIST, {"q": q}).content.decode()
        assert "坳户主甲" in body, q
    assert "坳户主甲" not in client.get(LIST, {"q": "zzzz"}).content.decode()


def test_filters(world, client):
    login(client, world, "county_admin")
    assert "坳户主甲" in client.get(LIST, {"registered": "yes", "status": "exited", "cause": "illness"}).content.decode()
    assert "坳户主甲" not in client.get(LIST, {"registered": "no"}).content.decode()
    assert "坳户主甲" not in client.get(LIST, {"tag": "dibao"}).content.decode()
    body = client.get(LIST, {"township": "520627105000"}).content.decode()
    assert "舟户主甲" in body and "坳户主甲" not in body
    assert client.get(LIST, {"village": "999"}).status_code == 404


def test_list_sorted_by_pinyin(world, client):
    login(client, world, "county_admin")
    rows = list(client.get(LIST).context["page"])
    keys = [h.name_pinyin for h in rows]
    assert keys == sorted(keys)


def test_list_and_api_query_counts(world, client, django_assert_max_num_queries):
    login(client, world, "county_admin")
    with django_assert_max_num_queries(12):
        assert client.get(LIST, {"q": "hz", "registered": "yes"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/households", {"tag": "care_elderly"}).status_code == 200
    household = world.registry["tdw"]["household"]
    with django_assert_max_num_queries(20):
        assert client.get(reverse("registry:household-detail", args=[household.pk])).status_code == 200


def test_household_page_masks_and_reveal_is_logged(world, client):
    login(client, world)
    household = world.registry["tdw"]["household"]
    member = world.registry["tdw"]["member"]
    body = client.get(reverse("registry:household-detail", args=[household.pk])).content.decode()
    assert plain(member) not in body and plain(member)[-4:] in body and "13800001234" not in body
    revealed = client.post(reverse("registry:member-reveal", args=[member.pk])).content.decode()
    assert plain(member) in revealed
    assert AuditEvent.objects.filter(action="reveal.id_number", object_id=str(member.pk)).exists()
    body = client.get(reverse("registry:household-detail", args=[household.pk])).content.decode()
    assert "reveal.id_number" in body  # the history tab
    login(client, world, "tdw_auditor")
    body = client.get(reverse("registry:household-detail", args=[household.pk])).content.decode()
    assert "reveal-id" not in body and plain(member) not in body
    assert client.post(reverse("registry:member-reveal", args=[member.pk])).status_code == 403


def test_live_validation(world, client):
    login(client, world)
    url = reverse("registry:validate") + "?field=id_number"
    assert "校验码错误" in client.post(url, {"id_number": "520627199001011230"}).content.decode()
    own = world.registry["tdw"]["member"]
    other = world.registry["gz"]["member"]
    assert "已登记在户" in client.post(url, {"id_number": plain(own)}).content.decode()
    body = client.post(url, {"id_number": plain(other)}).content.decode()
    assert "不在您的管辖范围内" in body and other.household.number not in body
    assert "有效" in client.post(url + f"&member={own.pk}", {"id_number": plain(own)}).content.decode()
    assert "无法识别" in client.post(reverse("registry:validate") + "?field=phone", {"phone": "abc"}).content.decode()


def test_two_editors_the_second_sees_the_newer_data(world, client):
    login(client, world)
    household = world.registry["tdw"]["household"]
    url = reverse("registry:household-edit", args=[household.pk])
    data = {"group": "7组", "address": "新地址", "phone": "", "lat": "", "lon": "", "version": household.version}
    assert client.post(url, data).status_code == 302
    stale = {**data, "address": "旧页面的地址"}
    response = client.post(url, stale)
    body = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in body and "旧页面的地址" in body
    assert 'value="新地址"' in body
    household.refresh_from_db()
    assert household.address == "新地址"


def test_create_a_household_and_add_a_member(world, client):
    login(client, world, "tdw_clerk")
    from tests.world import make_id_number

    response = client.post(reverse("registry:household-new"), {
        "village": world.village("tdw").code, "number": "NEW001", "group": "1", "address": "", "phone": "",
        "lat": "", "lon": "", "head_name": "新户主", "head_id_number": make_id_number("19800101", 901),
        "head_ethnicity": "土家族"})
    assert response.status_code == 302
    household = Household.objects.get(number="NEW001")
    assert household.head_name == "新户主" and household.group == "1组"
    response = client.post(reverse("registry:member-new", args=[household.pk]), {
        "name": "新成员", "id_number": make_id_number("20100101", 903), "relation": "son", "version": household.version})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.member_count == 2
    # a village outside the clerk's scope cannot be chosen
    response = client.post(reverse("registry:household-new"), {
        "village": world.village("gz").code, "number": "NEW002", "head_name": "甲",
        "head_id_number": make_id_number("19800101", 905)})
    assert response.status_code == 200 and not Household.objects.filter(number="NEW002").exists()


def test_edit_forms_never_show_identifiers_unmasked(world, client):
    login(client, world, "tdw_clerk")
    household = world.registry["tdw"]["household"]
    child = world.registry["tdw"]["member"]
    body = client.get(reverse("registry:member-edit", args=[child.pk])).content.decode()
    assert plain(child) not in body and plain(child)[-4:] in body
    body = client.get(reverse("registry:household-edit", args=[household.pk])).content.decode()
    assert "13800001234" not in body and "138****1234" in body
    # Sent back masked (unchanged), the stored values are kept.
    response = client.post(reverse("registry:member-edit", args=[child.pk]), {
        "name": "坳小孩", "id_number": plain(child)[:6] + "********" + plain(child)[-4:], "relation": "son",
        "migrant_months": "", "version": household.version})
    assert response.status_code == 302
    child.refresh_from_db()
    household.refresh_from_db()
    response = client.post(reverse("registry:household-edit", args=[household.pk]), {
        "group": "2组", "address": "", "phone": "138****1234", "lat": "", "lon": "", "version": household.version})
    assert response.status_code == 302
    household.refresh_from_db()
    assert plain(household, "phone") == "13800001234" and plain(child).startswith("520627")


def test_village_file_page_and_edit(world, client):
    login(client, world)
    code = world.village("tdw").code
    body = client.get(reverse("registry:village-file", args=[code])).content.decode()
    assert "一村一档" in body and "坳干部甲" in body
    response = client.post(reverse("registry:village-file-edit", args=[code]), {
        "road": "通组硬化路 100%", "collective_income": "52000.50", "version": 1})
    assert response.status_code == 302
    assert "通组硬化路 100%" in client.get(reverse("registry:village-file", args=[code])).content.decode()
    region_page = client.get(reverse("regions:detail", args=[code])).content.decode()
    assert reverse("registry:village-file", args=[code]) in region_page


def test_upload_runs_in_the_background_and_reports(world, client, sheet, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    login(client, world)
    rows = family() + [person_row("H0002", "错", "123")]
    with open(sheet(rows, kind="xlsx"), "rb") as handle:
        response = client.post(reverse("registry:import"), {"file": handle, "skip_invalid": "on"})
    job = ImportJob.objects.latest("id")
    assert response.status_code == 302 and job.finished and job.state == "done"
    assert not Path(job.stored_path).exists()  # the upload is deleted once read
    progress = client.get(reverse("registry:import-progress", args=[job.pk]))
    assert "100%" in progress.content.decode() and progress["HX-Trigger"] == "import-finished"
    report = client.post(reverse("registry:import-report", args=[job.pk]))
    assert report.status_code == 200
    assert Household.objects.filter(number="H0001").exists() and not Household.objects.filter(number="H0002").exists()
    login(client, world, "gz_admin")
    assert client.get(reverse("registry:import-job", args=[job.pk])).status_code == 404


def test_template_download_has_the_columns(world, client, tmp_path):
    from python_calamine import CalamineWorkbook

    login(client, world)
    path = tmp_path / "t.xlsx"
    path.write_bytes(client.get(reverse("registry:import-template")).content)
    header = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[0]
    assert [h.rstrip("*") for h in header] == HEADER


@pytest.mark.parametrize("search", [False, True])
def test_pagination_counts_clamps_and_keeps_pinyin_order(world, django_assert_num_queries, search):
    from minxin.registry.selectors import household_list, paginate

    qs = household_list(user=world.users["county_admin"])
    total = qs.count()
    in_order = list(qs.values_list("pk", flat=True))
    with django_assert_num_queries(2):  # a search: ids and total from one scan, then rows; else COUNT + page
        page = paginate(qs, 1, per_page=2, search=search)
        assert page.paginator.count == total and len(page) == 2 and page.paginator.num_pages == (total + 1) // 2
    assert [h.pk for h in page] == in_order[:2]
    second = paginate(qs, 2, per_page=2, search=search)
    assert [h.pk for h in second] == in_order[2:4]
    last = paginate(qs, 999, per_page=2, search=search)
    assert last.number == page.paginator.num_pages and len(last) == total - 2 * (last.number - 1)
    assert [h.pk for h in last] == in_order[2 * (last.number - 1):]
    assert paginate(qs, "x", per_page=2, search=search).number == 1
    assert paginate(qs.none(), 1, search=search).paginator.count == 0
    assert paginate(qs.none(), 5, search=search).number == 1


def test_an_import_report_quotes_cells_so_only_its_uploader_and_revealers_fetch_it(world, client):
    job = world.registry["tdw"]["job"]  # uploaded by tdw_admin
    url = reverse("registry:import-report", args=[job.pk])
    login(client, world, "county_admin")  # may reveal identifiers
    assert client.get(url).status_code == 405  # a logged download is never a bare link
    assert client.post(url).status_code == 200
    login(client, world, "county_auditor")  # sees the job, never unmasked identifiers
    assert client.get(reverse("registry:import-job", args=[job.pk])).status_code == 200
    assert client.post(url).status_code == 403
    login(client, world, "tdw_admin")
    assert client.post(url).status_code == 200
    downloads = AuditEvent.objects.filter(action="household.import.report", object_id=str(job.pk))
    assert sorted(downloads.values_list("actor__username", flat=True)) == ["county_admin", "tdw_admin"]


def test_a_search_lists_households_matched_by_their_head_first_and_names_the_member_matched(world, client):
    """yxm: two households headed by 杨秀梅, and one headed by 徐志强 where 杨秀敏 (yxm too) lives.
    The heads' households come first; the third says which member matched."""
    from minxin.registry import services

    admin, village = world.users["tdw_admin"], world.village("tdw")
    heads = {}
    for number, head, seq in (("Y1", "杨秀梅", 51), ("Y2", "杨秀梅", 53), ("X1", "徐志强", 55)):
        heads[number] = services.household_create(actor=admin, village=village, number=number, head={
            "name": head, "id_number": make_id_number("19700101", seq), "ethnicity": "汉族"})
    x1 = heads["X1"]
    services.member_save(actor=admin, household=x1, version=x1.version, member=None, name="杨秀敏",
                         id_number=make_id_number("19750101", 57), relation="spouse")
    client.force_login(admin)
    response = client.get(LIST, {"q": "yxm"})
    rows = list(response.context["page"])
    assert [h.number for h in rows] == ["Y1", "Y2", "X1"]
    body = response.content.decode()
    assert body.count('data-testid="matched-member"') == 1 and "匹配成员：杨秀敏" in body
