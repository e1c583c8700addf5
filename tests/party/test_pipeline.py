"""The development pipeline (issue 17.3): the state machine under both rule versions — a case keeps
the version in force on its application day —, every illegal transition refused with the rule
quoted and nothing written, and the whole way to a full member."""

import datetime

import pytest
from django.utils import timezone

from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.models import AuditEvent
from minxin.party import services, services_case
from minxin.party.models import Case, PartyMember, Step
from minxin.party.rules import add_months, version_on, workdays_between
from minxin.registry.models import Member

pytestmark = pytest.mark.django_db
K = Step.Kind
RULES = {
    "2014": {"from": "2014-06-10", "title": "细则2014", "min_age": 18, "talk_days": 30, "activist_months": 12,
             "review_months": 6, "sponsors": 2, "training_hours": 24, "notice_workdays": 5, "approval_months": 3,
             "probation_months": 12},
    "2026": {"from": "2024-06-01", "title": "修订2026", "min_age": 18, "talk_days": 30, "activist_months": 12,
             "review_months": 6, "sponsors": 2, "training_hours": 32, "notice_workdays": 7, "approval_months": 3,
             "probation_months": 12},
}


@pytest.fixture
def versions(settings):
    """Two versions whose change date (2024-06-01) lies far enough back to walk whole cases under each."""
    settings.MINXIN_PARTY_RULES = RULES


def _party(world, side="tdw"):
    return world.party[side]


def _new_person(world, name, birth="19980101", seq=900):
    from minxin.registry import services as registry
    from tests.world import make_id_number

    household = _party(world)["people"]["党员甲"].household
    household.refresh_from_db()
    return registry.member_save(actor=None, household=household, version=household.version,
                                id_number=make_id_number(birth, seq), name=name, relation="other", migrant="")


def _walk(case, steps):
    for kind, on, details in steps:
        services_case.step_record(actor=None, case=case, kind=kind, on=on, **details)


def _to_target(world, applied, person):
    """A case from `applied` to a development target a year and a day after the activist step."""
    case = services_case.case_open(actor=None, branch=_party(world)["branch"], person=person, applied_on=applied)
    activist = applied + datetime.timedelta(days=20)
    _walk(case, [(K.TALK, applied + datetime.timedelta(days=10), {}), (K.ACTIVIST, activist, {}),
                 (K.REVIEW, add_months(activist, 6), {}), (K.REVIEW, add_months(activist, 12), {}),
                 (K.TARGET, add_months(activist, 12) + datetime.timedelta(days=1),
                  {"sponsors": _party(world)["members"][:2]})])
    return case


def _written():
    return Step.objects.count(), Case.objects.count(), PartyMember.objects.count(), AuditEvent.objects.count()


def _refused(code, call, *, quoting=None):
    before = _written()
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code
    if quoting:
        assert quoting in caught.value.message
    assert _written() == before
    return caught.value


def test_an_applicant_under_18_is_refused(world):
    child = _party(world)["people"]["少年"]
    _refused("under_age", lambda: services_case.case_open(actor=None, branch=_party(world)["branch"], person=child,
                                                           applied_on=datetime.date(2026, 1, 10)), quoting="18 周岁")


def test_the_age_check_never_tells_a_masked_birth_date_back(world):
    """A clerk (no right to reveal) sees a villager's birth year beside the masked ID number, whose
    hidden digits are the birth date: choosing the application day must not tell the month and day.
    In the year the applicant turns 18 the answer is the same on every day; before and after it, it
    follows the year alone; someone who may reveal the number gets the exact check."""
    clerk, admin = world.users["tdw_clerk"], world.users["county_admin"]
    person = _new_person(world, "十八岁", birth="20070615", seq=905)
    branch = _party(world)["branch"]

    def open_(actor, day):
        return lambda: services_case.case_open(actor=actor, branch=branch, person=person, applied_on=day)

    answers = {_refused("age_unsure", open_(clerk, datetime.date(2025, month, day)), quoting="2025 年年满 18 周岁").message
               for month, day in ((1, 2), (6, 14), (6, 15), (12, 30))}
    assert len(answers) == 1
    _refused("under_age", open_(clerk, datetime.date(2024, 12, 31)))
    _refused("under_age", open_(admin, datetime.date(2025, 6, 14)))
    assert services_case.case_open(actor=admin, branch=branch, person=person,
                                   applied_on=datetime.date(2025, 6, 15)).person == person


def test_a_case_keeps_the_rules_of_its_application_day(world, versions):
    """Training hours and the notice differ between the versions: a case opened under the old rules
    passes with 24 hours and five working days, one opened after the change needs 32 and seven."""
    old = _to_target(world, datetime.date(2024, 1, 8), _new_person(world, "旧规申请人", seq=901))
    new = _to_target(world, datetime.date(2024, 6, 3), _new_person(world, "新规申请人", seq=903))
    assert (old.rules_version, new.rules_version) == ("2014", "2026")
    old_target = old.steps.get(kind=K.TARGET).on
    new_target = new.steps.get(kind=K.TARGET).on
    services_case.step_record(actor=None, case=old, kind=K.TRAINING, on=old_target, hours=24)
    _refused("training_short", lambda: services_case.step_record(actor=None, case=new, kind=K.TRAINING, on=new_target,
                                                                  hours=24), quoting="32 学时")
    monday = old_target + datetime.timedelta(days=(7 - old_target.weekday()) % 7 or 7)
    friday = monday + datetime.timedelta(days=4)
    assert workdays_between(monday, friday) == 5
    services_case.step_record(actor=None, case=old, kind=K.NOTICE, on=friday, notice_from=monday)
    monday2 = new_target + datetime.timedelta(days=(7 - new_target.weekday()) % 7 or 7)
    _refused("notice_short", lambda: services_case.step_record(
        actor=None, case=new, kind=K.NOTICE, on=monday2 + datetime.timedelta(days=4), notice_from=monday2),
        quoting="不少于 7 个工作日")
    old.refresh_from_db()
    assert old.rules_version == "2014"  # the later version never reaches an old case


def test_an_activist_of_less_than_a_year_cannot_become_a_target(world, versions):
    case = services_case.case_open(actor=None, branch=_party(world)["branch"], person=_new_person(world, "未满一年", seq=905),
                                   applied_on=datetime.date(2024, 7, 1))
    _walk(case, [(K.TALK, datetime.date(2024, 7, 10), {}), (K.ACTIVIST, datetime.date(2024, 8, 1), {}),
                 (K.REVIEW, datetime.date(2025, 2, 1), {}), (K.REVIEW, datetime.date(2025, 7, 30), {})])
    error = _refused("activist_too_short", lambda: services_case.step_record(
        actor=None, case=case, kind=K.TARGET, on=datetime.date(2025, 7, 31), sponsors=_party(world)["members"][:2]),
        quoting="2025-08-01")
    assert "修订2026" in error.message  # the rule is quoted from the case's own version


def test_sponsors_must_be_two_full_members_of_the_branch(world):
    case = _party(world)["case"]  # an activist whose year is up, with two reviews
    members = _party(world)["members"]
    today = timezone.localdate()
    _refused("sponsors", lambda: services_case.step_record(actor=None, case=case, kind=K.TARGET, on=today,
                                                            sponsors=members[:1]), quoting="2 名正式党员")
    probationer = services.member_add(actor=None, branch=_party(world)["branch"], person=_party(world)["people"]["青年"],
                                      joined_on=datetime.date(2026, 1, 5), status="probationary")
    _refused("sponsor_not_full", lambda: services_case.step_record(
        actor=None, case=case, kind=K.TARGET, on=today, sponsors=[members[0], probationer]), quoting="不是正式党员")
    other = world.party["gz"]["members"][0]
    _refused("sponsor_unknown", lambda: services_case.step_record(actor=None, case=case, kind=K.TARGET, on=today,
                                                                   sponsors=[members[0], other]))


def test_an_applicant_is_entered_in_the_roll_by_the_cases_approval_not_by_hand(world):
    """Entered by hand while the case runs, the approval would find the person in the roll already."""
    case = _party(world)["case"]
    _refused("case_open", lambda: services.member_add(actor=None, branch=case.branch, person=case.person,
                                                      joined_on=datetime.date(2026, 1, 5)))


def test_steps_out_of_order_in_the_future_or_before_the_previous_step_are_refused(world):
    case = _party(world)["case"]
    today = timezone.localdate()
    _refused("wrong_stage", lambda: services_case.step_record(actor=None, case=case, kind=K.APPROVE, on=today),
             quoting="须在发展对象阶段办理")
    _refused("future_date", lambda: services_case.step_record(actor=None, case=case, kind=K.REVIEW,
                                                               on=today + datetime.timedelta(days=1)))
    _refused("before_previous", lambda: services_case.step_record(actor=None, case=case, kind=K.REVIEW,
                                                                   on=case.applied_on))
    _refused("invalid", lambda: services_case.step_record(actor=None, case=case, kind="promote", on=today))


def test_the_talk_is_due_within_a_month(world):
    person = _new_person(world, "迟谈话", seq=907)
    case = services_case.case_open(actor=None, branch=_party(world)["branch"], person=person,
                                   applied_on=datetime.date(2026, 3, 2))
    _refused("talk_late", lambda: services_case.step_record(actor=None, case=case, kind=K.TALK,
                                                             on=datetime.date(2026, 4, 2)), quoting="30 天内")
    _refused("step_missing", lambda: services_case.step_record(actor=None, case=case, kind=K.ACTIVIST,
                                                                on=datetime.date(2026, 3, 20)), quoting="党组织派人谈话")


def test_the_whole_way_to_a_full_member(world, versions):
    person = _new_person(world, "发展对象", seq=909)
    case = _to_target(world, datetime.date(2024, 1, 8), person)
    target = case.steps.get(kind=K.TARGET).on
    meeting = datetime.date(2025, 3, 10)
    _walk(case, [(K.POLITICAL, target + datetime.timedelta(days=3), {}), (K.TRAINING, target + datetime.timedelta(days=5),
                                                                         {"hours": 24}),
                 (K.NOTICE, datetime.date(2025, 2, 28), {"notice_from": datetime.date(2025, 2, 24)})])
    _refused("step_done", lambda: services_case.step_record(actor=None, case=case, kind=K.POLITICAL,
                                                             on=datetime.date(2025, 3, 1)), quoting="已办理")
    _refused("vote_failed", lambda: services_case.step_record(actor=None, case=case, kind=K.MEETING, on=meeting,
                                                               entitled=20, present=18, **{"for": 10}, against=6,
                                                               abstain=2), quoting="半数")
    _refused("votes", lambda: services_case.step_record(actor=None, case=case, kind=K.MEETING, on=meeting, entitled=20,
                                                         present=18, **{"for": 15}, against=6, abstain=2))
    services_case.step_record(actor=None, case=case, kind=K.MEETING, on=meeting, entitled=20, present=18,
                              **{"for": 16}, against=1, abstain=1)
    clerk = world.users["tdw_clerk"]
    with pytest.raises(PermissionDenied):
        services_case.step_record(actor=clerk, case=case, kind=K.APPROVE, on=datetime.date(2025, 4, 1))
    _refused("approval_late", lambda: services_case.step_record(actor=None, case=case, kind=K.APPROVE,
                                                                 on=datetime.date(2025, 6, 11)), quoting="3 个月内")
    services_case.step_record(actor=world.users["tdw_admin"], case=case, kind=K.APPROVE, on=datetime.date(2025, 4, 1))
    case.refresh_from_db()
    assert case.stage == Case.Stage.PROBATIONARY and case.member.status == PartyMember.Status.PROBATIONARY
    assert Member.objects.get(pk=person.pk).party_member
    _refused("step_missing", lambda: services_case.step_record(actor=None, case=case, kind=K.CONFIRM,
                                                                on=datetime.date(2026, 4, 2)), quoting="入党宣誓")
    services_case.step_record(actor=None, case=case, kind=K.OATH, on=datetime.date(2025, 4, 8))
    _refused("probation_short", lambda: services_case.step_record(actor=None, case=case, kind=K.CONFIRM,
                                                                   on=datetime.date(2026, 3, 31)), quoting="2026-04-01")
    services_case.step_record(actor=None, case=case, kind=K.CONFIRM, on=datetime.date(2026, 4, 1))
    case.refresh_from_db()
    assert case.stage == Case.Stage.FULL and case.member.status == PartyMember.Status.FULL
    assert case.member.full_on == datetime.date(2026, 4, 1)
    assert AuditEvent.objects.filter(action="party.step", object_id=str(case.pk)).count() == case.steps.count() - 1


def test_out_of_scope_cases_are_refused_like_missing_ones(world):
    with pytest.raises(DomainError) as caught:
        services_case.step_record(actor=world.users["gz_clerk"], case=_party(world)["case"], kind=K.REVIEW,
                                  on=timezone.localdate())
    assert caught.value.code == "scope_outside"


def test_the_version_in_force_is_the_latest_started(settings):
    settings.MINXIN_PARTY_RULES = RULES
    assert version_on(datetime.date(2010, 1, 1)) == "2014"  # before them all: the oldest
    assert version_on(datetime.date(2024, 5, 31)) == "2014"
    assert version_on(datetime.date(2024, 6, 1)) == "2026"
