"""The to-do inbox (我的待办): what each role must do next, from every module, in its scope, most urgent
first — on its page, in the menu's count and at GET /api/v1/todo."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from minxin.accounts.services import token_issue
from minxin.assessment.models import Pledge
from minxin.cadres.models import LeaveRequest
from minxin.core import todo
from minxin.registry.models import ImportJob
from tests.assessment.world import assessment_world

pytestmark = pytest.mark.django_db


def _kinds(user) -> dict[str, list[todo.Item]]:
    found: dict[str, list] = {}
    for item in todo.inbox(user):
        found.setdefault(item.kind, []).append(item)
    return found


def test_each_role_sees_what_waits_for_it_in_its_own_scope(world):
    today = timezone.localdate()
    fieldwork = world.fieldwork["tdw"]
    township, clerk, county = world.users["tdw_admin"], world.users["tdw_clerk"], world.users["county_admin"]
    # A short leave waits for the township, a long one for the county.
    long_leave = LeaveRequest.objects.create(
        cadre=world.cadres["tdw"][1], village_code=world.village("tdw").code, start_date=today + datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=7), days=5, reason="探亲", approval_level="county",
        requested_by=township)
    mine = _kinds(township)
    assert [i.url for i in mine["cadres.leave"]] == [reverse("cadres:leave-decide", args=[world.leaves["tdw"].pk])]
    assert [i.url for i in _kinds(county)["cadres.leave"]] == [reverse("cadres:leave-decide", args=[long_leave.pk])]
    # The unassigned request waits for those in its village (and the township that assigns it), due 7
    # days after it came in: it came 10 days ago, so it is 3 days overdue.
    request = fieldwork["request"]
    for user in (township, clerk):
        (item,) = _kinds(user)["fieldwork.request"]
        assert item.url == reverse("fieldwork:request-detail", args=[request.pk])
        assert item.due == timezone.localdate(request.submitted_at) + datetime.timedelta(days=7)
        assert item.overdue and item.days_overdue == 3
    assert "fieldwork.request" not in _kinds(county)
    # Needs without an owner wait for the village's cadres and clerks; once owned, for the owner only.
    assert [i.url for i in _kinds(clerk)["fieldwork.need"]] == [reverse("fieldwork:need-detail", args=[fieldwork["need"].pk])]
    assert "fieldwork.need" not in _kinds(township)
    fieldwork["need"].owner = township
    fieldwork["need"].save()
    assert "fieldwork.need" not in _kinds(clerk) and len(_kinds(township)["fieldwork.need"]) == 1
    # Nothing from the other township, whatever the source.
    other_side = {reverse("cadres:leave-decide", args=[world.leaves["gz"].pk]),
                  reverse("fieldwork:request-detail", args=[world.fieldwork["gz"]["request"].pk]),
                  reverse("fieldwork:need-detail", args=[world.fieldwork["gz"]["need"].pk])}
    assert not other_side & {i.url for i in todo.inbox(township) + todo.inbox(clerk)}
    # The expert's only work: scoring the applications of the panels it sits on (both sides' here).
    assert {(i.kind, i.url) for i in todo.inbox(world.users["expert"])} == {
        ("fund.score", reverse("fund:score", args=[world.fund[side]["application"].pk])) for side in ("tdw", "gz")}


def test_assessment_items_and_the_cadres_own_pledge(world):
    cadre_user = world.users["tdw_cadre"]
    (pledge,) = _kinds(cadre_user)["assessment.pledge"]
    assert pledge.due.month == 3 and pledge.due.day == 31  # the scheme's default due date
    a = assessment_world(world)  # pledges filed, a finding with its rectification, an appeal per side
    assert "assessment.pledge" not in _kinds(cadre_user)
    appeals = _kinds(world.users["county_admin"])["assessment.appeal"]
    assert sorted(i.url for i in appeals) == sorted(reverse("assessment:appeal-decide", args=[a.appeals[side].pk])
                                                    for side in ("tdw", "gz"))
    assert all(i.due == timezone.localdate() + datetime.timedelta(days=10) for i in appeals)
    (rectification,) = _kinds(world.users["tdw_supervisor"])["assessment.rectification"]
    assert rectification.due == a.rectifications["tdw"].deadline and "民情日记不全" in rectification.title
    assert "assessment.appeal" not in _kinds(world.users["tdw_supervisor"])  # the county decides appeals
    Pledge.objects.filter(cadre=world.cadres["tdw"][0]).update(status=Pledge.Status.DRAFT)
    assert "assessment.pledge" in _kinds(cadre_user)  # a draft is not filed


def test_most_urgent_first_and_an_import_waiting_for_its_sheet(world):
    township = world.users["tdw_admin"]
    job = ImportJob.objects.create(created_by=township, region_code="520627106000", file_name="两年.xlsx",
                                   stored_path="/nonexistent", state="sheet", sheet_choices=["2025年", "2026年"],
                                   finished_at=timezone.now())
    items = todo.inbox(township)
    dues = [i.due for i in items]
    assert dues == sorted(dues)  # the overdue request first, then the leave (today), then the sheet
    assert [i.kind for i in items][0] == "fieldwork.request"
    (waiting,) = [i for i in items if i.kind == "registry.import_sheet"]
    assert waiting.url == reverse("registry:import-job", args=[job.pk]) and "2 个工作表" in waiting.title
    assert "registry.import_sheet" not in _kinds(world.users["county_admin"])  # its uploader's to say


def test_the_page_the_menus_count_and_the_api(world, client):
    township = world.users["tdw_admin"]
    expected = todo.inbox(township)
    client.force_login(township)
    page = client.get(reverse("accounts:todo")).content.decode()
    assert f'data-testid="todo-total">{len(expected)}<' in page
    assert reverse("accounts:todo-count") in page  # the menu fetches its count after the page loads
    count = client.get(reverse("accounts:todo-count")).content.decode()
    assert f'data-testid="todo-count">{len(expected)}<' in count
    assert "逾期 3 天" in page and world.fieldwork["tdw"]["request"].text in page
    assert world.fieldwork["gz"]["request"].text not in page
    body = client.get("/api/v1/todo").json()
    assert [(row["kind"], row["url"], row["overdue"]) for row in body] == [
        (i.kind, i.url, i.overdue) for i in expected]
    token = token_issue(actor=township, user=township, name="test")[1]
    client.logout()
    by_token = client.get("/api/v1/todo", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert by_token.status_code == 200 and len(by_token.json()) == len(expected)
    assert client.get("/api/v1/todo").status_code == 401
    client.force_login(world.users["county_auditor"])  # reads everything, owes nothing
    assert "没有待办事项" in client.get(reverse("accounts:todo")).content.decode()


def test_the_landing_page_shows_the_most_urgent_items_and_other_regions_do_not(world, client):
    """The landing page holds the panel's slot, which fetches the panel once the page has loaded."""
    slot = f'hx-get="{reverse("accounts:todo-panel")}"'
    clerk = world.users["tdw_clerk"]
    client.force_login(clerk)
    landing = client.get("/", follow=True).content.decode()
    panel = client.get(reverse("accounts:todo-panel")).content.decode()
    assert slot in landing and 'data-testid="todo-panel"' in panel and world.fieldwork["tdw"]["request"].text in panel
    township = world.users["tdw_admin"]
    client.force_login(township)
    home = client.get("/", follow=True).content.decode()
    assert slot in home  # the township's dashboard, its landing page
    village = client.get(reverse("reports:dashboard", args=[world.village("tdw").code])).content.decode()
    assert slot not in village  # drilling down does not repeat it
    client.force_login(world.users["county_auditor"])  # reads everything, owes nothing: no empty card
    assert client.get(reverse("accounts:todo-panel")).content.decode().strip() == ""


def test_a_source_longer_than_its_list_is_counted_whole_on_the_panel_and_the_page(world, client, monkeypatch):
    """The inbox lists at most PER_SOURCE records of a source; the landing page's "全部 N 项" and the
    inbox page's total count them all, as the menu's count does."""
    township = world.users["tdw_admin"]
    today = timezone.localdate()
    for offset in range(3):  # three more short leaves for the township to decide
        LeaveRequest.objects.create(
            cadre=world.cadres["tdw"][1], village_code=world.village("tdw").code,
            start_date=today + datetime.timedelta(days=10 + offset), end_date=today + datetime.timedelta(days=11 + offset),
            days=2, reason="探亲", approval_level="township", requested_by=township)
    whole = todo.total(township)
    assert todo.counts(township)["cadres.leave"] == 4
    monkeypatch.setattr(todo, "PER_SOURCE", 2)
    items, counts = todo.inbox_and_counts(township)
    assert [i.kind for i in items].count("cadres.leave") == 2 and counts == todo.counts(township)
    few, counted = todo.inbox_and_counts(township, per_source=1)  # the panel's way: a few listed, all counted
    assert [i.kind for i in few].count("cadres.leave") == 1 and counted == todo.counts(township)
    client.force_login(township)
    assert f"全部 {whole} 项" in client.get(reverse("accounts:todo-panel")).content.decode()
    page = client.get(reverse("accounts:todo")).content.decode()
    assert len(items) < whole and f'data-testid="todo-total">{whole}<' in page


def test_a_pledge_due_on_29_february_falls_on_the_28th_in_other_years(world):
    from minxin.assessment.indicators.pledges import pledge_deadline, pledge_due_date
    from minxin.assessment.models import Scheme

    scheme = Scheme(version=99, pledge_due_month=2, pledge_due_day=29)  # the scheme form accepts it (leap years)
    assert pledge_due_date(2028, scheme) == datetime.date(2028, 2, 29)
    assert pledge_due_date(2027, scheme) == datetime.date(2027, 2, 28)
    assert timezone.localdate(pledge_deadline(2027, scheme)) == datetime.date(2027, 3, 1)


def test_the_menus_count_is_kept_briefly_and_dropped_when_the_user_acts(world, client, settings,
                                                                        django_capture_on_commit_callbacks):
    """MINXIN_TODO_COUNT_SECONDS: the menu's count is kept for the user; a leave another user files
    reaches it only when the kept count lapses, and anything the user does (an audited change) has it
    counted afresh once that commits. The inbox page counts afresh every time."""
    from minxin.core.audit import audit_record

    settings.MINXIN_TODO_COUNT_SECONDS = 30
    township = world.users["tdw_admin"]
    client.force_login(township)
    before = sum(todo.counts(township).values())
    assert f'data-testid="todo-count">{before}<' in client.get(reverse("accounts:todo-count")).content.decode()
    today = timezone.localdate()
    LeaveRequest.objects.create(  # filed by someone else: no event of the township's
        cadre=world.cadres["tdw"][1], village_code=world.village("tdw").code,
        start_date=today + datetime.timedelta(days=20), end_date=today + datetime.timedelta(days=21),
        days=2, reason="探亲", approval_level="township", requested_by=world.users["tdw_clerk"])
    assert todo.total(township) == before
    assert f'data-testid="todo-total">{before + 1}<' in client.get(reverse("accounts:todo")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=township, action="user.update", obj=township, region_code=township.scope_id)
    assert todo.total(township) == before + 1
    settings.MINXIN_TODO_COUNT_SECONDS = 0
    LeaveRequest.objects.create(
        cadre=world.cadres["tdw"][1], village_code=world.village("tdw").code,
        start_date=today + datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=31),
        days=2, reason="探亲", approval_level="township", requested_by=world.users["tdw_clerk"])
    assert todo.total(township) == before + 2  # 0: counted on every page


def test_a_busy_cache_costs_a_stale_count_not_an_error(world, settings, monkeypatch, caplog,
                                                       django_capture_on_commit_callbacks):
    """The change has committed when the kept count is dropped: a cache that refuses the write is
    logged, and the user's action still succeeds."""
    from django.core.cache import caches
    from django.db import OperationalError

    from minxin.core.audit import audit_record

    settings.MINXIN_TODO_COUNT_SECONDS = 30
    township = world.users["tdw_admin"]

    def busy(*_args, **_kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(caches["shared"], "delete", busy)
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=township, action="user.update", obj=township, region_code=township.scope_id)
    assert "not dropped" in caplog.text
