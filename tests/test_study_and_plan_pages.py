"""The study and plan pages as their users drive them: record, refuse bad input with the field's
reason, and show what counts for the learn and plan hearts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from minxin.cadres.models import StudySession
from minxin.registry.models import PlanItem, VillagePlan

pytestmark = pytest.mark.django_db


def _session(**extra):
    return {"title": "驻村工作方法培训", "kind": "training", "held_on": timezone.localdate().isoformat(), "hours": "6",
            "organiser": "县委党校", "note": "", **extra}


def test_an_administrator_records_a_session_for_cadres_it_sees(world, client):
    client.force_login(world.users["tdw_admin"])
    a, b = world.cadres["tdw"][0], world.cadres["tdw"][1]
    response = client.post(reverse("cadres:study-new"), _session(attendees=[a.pk, b.pk]))
    assert response.status_code == 302
    session = StudySession.objects.get(title="驻村工作方法培训")
    assert sorted(session.attendees.values_list("pk", flat=True)) == sorted([a.pk, b.pk])
    page = client.get(reverse("cadres:detail", args=[a.pk])).content.decode()
    assert "驻村工作方法培训" in page and "学时" in page
    listing = client.get(reverse("cadres:study-list")).content.decode()
    assert "驻村工作方法培训" in listing and "舟学习会" not in listing  # the other township's session
    other = world.cadres["gz"][0]
    refused = client.post(reverse("cadres:study-new"), _session(title="越界", attendees=[other.pk]))
    assert refused.status_code == 200 and not StudySession.objects.filter(title="越界").exists()


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("hours", "abc", "输入一个数字"), ("hours", "0", "学时应大于 0"), ("hours", "999", "学时应大于 0"),
    ("held_on", "2026-02-30", "输入一个有效的日期"), ("title", "", "这个字段是必填项"),
])
def test_bad_input_is_refused_with_the_fields_reason(world, client, field, value, reason):
    client.force_login(world.users["tdw_admin"])
    data = _session(attendees=[world.cadres["tdw"][0].pk], **{field: value})
    response = client.post(reverse("cadres:study-new"), data)
    assert response.status_code == 200 and reason in response.content.decode()
    assert not StudySession.objects.filter(title="驻村工作方法培训").exists()


def test_a_cadre_records_its_own_study_only(world, client):
    cadre_user = world.users["tdw_cadre"]
    own, other = world.cadres["tdw"][0], world.cadres["tdw"][1]
    client.force_login(cadre_user)
    form = client.get(reverse("cadres:study-new")).content.decode()
    assert own.name in form and other.name not in form  # the only choice is itself
    refused = client.post(reverse("cadres:study-new"), _session(kind="consult", attendees=[own.pk, other.pk]))
    assert refused.status_code == 200 and not StudySession.objects.filter(title="驻村工作方法培训").exists()
    assert client.post(reverse("cadres:study-new"), _session(kind="consult", attendees=[own.pk])).status_code == 302
    mine = StudySession.objects.get(title="驻村工作方法培训")
    assert client.get(reverse("cadres:study-edit", args=[world.study["tdw"].pk])).status_code == 403  # not its record
    assert client.get(reverse("cadres:study-edit", args=[mine.pk])).status_code == 200


def test_a_plan_and_its_items_through_the_pages(world, client):
    client.force_login(world.users["tdw_admin"])
    village = world.village("tdw")
    year = timezone.localdate().year
    response = client.post(reverse("registry:plan-new", args=[village.code]), {
        "title": "新规划", "start_year": year, "end_year": year + 2, "approved_on": "", "summary": "发展茶叶"})
    plan = VillagePlan.objects.get(title="新规划")
    assert response.status_code == 302 and response.url == reverse("registry:plan-detail", args=[plan.pk])
    due = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    item_url = reverse("registry:plan-item-new", args=[plan.pk])
    missing_date = client.post(item_url, {"title": "修路", "category": "infrastructure", "due_on": due,
                                          "status": "done", "done_on": "", "progress_note": ""})
    assert missing_date.status_code == 200 and "已完成的事项请填写完成日期" in missing_date.content.decode()
    assert client.post(item_url, {"title": "修路", "category": "infrastructure", "due_on": due, "status": "done",
                                  "done_on": due, "progress_note": "已通车"}).status_code == 302
    assert client.post(item_url, {"title": "建冷库", "category": "industry", "due_on": due, "status": "active",
                                  "done_on": due, "progress_note": ""}).status_code == 302
    assert PlanItem.objects.get(title="建冷库").done_on is None  # only a completed item keeps a date
    page = client.get(reverse("registry:plan-detail", args=[plan.pk])).content.decode()
    assert "已完成 1 / 2 项" in page and "逾期" in page
    file_page = client.get(reverse("registry:village-file", args=[village.code])).content.decode()
    assert "新规划" in file_page
    nul = client.post(item_url, {"title": "坏\x00字", "category": "other", "due_on": due, "status": "planned"})
    assert nul.status_code in (200, 400) and "空字符" in nul.content.decode()  # refused with the reason
    assert not PlanItem.objects.filter(title__startswith="坏").exists()


def test_roles_that_only_read_the_registry_cannot_write_a_plan(world, client):
    client.force_login(world.users["tdw_supervisor"])
    village = world.village("tdw")
    assert client.get(reverse("registry:village-file", args=[village.code])).status_code == 200
    assert client.get(reverse("registry:plan-new", args=[village.code])).status_code == 403
    assert client.get(reverse("registry:plan-detail", args=[world.registry["tdw"]["plan"].pk])).status_code == 200
