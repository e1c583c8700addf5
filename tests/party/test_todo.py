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
