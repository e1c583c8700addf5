"""Dispute case files (issue 16.2): the five early steps as a state machine with every illegal step
refused and nothing written, escalation to the township, dates and deadlines, parties in scope and
of the case's village."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from minxin.core.audit import AuditEvent
from minxin.core.errors import DomainError, PermissionDenied
from minxin.disputes import deadlines, services_case
from minxin.disputes.models import Dispute, DisputeStep
from minxin.disputes.services_case import Party
from minxin.disputes.services_petition import petition_register
from minxin.disputes.steps import dispute_steps
from tests.sealed import plain

pytestmark = pytest.mark.django_db
D = datetime.date
ALL_STEPS = ["assign", "prevent", "investigate", "resolve", "escalate", "perform", "follow_up", "judicial"]


def _today():
    return timezone.localdate()


def _ago(days):
    return _today() - datetime.timedelta(days=days)


def _open(world, *, actor=None, side="tdw", reported=10, **extra):
    actor = actor or world.users[f"{side}_clerk"]
    fields = {"village": world.village(side), "title": "土地边界纠纷", "summary": "两家因地界争执", "intake": "active",
              "category": "forest", "risk": "orange", "arose_on": _ago(reported + 1), "reported_on": _ago(reported),
              "parties": [Party(side="first", member_id=world.registry[side]["member"].pk),
                          Party(side="second", name="外村张三", phone="139 1234 5678")], **extra}
    return services_case.dispute_open(actor=actor, **fields)


def _step(world, dispute, step, days_ago, *, actor=None, side="tdw", **extra):
    return services_case.dispute_step(actor=actor or world.users[f"{side}_clerk"], dispute=dispute, step=step,
                                      done_on=_ago(days_ago), **extra)


def _resolve_to_written(world, dispute, *, on=5):
    _step(world, dispute, "assign", on + 4, mediator="王调解")
    _step(world, dispute, "prevent", on + 3, note="劝导双方不得动工")
    _step(world, dispute, "investigate", on + 2, note="查看林权证和四至")
    return _step(world, dispute, "resolve", on, result="success", note="现场调解，双方同意", agreement="written",
                 agreement_terms="以老坎为界，甲方补偿乙方500元", amount=Decimal("500.00"), perform_by=_ago(on - 3))


def test_a_case_through_the_five_early_steps_to_its_agreement(world):
    dispute = _open(world)
    assert dispute.state == "reported" and dispute.due_on == _ago(10) + datetime.timedelta(days=30)
    assert dispute_steps(dispute) == ["assign", "escalate"]
    dispute = _resolve_to_written(world, dispute)
    assert (dispute.state, dispute.result, dispute.agreement, str(dispute.amount)) == (
        "resolved", "success", "written", "500.00")
    assert dispute.due_on is None and dispute.concluded_on == _ago(5) and dispute.mediator == "王调解"
    assert dispute_steps(dispute) == ["perform", "follow_up", "judicial"]
    _step(world, dispute, "perform", 3, note="已付清")
    _step(world, dispute, "follow_up", 2, note="双方无异议")
    dispute = _step(world, dispute, "judicial", 1, court="沿河县人民法院")
    assert dispute.judicial_applied_on == _ago(1) and dispute_steps(dispute) == []
    assert list(dispute.steps.values_list("step", flat=True)) == [
        "report", "assign", "prevent", "investigate", "resolve", "perform", "follow_up", "judicial"]
    assert all(step.by == world.users["tdw_clerk"] for step in dispute.steps.all())
    # the outsider's phone is kept whole on the party, masked in the audit log
    assert plain(dispute.parties.get(side="second"), "phone") == "13912345678"
    event = AuditEvent.objects.get(action="dispute.report", object_id=str(dispute.pk))
    assert event.after["parties"][1]["phone"] == "139****5678" and "12345678" not in str(event.after)


@pytest.mark.parametrize("step", ALL_STEPS)
def test_every_step_out_of_order_is_refused_with_its_rule_and_nothing_written(world, step):
    dispute = _open(world)
    _step(world, dispute, "assign", 9, mediator="王调解")  # now 早部署: only 早预防 and escalation are legal
    before = (DisputeStep.objects.count(), AuditEvent.objects.count())
    legal = {"prevent", "escalate"}
    extra = {"note": "说明", "mediator": "李", "result": "success", "agreement": "oral", "agreement_terms": "和解",
             "court": "法院"}
    if step in legal:
        _step(world, dispute, step, 8, **extra)
        return
    with pytest.raises(DomainError) as refused:
        _step(world, dispute, step, 8, **extra)
    expected = "依次办理" if step in ("assign", "investigate", "resolve") else "调解办结（早化解）之后"
    assert expected in refused.value.message
    assert (DisputeStep.objects.count(), AuditEvent.objects.count()) == before
    assert Dispute.objects.get(pk=dispute.pk).state == "assigned"


def test_resolving_a_case_never_assigned_quotes_the_rule(world):
    dispute = _open(world)
    with pytest.raises(DomainError, match="“早化解”须在“早排查”之后，本案现在处于“早报告”"):
        _step(world, dispute, "resolve", 5, result="success", note="x", agreement="oral", agreement_terms="y")


def test_a_concluded_case_takes_no_early_step_nor_escalation_and_each_later_step_once(world):
    dispute = _resolve_to_written(world, _open(world))
    with pytest.raises(DomainError, match="已化解办结"):
        _step(world, dispute, "assign", 4, mediator="李")
    with pytest.raises(DomainError, match="不再上报"):
        _step(world, dispute, "escalate", 4, note="升级")
    _step(world, dispute, "follow_up", 4, note="满意")
    with pytest.raises(DomainError, match="回访已登记"):
        _step(world, dispute, "follow_up", 3, note="再次")


def test_a_failed_mediation_has_no_agreement_to_perform_or_confirm(world):
    dispute = _open(world)
    _step(world, dispute, "assign", 9, mediator="王")
    _step(world, dispute, "prevent", 8, note="稳控")
    _step(world, dispute, "investigate", 7, note="核实")
    with pytest.raises(DomainError, match="没有调解协议"):
        _step(world, dispute, "resolve", 6, result="failed", note="双方分歧大", agreement="written")
    dispute = _step(world, dispute, "resolve", 6, result="failed", note="双方分歧大，告知诉讼途径")
    assert dispute_steps(dispute) == ["follow_up"]
    for step in ("perform", "judicial"):
        with pytest.raises(DomainError, match="调解成功并达成协议"):
            _step(world, dispute, step, 5, court="法院")


def test_dates_in_the_future_before_the_previous_step_or_a_deadline_before_its_record(world):
    with pytest.raises(DomainError, match="晚于今天"):
        _open(world, reported=-1)
    with pytest.raises(DomainError, match="报告日期不能早于发现日期"):
        _open(world, arose_on=_ago(3), reported_on=_ago(5))
    dispute = _open(world)
    with pytest.raises(DomainError, match="不能早于上一环节的日期"):
        _step(world, dispute, "assign", 11, mediator="王")
    with pytest.raises(DomainError, match="晚于今天"):
        _step(world, dispute, "assign", -1, mediator="王")
    _step(world, dispute, "assign", 9, mediator="王")
    _step(world, dispute, "prevent", 8, note="稳控")
    _step(world, dispute, "investigate", 7, note="核实")
    with pytest.raises(DomainError, match="期限不能早于记录日期"):
        _step(world, dispute, "resolve", 6, result="success", note="调解", agreement="written", agreement_terms="赔偿",
              perform_by=_ago(7))
    assert Dispute.objects.get(pk=dispute.pk).state == "investigated"


def test_judicial_confirmation_is_applied_for_within_30_days_of_the_agreement(world):
    late = _resolve_to_written(world, _open(world, reported=50), on=31)
    with pytest.raises(DomainError, match="三十日内.*申请期限至") as refused:
        _step(world, late, "judicial", 0, court="沿河县人民法院")
    assert f"{_ago(1):%Y-%m-%d}" in refused.value.message  # 31 days ago + 30 = yesterday
    assert "judicial" not in dispute_steps(Dispute.objects.get(pk=late.pk))
    in_time = _resolve_to_written(world, _open(world, reported=50), on=30)
    assert _step(world, in_time, "judicial", 0, court="沿河县人民法院").judicial_applied_on == _today()


def test_oral_agreements_are_not_confirmed_by_a_court(world):
    dispute = _open(world)
    _step(world, dispute, "assign", 9, mediator="王")
    _step(world, dispute, "prevent", 8, note="稳控")
    _step(world, dispute, "investigate", 7, note="核实")
    dispute = _step(world, dispute, "resolve", 6, result="success", note="调解", agreement="oral",
                    agreement_terms="互相道歉")
    with pytest.raises(DomainError, match="书面调解协议"):
        _step(world, dispute, "judicial", 5, court="法院")


def test_escalation_hands_the_case_to_the_township(world):
    clerk, township = world.users["tdw_clerk"], world.users["tdw_admin"]
    dispute = _open(world)
    with pytest.raises(DomainError, match="上报乡镇的理由"):
        _step(world, dispute, "escalate", 9)
    dispute = _step(world, dispute, "escalate", 9, note="涉及20户，村级调解不成")
    assert (dispute.level, dispute.escalated_on) == ("township", _ago(9))
    with pytest.raises(PermissionDenied):  # 大事不出镇: the township takes it from here
        _step(world, dispute, "assign", 8, mediator="乡司法所", actor=clerk)
    with pytest.raises(DomainError, match="只上报一次"):
        _step(world, dispute, "escalate", 8, note="再报", actor=township)
    assert _step(world, dispute, "assign", 8, mediator="乡司法所", actor=township).state == "assigned"


def test_parties_and_sources_must_lie_in_the_users_scope(world):
    with pytest.raises(DomainError, match="不在您的管辖范围"):
        _open(world, parties=[Party(side="first", member_id=world.registry["gz"]["member"].pk)])
    with pytest.raises(DomainError, match="不是本村的记录"):
        _open(world, visit_id=world.fieldwork["gz"]["visit"].pk)
    with pytest.raises(DomainError, match="管辖范围"):
        _open(world, village=world.village("gz"))
    with pytest.raises(DomainError, match="至少填写一名当事人"):
        _open(world, parties=[])
    with pytest.raises(DomainError, match="双方当事人"):
        _open(world, parties=[Party(side="first", name="甲"), Party(side="first", name="乙")])
    with pytest.raises(DomainError, match="电话号码"):
        _open(world, parties=[Party(side="first", name="甲", phone="12345")])
    with pytest.raises(PermissionDenied):
        _open(world, actor=world.users["tdw_supervisor"])
    assert not Dispute.objects.filter(title="土地边界纠纷").exists()


def test_a_registry_party_lives_in_the_cases_village(world):
    """A township administrator sees both its villages, but a case of the second village may not name
    a villager of the first from the registry: the second village's clerk would read that person's
    household, masked number and address. Someone from elsewhere is entered by name."""
    township, second = world.users["tdw_admin"], world.village("tdw", 1)
    neighbour = world.registry["tdw"]["member"]
    assert neighbour.village_code != second.code
    with pytest.raises(DomainError, match="不属于本案所在的村") as refused:
        _open(world, actor=township, village=second,
              parties=[Party(side="first", member_id=neighbour.pk), Party(side="second", name="乙")])
    assert refused.value.code == "member_elsewhere"
    assert not Dispute.objects.filter(title="土地边界纠纷").exists()
    dispute = _open(world, actor=township, village=second,
                    parties=[Party(side="first", name=neighbour.name), Party(side="second", name="乙")])
    assert [p.member_id for p in dispute.parties.all()] == [None, None]
    with pytest.raises(DomainError, match="不属于本案所在的村"):
        petition_register(actor=township, region=second, member_id=neighbour.pk, channel="visit", nature="demand",
                          title="诉求", content="内容", received_on=_ago(1))
    petition = petition_register(actor=township, region=world.village("tdw").parent, member_id=neighbour.pk,
                                 channel="visit", nature="demand", title="诉求", content="内容", received_on=_ago(1))
    assert petition.member == neighbour


@pytest.mark.parametrize(("reported", "due"), [
    (D(2026, 12, 15), D(2027, 1, 14)),  # across the year's end
    (D(2027, 1, 31), D(2027, 3, 2)),  # across a 28-day February
    (D(2028, 1, 31), D(2028, 3, 1)),  # a leap year's February
    (D(2026, 11, 30), D(2026, 12, 30)),
])
def test_a_case_is_due_thirty_calendar_days_after_its_report(reported, due):
    assert deadlines.dispute_due(reported) == due


def test_today_is_the_county_clock_not_utc(world, monkeypatch):
    """At 00:30 on 1 January in Guizhou it is still 31 December in UTC: a case reported on 1 January
    is not in the future."""
    moment = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert timezone.localdate() == D(2027, 1, 1)
    dispute = _open(world, arose_on=D(2027, 1, 1), reported_on=D(2027, 1, 1))
    assert dispute.due_on == D(2027, 1, 31)


def test_a_party_removed_from_the_registry_stays_in_the_case_by_name(world):
    from minxin.fieldwork.models import Visit
    from minxin.registry import services as registry_services

    dispute = world.disputes["tdw"]["dispute"]
    member = world.registry["tdw"]["member"]
    household = world.registry["tdw"]["household"]
    household.refresh_from_db()
    registry_services.member_remove(actor=None, member=member, version=household.version, reason="迁出")
    party = dispute.parties.get(side="first")
    assert party.member is None and party.name == member.name  # the file keeps who it was
    visit = Visit.objects.get(pk=dispute.source_visit_id)
    visit.needs.all().delete()
    visit.photos.all().delete()
    visit.delete()
    dispute.refresh_from_db()
    assert dispute.source_visit is None and dispute.title


def test_a_case_is_corrected_while_open_logged_and_never_once_concluded(world):
    dispute = world.disputes["tdw"]["dispute"]
    edited = services_case.dispute_edit(actor=world.users["tdw_clerk"], dispute=dispute, title=dispute.title,
                                        summary=dispute.summary, intake="active", category="house", risk="red")
    event = AuditEvent.objects.get(action="dispute.edit", object_id=str(dispute.pk))
    assert edited.risk == "red" and (event.before, event.after) == ({"risk": "yellow"}, {"risk": "red"})
    with pytest.raises(DomainError, match="列表"):
        services_case.dispute_edit(actor=world.users["tdw_clerk"], dispute=dispute, title="x", summary="x",
                                   intake="active", category="house", risk="purple")
    Dispute.objects.filter(pk=dispute.pk).update(state="resolved")
    with pytest.raises(DomainError, match="不再修改"):
        services_case.dispute_edit(actor=world.users["tdw_clerk"], dispute=dispute, title="改", summary="x",
                                   intake="active", category="house", risk="red")
    assert Dispute.objects.get(pk=dispute.pk).title == dispute.title
