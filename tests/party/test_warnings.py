"""The weak-branch warning (issue 17.5) on small hand-built data with hand-computed levels: each rule
over recorded facts, the points to the level (settings' thresholds 1, 2, 3, 5, 7), the manual flag
as a floor, the county's rule settings, and the daily rows that keep the history."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from minxin.assessment.models import AnnualGrade
from minxin.core.models import AuditEvent
from minxin.disputes.models import Petition
from minxin.party import services, services_case, services_rect, warnings
from minxin.party.models import Event, Step, Warning
from minxin.party.rules import add_months
from minxin.party.selectors import warning_history
from minxin.regions.models import Region
from minxin.reports.selectors import region_summary

pytestmark = pytest.mark.django_db


def _branch(world, side="tdw"):
    return world.party[side]["branch"]


def _rules(result):
    return sorted(fact["rule"] for fact in result["facts"])


def _quiet(world, side="tdw"):
    """The side's branch with nothing firing: recent life (the world's member meeting today), a target
    within two years, a secretary, a good survey — and its world flag cleared."""
    party = world.party[side]
    services.flag_clear(actor=None, flag=party["flag"], cleared_on=timezone.localdate())
    case = party["case"]
    services_case.step_record(actor=None, case=case, kind=Step.Kind.TARGET, on=timezone.localdate(),
                              sponsors=party["members"][:2])
    return party["branch"]


def test_a_quiet_branch_has_no_warning(world):
    branch = _quiet(world)
    result = warnings.evaluate([branch], timezone.localdate())[branch.pk]
    assert result == {"level": 0, "points": 0, "facts": []}


def test_each_rule_adds_its_points_and_the_level_follows_the_thresholds(world):
    branch = _quiet(world)
    today = timezone.localdate()
    # secretary vacant four months (3 points)
    services.post_save(actor=None, branch=branch, committee="party", title="secretary", term_start=2021, holder=None,
                       since=add_months(today, -4), post=world.party["tdw"]["post"])
    result = warnings.evaluate([branch], today)[branch.pk]
    assert (_rules(result), result["points"], result["level"]) == (["secretary_vacant"], 3, 3)
    # no core organisational life in three months (3 more: 6 → level 4)
    Event.objects.filter(branch=branch).update(held_on=add_months(today, -3))
    result = warnings.evaluate([branch], today)[branch.pk]
    assert (result["points"], result["level"]) == (6, 4)
    # three petitions in 90 days (2 more: 8 → level 5)
    for n in range(3):
        Petition.objects.create(region=branch.village, petitioner=f"信访人{n}", channel="visit", nature="appeal",
                                title="土地纠纷", content="诉求", received_on=today - datetime.timedelta(days=10 * n))
    result = warnings.evaluate([branch], today)[branch.pk]
    assert (_rules(result), result["points"], result["level"]) == (["no_life", "petitions", "secretary_vacant"], 8, 5)
    assert all(fact["url"] and fact["detail"] for fact in result["facts"])


def test_satisfaction_no_target_and_the_annual_grade(world):
    branch = world.party["tdw"]["branch"]  # the world's case is still an activist: no target in two years
    today = timezone.localdate()
    services.flag_clear(actor=None, flag=world.party["tdw"]["flag"], cleared_on=today)
    result = warnings.evaluate([branch], today)[branch.pk]
    assert (_rules(result), result["points"], result["level"]) == (["no_target"], 1, 1)
    services.survey_record(actor=None, branch=branch, held_on=today, respondents=50, satisfied=29, dissatisfied=15)
    cadre = world.cadres["tdw"][0]
    grade = AnnualGrade.objects.create(year=today.year - 1, cadre=cadre, village_code=branch.village_id,
                                       composite=Decimal("55"), computed_grade="incompetent", grade="incompetent")
    assert _rules(warnings.evaluate([branch], today)[branch.pk]) == ["no_target", "satisfaction"]  # only proposed
    AnnualGrade.objects.filter(pk=grade.pk).update(status="confirmed", confirmed_at=timezone.now())
    result = warnings.evaluate([branch], today)[branch.pk]
    assert _rules(result) == ["last_assessed", "no_target", "satisfaction"]
    assert (result["points"], result["level"]) == (5, 4)  # 1 + 2 + 2
    assert "58%" in next(f["detail"] for f in result["facts"] if f["rule"] == "satisfaction")


def test_a_manual_flag_is_a_floor_and_a_rule_the_county_removes_is_off(world, settings):
    branch = world.party["gz"]["branch"]
    today = timezone.localdate()
    result = warnings.evaluate([branch], today)[branch.pk]  # no target (1 point → level 1), flagged level 2
    assert (result["points"], result["level"]) == (1, 2) and _rules(result) == ["flag", "no_target"]
    settings.MINXIN_PARTY_WARNING_RULES = {key: value for key, value in settings.MINXIN_PARTY_WARNING_RULES.items()
                                           if key != "no_target"}
    services.flag_clear(actor=None, flag=world.party["gz"]["flag"], cleared_on=today)
    assert warnings.evaluate([branch], today)[branch.pk]["level"] == 0


def test_levels_from_points():
    assert [warnings.level_for(points, [1, 2, 3, 5, 7]) for points in (0, 1, 2, 3, 4, 5, 6, 7, 20)] == \
        [0, 1, 2, 3, 3, 4, 4, 5, 5]


def test_computing_twice_a_day_replaces_the_days_row_and_history_keeps_the_changes(world):
    branch = world.party["tdw"]["branch"]
    today = timezone.localdate()
    # Yesterday: no meeting yet (the world's is today, 3 points) and no target (1): 4 points, level 3.
    services_rect.warnings_store(actor=None, branches=[branch], day=today - datetime.timedelta(days=1))
    services_rect.warnings_store(actor=None, branches=[branch], day=today)  # the meeting held; no target (1 point, level 1) but flagged level 2
    assert [(row.computed_on, row.level) for row in warning_history(branch)] == [
        (today, 2), (today - datetime.timedelta(days=1), 3)]
    services.flag_clear(actor=None, flag=world.party["tdw"]["flag"], cleared_on=today)
    services_rect.warnings_store(actor=None, branches=[branch], day=today)
    assert Warning.objects.filter(branch=branch, computed_on=today).count() == 1
    assert [row.level for row in warning_history(branch)] == [1, 3]  # today 1 (the flag gone), yesterday 3


def test_the_nightly_job_reaches_the_dashboard_it_changes(world):
    """`minxin party-warnings` stores its rows with their event, so the stored dashboard numbers
    count the newly weak branch at once, not after the next full count."""
    county, year = Region.objects.get(code="520627000000"), timezone.localdate().year
    admin = world.users["county_admin"]
    before = region_summary(user=admin, region=county, year=year).totals["party.weak"]
    services.flag_raise(actor=None, branch=_branch(world, "gz"), level=5, reason="信访苗头", raised_on=timezone.localdate())
    assert region_summary(user=admin, region=county, year=year).totals["party.weak"] == before  # no warning row yet
    call_command("party-warnings", stdout=io.StringIO())
    assert region_summary(user=admin, region=county, year=year).totals["party.weak"] == before + 1
    event = AuditEvent.objects.filter(action="party.warnings").latest("id")
    assert event.actor is None and event.after == {"branches": 2, "warned": event.after["warned"]}
    assert event.region_code == "520627000000"  # the two townships' branches: the county holds them


def test_each_batch_is_stored_with_its_own_event(world):
    branches = [_branch(world, "tdw"), _branch(world, "gz")]
    last = AuditEvent.objects.latest("id").id
    services_rect.warnings_store(actor=None, branches=branches, day=timezone.localdate(), batch=1)
    events = AuditEvent.objects.filter(action="party.warnings", id__gt=last).order_by("id")
    assert [(event.region_code, event.after["branches"]) for event in events] == [
        (branch.village_id, 1) for branch in branches]
