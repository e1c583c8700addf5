"""Petitions under the 2022 信访工作条例 (issue 16.3): the order of the steps with every illegal one
refused (the rule quoted, nothing written), the deadlines in calendar days, one extension with a
reason, review and re-review requests within 30 days, backlog cases with their leader."""

import datetime

import pytest
from django.utils import timezone

from minxin.core.audit import AuditEvent
from minxin.core.errors import DomainError, PermissionDenied
from minxin.disputes import services_petition
from minxin.disputes.models import Petition, PetitionStep
from minxin.disputes.services_petition import ALLOWED
from minxin.disputes.steps import petition_steps

pytestmark = pytest.mark.django_db
D = datetime.date


def _ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def _register(world, *, received=100, actor=None, **extra):
    fields = {"region": world.village("tdw"), "petitioner": "李四", "phone": "13712345678", "channel": "letter",
              "nature": "demand", "title": "要求解决饮水", "content": "组里自来水停了三个月", "received_on": _ago(received),
              **extra}
    return services_petition.petition_register(actor=actor or world.users["tdw_clerk"], **fields)


def _step(world, petition, step, days_ago, **extra):
    return services_petition.petition_step(actor=world.users["tdw_admin"], petition=petition, step=step,
                                           done_on=_ago(days_ago), **extra)


def test_a_petition_from_registration_through_review_and_re_review(world):
    petition = _register(world, received=100)
    assert (petition.state, petition.due_on) == ("registered", _ago(100) + datetime.timedelta(days=15))
    petition = _step(world, petition, "accept", 95, handler="乡水务站", note="属本级职责")
    assert petition.handling_due == petition.due_on == _ago(95) + datetime.timedelta(days=60)
    petition = _step(world, petition, "reply", 60, result="partly", note="已维修管网，水费减免不予支持")
    assert (petition.state, petition.due_on, petition.replied_on) == ("replied", None, _ago(60))
    petition = _step(world, petition, "request_review", 40)
    assert petition.due_on == _ago(40) + datetime.timedelta(days=30)
    petition = _step(world, petition, "review", 20, note="维持原答复")
    petition = _step(world, petition, "request_rereview", 10)
    petition = _step(world, petition, "rereview", 5, note="维持")
    petition = _step(world, petition, "close", 4, note="息诉罢访")
    assert (petition.state, petition.due_on, petition.closed_on) == ("closed", None, _ago(4))
    assert list(petition.steps.values_list("step", flat=True)) == [
        "register", "accept", "reply", "request_review", "review", "request_rereview", "rereview", "close"]
    assert petition_steps(petition) == []
    event = AuditEvent.objects.get(action="petition.register", object_id=str(petition.pk))
    assert event.after["phone"] == "137****5678"


ILLEGAL = [(state, step) for state in Petition.State.values for step in ALLOWED if state not in ALLOWED[step]]


@pytest.mark.parametrize(("state", "step"), ILLEGAL)
def test_every_step_not_allowed_in_a_state_is_refused_with_its_rule(world, state, step):
    petition = _register(world)
    Petition.objects.filter(pk=petition.pk).update(state=state)
    before = (PetitionStep.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as refused:
        _step(world, petition, step, 1, handler="乡政府", result="supported", note="意见", leader="乡长",
              deadline=timezone.localdate())
    assert refused.value.code == "out_of_order" and str(services_petition.RULES[step]) in refused.value.message
    assert (PetitionStep.objects.count(), AuditEvent.objects.count()) == before
    assert Petition.objects.get(pk=petition.pk).state == state


def test_a_reply_before_acceptance_quotes_article_32(world):
    petition = _register(world)
    with pytest.raises(DomainError, match="须先受理.*第三十二条.*已登记，待受理"):
        _step(world, petition, "reply", 1, result="supported", note="答复")


def test_one_extension_of_thirty_days_with_a_reason_before_the_deadline(world):
    petition = _step(world, _register(world, received=80), "accept", 78, handler="乡政府")
    with pytest.raises(DomainError, match="写明理由"):
        _step(world, petition, "extend", 20)
    petition = _step(world, petition, "extend", 20, note="需省级部门出具鉴定")
    assert petition.handling_due == _ago(78) + datetime.timedelta(days=90) and petition.due_on == petition.handling_due
    assert "extend" not in petition_steps(petition)
    with pytest.raises(DomainError, match="只能延长一次"):
        _step(world, petition, "extend", 10, note="再延")
    late = _step(world, _register(world, received=80), "accept", 75, handler="乡政府")
    with pytest.raises(DomainError, match="届满前决定"):
        _step(world, late, "extend", 10, note="来不及了")  # 75 days ago + 60 = 15 days ago


def test_review_and_re_review_requests_within_thirty_days(world):
    petition = _step(world, _step(world, _register(world, received=100), "accept", 99, handler="乡政府"),
                     "reply", 90, result="not_supported", note="不符合政策")
    with pytest.raises(DomainError, match="30 日内请求复查.*请求期限至") as refused:
        _step(world, petition, "request_review", 59)
    assert f"{_ago(60):%Y-%m-%d}" in refused.value.message
    petition = _step(world, petition, "request_review", 60)  # the 30th day still counts
    petition = _step(world, petition, "review", 50, note="维持")
    with pytest.raises(DomainError, match="30 日内请求复核"):
        _step(world, petition, "request_rereview", 19)
    assert _step(world, petition, "request_rereview", 20).state == "rereview_requested"


def test_backlog_cases_have_a_leader_and_a_deadline_not_before_the_record(world):
    petition = _step(world, _register(world), "accept", 99, handler="乡政府")
    with pytest.raises(DomainError, match="期限不能早于记录日期"):
        _step(world, petition, "backlog", 1, leader="乡长 王五", deadline=_ago(2))
    with pytest.raises(DomainError, match="化解期限"):
        _step(world, petition, "backlog", 1, leader="乡长 王五")
    petition = _step(world, petition, "backlog", 1, leader="乡长 王五", deadline=_ago(-30), note="一月内化解")
    assert petition.is_backlog and petition.backlog_deadline == _ago(-30) and petition.strategy == "一月内化解"


def test_rejecting_needs_its_reason_and_who_may_decide(world):
    petition = _register(world)
    with pytest.raises(PermissionDenied):  # villages register; the township and county decide
        services_petition.petition_step(actor=world.users["tdw_clerk"], petition=petition, step="accept",
                                        done_on=_ago(1), handler="村委")
    with pytest.raises(DomainError, match="第三十一条"):
        _step(world, petition, "reject", 1)
    petition = _step(world, petition, "reject", 1, note="属诉讼事项，告知向法院起诉")
    assert (petition.state, petition.due_on) == ("rejected", None) and petition_steps(petition) == []


def test_bad_registrations_change_nothing(world):
    count = Petition.objects.count()
    for extra, message in (({"received_on": _ago(-1)}, "晚于今天"), ({"persons": 0}, "人数"),
                           ({"channel": "fax"}, "列表"), ({"region": world.village("gz")}, "管辖范围"),
                           ({"member_id": world.registry["gz"]["member"].pk}, "管辖范围"),
                           ({"petitioner": ""}, "请填写内容"), ({"phone": "abc"}, "电话号码")):
        with pytest.raises(DomainError, match=message):
            _register(world, **extra)
    assert Petition.objects.count() == count


@pytest.mark.parametrize(("received", "accept_by", "accepted", "handle_by"), [
    (D(2026, 12, 20), D(2027, 1, 4), D(2026, 12, 31), D(2027, 3, 1)),  # across the year; a 28-day February
    (D(2027, 12, 20), D(2028, 1, 4), D(2028, 1, 1), D(2028, 3, 1)),  # a leap February: 31 + 29 days
])
def test_petition_deadlines_in_calendar_days(received, accept_by, accepted, handle_by):
    from minxin.disputes.deadlines import ACCEPT_DAYS, HANDLE_DAYS, after

    assert after(received, ACCEPT_DAYS) == accept_by and after(accepted, HANDLE_DAYS) == handle_by
