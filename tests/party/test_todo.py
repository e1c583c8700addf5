"""The development pipeline's time limits in the to-do inbox: the talk within the rules' days of the
application (the branch), the approval within its months of the branch meeting and the confirmation
when the probation ends (township and county) — each dated from the case's own steps."""

import datetime

from django.utils import timezone

from minxin.core.todo import inbox
from minxin.party.models import Case, Step
from minxin.party.rules import add_months, rules


def _case(world, stage, steps, *, applied_days_ago=900):
    today = timezone.localdate()
    party = world.party["tdw"]
    case = Case.objects.create(branch=party["branch"], person=party["people"]["青年"], rules_version="2014",
                               stage=stage, applied_on=today - datetime.timedelta(days=applied_days_ago),
                               stage_on=today - datetime.timedelta(days=30))
    for kind, days_ago in steps:
        Step.objects.create(case=case, kind=kind, on=today - datetime.timedelta(days=days_ago))
    return case


def _due(user, case):
    return [item.due for item in inbox(user) if item.kind == "party.case" and item.url.endswith(f"/{case.pk}/")]


def test_each_limit_is_dated_from_the_cases_own_step(world, django_assert_max_num_queries):
    r = rules("2014")
    today = timezone.localdate()
    target = _case(world, Case.Stage.TARGET, [(Step.Kind.NOTICE, 60), (Step.Kind.MEETING, 20)])
    probation = _case(world, Case.Stage.PROBATIONARY, [(Step.Kind.MEETING, 400), (Step.Kind.APPROVE, 370)])
    admin = world.users["tdw_admin"]
    assert _due(admin, target) == [add_months(today - datetime.timedelta(days=20), r.approval_months)]
    assert _due(admin, probation) == [add_months(today - datetime.timedelta(days=370), r.probation_months)]
    applicant = world.party["tdw"]["case"]  # the world's: past the talk, so not waiting for one
    assert _due(world.users["tdw_clerk"], applicant) == []
    waiting = _case(world, Case.Stage.APPLICANT, [], applied_days_ago=10)
    assert _due(world.users["tdw_clerk"], waiting) == [waiting.applied_on + datetime.timedelta(days=r.talk_days)]
    # The dates come with the cases: more cases cost no more queries.
    with django_assert_max_num_queries(40) as counted:
        inbox(admin)
    for _ in range(5):
        _case(world, Case.Stage.TARGET, [(Step.Kind.MEETING, 30)])
    with django_assert_max_num_queries(len(counted.captured_queries)):
        inbox(admin)


def test_the_cases_whose_time_runs_out_first_are_listed_first(world, monkeypatch):
    """The inbox lists at most PER_SOURCE cases: those whose limit comes first, whatever their
    application's date (a target voted on last week may have applied years ago), in the order of
    the limits that `_deadline` computes."""
    from minxin.core import todo
    from minxin.party import todo as party_todo

    today = timezone.localdate()
    old_application = _case(world, Case.Stage.TARGET, [(Step.Kind.MEETING, 5)], applied_days_ago=3000)
    urgent = _case(world, Case.Stage.PROBATIONARY, [(Step.Kind.APPROVE, 370)], applied_days_ago=800)
    later = _case(world, Case.Stage.PROBATIONARY, [(Step.Kind.APPROVE, 362)], applied_days_ago=900)
    admin = world.users["tdw_admin"]
    cases = list(party_todo._cases(admin).order_by("deadline", "pk"))
    assert cases[1].deadline == add_months(today - datetime.timedelta(days=362), 12)
    assert cases[2].deadline == add_months(today - datetime.timedelta(days=5), 3)
    assert [c.pk for c in cases] == [urgent.pk, later.pk, old_application.pk]
    assert cases[0].deadline == add_months(today - datetime.timedelta(days=370), 12)
    monkeypatch.setattr(todo, "PER_SOURCE", 1)
    assert [item.url for item in inbox(admin) if item.kind == "party.case"] == [f"/party/cases/{urgent.pk}/"]
