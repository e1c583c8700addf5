"""Rectification (issue 17.5): the plan, monthly progress (once a month), sign-off by the township or
county, acceptance refused with open items, under 70 points or more than half dissatisfied, then a
year of follow-up; demonstration sites named only when every criterion is met — each refusal with
nothing written."""

import datetime

import pytest
from django.utils import timezone

from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.models import AuditEvent
from minxin.party import services, services_rect
from minxin.party.models import Item, Progress, Rectification, Site
from minxin.party.rules import SITE_CODES

pytestmark = pytest.mark.django_db


def _rect(world, side="tdw"):
    return world.party[side]["rect"]


def _state(rect):
    rect = Rectification.objects.get(pk=rect.pk)
    return (rect.accepted_on, rect.score, rect.closed_on, Item.objects.filter(done_on__isnull=False).count(),
            Progress.objects.count(), AuditEvent.objects.count())


def _refused(code, call, rect):
    before = _state(rect)
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code
    assert _state(rect) == before
    return caught.value


def test_acceptance_needs_every_item_signed_off_70_points_and_no_majority_dissatisfied(world):
    rect, today = _rect(world), timezone.localdate()
    admin = world.users["county_admin"]
    _refused("open_items", lambda: services_rect.accept(actor=admin, rect=rect, accepted_on=today, score="90",
                                                         respondents=50, dissatisfied=3), rect)
    with pytest.raises(PermissionDenied):
        services_rect.item_sign_off(actor=world.users["tdw_clerk"], item=world.party["tdw"]["item"], done_on=today)
    services_rect.item_sign_off(actor=world.users["tdw_admin"], item=world.party["tdw"]["item"], done_on=today)
    _refused("done", lambda: services_rect.item_sign_off(actor=admin, item=world.party["tdw"]["item"], done_on=today),
             rect)
    error = _refused("low_score", lambda: services_rect.accept(actor=admin, rect=rect, accepted_on=today, score="69.9",
                                                                respondents=50, dissatisfied=3), rect)
    assert "70" in error.message
    _refused("dissatisfied", lambda: services_rect.accept(actor=admin, rect=rect, accepted_on=today, score="85",
                                                           respondents=50, dissatisfied=26), rect)
    _refused("invalid_score", lambda: services_rect.accept(actor=admin, rect=rect, accepted_on=today, score="1e9",
                                                            respondents=50, dissatisfied=1), rect)
    with pytest.raises(PermissionDenied):
        services_rect.accept(actor=world.users["tdw_admin"], rect=rect, accepted_on=today, score="85", respondents=50,
                             dissatisfied=25)
    rect = services_rect.accept(actor=admin, rect=rect, accepted_on=today, score="85", respondents=50, dissatisfied=25)
    assert rect.accepted_on == today and str(rect.score) == "85.0"
    _refused("accepted", lambda: services_rect.item_add(actor=admin, rect=rect, problem="新问题", measure="措施",
                                                         owner="某人", deadline=today), rect)
    _refused("accepted", lambda: services_rect.accept(actor=admin, rect=rect, accepted_on=today, score="90",
                                                       respondents=50, dissatisfied=1), rect)


def test_progress_is_once_a_month_and_the_follow_up_lasts_a_year(world):
    rect, today = _rect(world), timezone.localdate()
    admin = world.users["county_admin"]
    _refused("duplicate", lambda: services_rect.progress_record(actor=None, rect=rect, month=today, note="重复"), rect)
    _refused("future_date", lambda: services_rect.progress_record(
        actor=None, rect=rect, month=today + datetime.timedelta(days=40), note="下月"), rect)
    _refused("not_accepted", lambda: services_rect.follow_up_record(actor=admin, rect=rect, on=today, finding="看",
                                                                     relapsed=False), rect)
    services_rect.item_sign_off(actor=admin, item=world.party["tdw"]["item"], done_on=today)
    rect = services_rect.accept(actor=admin, rect=rect, accepted_on=today, score="80", respondents=40, dissatisfied=2)
    error = _refused("too_early", lambda: services_rect.close(actor=admin, rect=rect, closed_on=today), rect)
    assert "12 个月" in error.message
    Rectification.objects.filter(pk=rect.pk).update(accepted_on=today - datetime.timedelta(days=400))
    rect.refresh_from_db()
    _refused("no_follow_up", lambda: services_rect.close(actor=admin, rect=rect, closed_on=today), rect)
    services_rect.follow_up_record(actor=admin, rect=rect, on=today, finding="出现反弹", relapsed=True)
    _refused("relapsed", lambda: services_rect.close(actor=admin, rect=rect, closed_on=today), rect)
    follow_up = rect.follow_ups.get()
    follow_up.relapsed = False
    follow_up.save()
    rect = services_rect.close(actor=admin, rect=rect, closed_on=today)
    assert rect.closed_on == today
    _refused("closed", lambda: services_rect.follow_up_record(actor=admin, rect=rect, on=today, finding="再看",
                                                               relapsed=False), rect)


def test_a_rectification_is_listed_once_a_year_by_the_county(world):
    today = timezone.localdate()
    branch, unit = world.party["tdw"]["branch"], world.units["tdw"]
    with pytest.raises(PermissionDenied):
        services_rect.rectification_list(actor=world.users["tdw_admin"], branch=branch, year=today.year,
                                         listed_on=today, reasons="原因", leader="县领导", unit=unit)
    with pytest.raises(DomainError) as caught:
        services_rect.rectification_list(actor=world.users["county_admin"], branch=branch, year=today.year,
                                         listed_on=today, reasons="原因", leader="县领导", unit=unit)
    assert caught.value.code == "duplicate"
    with pytest.raises(DomainError) as caught:
        services_rect.rectification_list(actor=world.users["county_admin"], branch=branch, year=today.year - 3,
                                         listed_on=today, reasons="原因", leader="县领导", unit=unit)
    assert caught.value.code == "invalid_year"


def test_a_site_is_named_only_when_every_criterion_is_met(world):
    site, today = world.party["tdw"]["site"], timezone.localdate()
    admin = world.users["county_admin"]
    partly = dict.fromkeys(SITE_CODES[:-1], True)
    with pytest.raises(DomainError) as caught:
        services.site_review(actor=admin, site=site, criteria=partly, reviewed_on=today, review="", status="named")
    assert caught.value.code == "criteria" and Site.objects.get(pk=site.pk).status == "proposed"
    services.site_review(actor=admin, site=site, criteria=partly, reviewed_on=today, review="集体经济待加强",
                         status="refused")
    services.site_review(actor=admin, site=site, criteria=dict.fromkeys(SITE_CODES, True), reviewed_on=today,
                         review="达标", status="named")
    assert Site.objects.get(pk=site.pk).status == "named"
    with pytest.raises(DomainError) as caught:  # named: reviewed again it stays named or is revoked
        services.site_review(actor=admin, site=site, criteria=partly, reviewed_on=today, review="", status="refused")
    assert caught.value.code == "site_transition" and Site.objects.get(pk=site.pk).status == "named"
    services.site_review(actor=admin, site=site, criteria=partly, reviewed_on=today, review="滑坡", status="revoked")
    with pytest.raises(DomainError, match="不能评为"):  # a revoked site is proposed anew
        services.site_review(actor=admin, site=site, criteria=dict.fromkeys(SITE_CODES, True), reviewed_on=today,
                             review="", status="named")
    with pytest.raises(PermissionDenied):
        services.site_review(actor=world.users["tdw_admin"], site=site, criteria={}, reviewed_on=today, review="",
                             status="revoked")
