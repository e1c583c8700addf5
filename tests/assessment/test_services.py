"""Services of the assessment module: the rules, and bad input refused with a clear message and
nothing written."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from minxin.assessment import services
from minxin.assessment.models import (
    Appeal,
    CadreResult,
    IndicatorScore,
    ManualScore,
    Period,
    Pledge,
    Scheme,
)
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.models import AuditEvent
from tests.assessment.world import current_quarter

pytestmark = pytest.mark.django_db


def _weights(**override):
    weights = services.default_weights()
    for code, value in override.items():
        weights[code.replace("__", ".")]["weight"] = D(value)
    return weights


def test_default_weights_add_up_to_100_and_cover_every_heart():
    from minxin.assessment import indicators
    from minxin.assessment.hearts import HEART_CODES

    weights = services.default_weights()
    assert sum(v["weight"] for v in weights.values()) == 100
    for heart in HEART_CODES:
        assert len([i for i in indicators.registered() if i.heart == heart]) >= 2, heart


def test_scheme_weights_must_sum_to_100(world):
    admin = world.users["county_admin"]
    weights = _weights(plan__plan=D(7))  # 100 − 2 + 7 = 105
    with pytest.raises(DomainError) as err:
        services.scheme_save(actor=admin, weights=weights)
    assert err.value.code == "weights_sum" and "105" in err.value.message
    assert Scheme.objects.count() == 0
    scheme = services.scheme_save(actor=admin, weights=_weights(), note="初版")
    assert scheme.version == 1 and scheme.weights.count() == len(weights)
    assert AuditEvent.objects.filter(action="scheme.save").count() == 1


def test_scheme_refuses_unknown_indicator_negative_weight_and_non_admin(world):
    admin = world.users["county_admin"]
    with pytest.raises(DomainError, match="未知指标"):
        services.scheme_save(actor=admin, weights={**_weights(), "nope.x": {"weight": 0}})
    with pytest.raises(DomainError, match="不能为负数"):
        services.scheme_save(actor=admin, weights=_weights(plan__plan=-5))
    with pytest.raises(PermissionDenied):
        services.scheme_save(actor=world.users["tdw_admin"], weights=_weights())
    with pytest.raises(DomainError, match="三部分占比"):
        services.scheme_save(actor=admin, weights=_weights(), rules={"annual_pledge_pct": 30})
    assert Scheme.objects.count() == 0


def test_changing_the_scheme_never_changes_a_published_period(world):
    admin = world.users["county_admin"]
    period = services.period_assess(actor=admin, quarter=current_quarter())
    services.period_publish(actor=admin, period=period)
    before = list(CadreResult.objects.filter(period=period).values_list("cadre_id", "total"))
    weights = _weights(**{"plan__pledge": 0, "plan__plan": 7})  # the pledge's 5 moved to the plan's 2
    services.scheme_save(actor=admin, weights=weights, note="提高规划权重")
    period.refresh_from_db()
    assert period.scheme.version == 1
    assert list(CadreResult.objects.filter(period=period).values_list("cadre_id", "total")) == before
    with pytest.raises(DomainError) as err:
        services.period_assess(actor=admin, quarter=period.code)
    assert err.value.code == "period_published"


def test_publish_twice_is_refused_with_the_date(world):
    admin = world.users["county_admin"]
    period = services.period_assess(actor=admin, quarter=current_quarter())
    period = services.period_publish(actor=admin, period=period)
    assert period.document_code == f"沿组通〔{period.year}〕1号"
    with pytest.raises(DomainError) as err:
        services.period_publish(actor=admin, period=period)
    assert err.value.code == "already_published" and "不能重复发布" in err.value.message
    assert AuditEvent.objects.filter(action="period.publish").count() == 1


def test_quarter_not_started_or_malformed(world):
    admin = world.users["county_admin"]
    with pytest.raises(DomainError, match="尚未开始"):
        services.period_assess(actor=admin, quarter=f"{timezone.localdate().year + 1}Q1")
    with pytest.raises(DomainError, match="2026Q3"):
        services.period_assess(actor=admin, quarter="2026-07")
    assert not Period.objects.exists()


def _inspection(world, side="tdw", kind="quarterly", actor=None):
    return services.inspection_record(actor=actor or world.users[f"{side}_supervisor"], kind=kind,
                                      village=world.village(side), date=timezone.localdate())


def test_manual_score_range_scope_and_kind(world):
    inspection = _inspection(world)
    supervisor, cadre = world.users["tdw_supervisor"], world.cadres["tdw"][0]
    for bad in ("101", "-1", "abc", "NaN"):
        with pytest.raises(DomainError) as err:
            services.manual_score_record(actor=supervisor, inspection=inspection, cadre=cadre,
                                         indicator="plan.plan", score=bad)
        assert err.value.code == "score_out_of_range"
    with pytest.raises(DomainError, match="自动指标"):
        services.manual_score_record(actor=supervisor, inspection=inspection, cadre=cadre,
                                     indicator="care.visits", score="80")
    # A county supervisor scoring a 官舟 cadre on a 土地坳 inspection: not in that village.
    with pytest.raises(DomainError):
        services.manual_score_record(actor=world.users["county_supervisor"], inspection=inspection,
                                     cadre=world.cadres["gz"][0], indicator="plan.plan", score="80")
    # A township supervisor scoring a cadre outside its township.
    with pytest.raises(DomainError) as err:
        services.manual_score_record(actor=supervisor, inspection=inspection, cadre=world.cadres["gz"][0],
                                     indicator="plan.plan", score="80")
    assert err.value.code == "scope_outside"
    assert not ManualScore.objects.exists()
    saved = services.manual_score_record(actor=supervisor, inspection=inspection, cadre=cadre,
                                         indicator="plan.plan", score="88.5")
    again = services.manual_score_record(actor=supervisor, inspection=inspection, cadre=cadre,
                                         indicator="plan.plan", score="90")
    assert saved.pk == again.pk and again.score == D("90.00")


def test_manual_score_into_a_published_quarter_is_refused(world):
    admin = world.users["county_admin"]
    inspection = _inspection(world)
    services.period_publish(actor=admin, period=services.period_assess(actor=admin, quarter=current_quarter()))
    with pytest.raises(DomainError) as err:
        services.manual_score_record(actor=world.users["tdw_supervisor"], inspection=inspection,
                                     cadre=world.cadres["tdw"][0], indicator="plan.plan", score="80")
    assert err.value.code == "period_published"


def test_manual_scores_average_into_the_quarter_and_weights_redistribute(world):
    admin = world.users["county_admin"]
    cadre = world.cadres["tdw"][0]
    for score in ("80", "90"):
        inspection = _inspection(world)
        services.manual_score_record(actor=world.users["tdw_supervisor"], inspection=inspection, cadre=cadre,
                                     indicator="plan.plan", score=score)
    period = services.period_assess(actor=admin, quarter=current_quarter())
    score = IndicatorScore.objects.get(result__period=period, result__cadre=cadre, indicator="plan.plan")
    assert score.raw == D(85) and score.score == D(85)
    other = IndicatorScore.objects.get(result__period=period, result__cadre=world.cadres["tdw"][1],
                                       indicator="plan.plan")
    assert other.score is None and other.points == 0  # never scored: left out, weight shared
    result = score.result
    assert result.total == sum(s.points for s in result.scores.all())


def _published(world):
    admin = world.users["county_admin"]
    inspection = _inspection(world)
    services.manual_score_record(actor=world.users["tdw_supervisor"], inspection=inspection,
                                 cadre=world.cadres["tdw"][0], indicator="plan.plan", score="60")
    return services.period_publish(actor=admin, period=services.period_assess(actor=admin, quarter=current_quarter()))


def test_appeal_by_the_cadre_itself_within_the_deadline_and_decision(world):
    period = _published(world)
    score = IndicatorScore.objects.get(result__period=period, result__cadre=world.cadres["tdw"][0],
                                       indicator="plan.plan")
    with pytest.raises(PermissionDenied) as err:
        services.appeal_file(actor=world.users["gz_cadre"], score=score, reason="不服")
    assert err.value.code == "not_own_score"
    with pytest.raises(DomainError, match="申诉理由"):
        services.appeal_file(actor=world.users["tdw_cadre"], score=score, reason="  ")
    appeal = services.appeal_file(actor=world.users["tdw_cadre"], score=score, reason="支部会议记录已补齐")
    with pytest.raises(DomainError, match="待处理"):
        services.appeal_file(actor=world.users["tdw_cadre"], score=score, reason="再次")
    admin = world.users["county_admin"]
    with pytest.raises(DomainError, match="更正后的得分"):
        services.appeal_decide(actor=admin, appeal=appeal, upheld=True, decision="属实")
    with pytest.raises(DomainError) as err:
        services.appeal_decide(actor=admin, appeal=appeal, upheld=True, decision="属实", corrected_score="120")
    assert err.value.code == "score_out_of_range"
    before_total = score.result.total
    services.appeal_decide(actor=admin, appeal=appeal, upheld=True, decision="记录属实，予以更正",
                           corrected_score="90")
    score.refresh_from_db()
    assert (score.original_score, score.score) == (D(60), D(90))
    result = CadreResult.objects.get(pk=score.result_id)
    assert result.total > before_total and result.total == sum(s.points for s in result.scores.all())
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.Status.UPHELD
    with pytest.raises(DomainError, match="已处理"):
        services.appeal_decide(actor=admin, appeal=appeal, upheld=False, decision="x")


def test_appeal_after_deadline_is_refused(world):
    period = _published(world)
    Period.objects.filter(pk=period.pk).update(appeal_deadline=timezone.now() - datetime.timedelta(minutes=1))
    score = IndicatorScore.objects.filter(result__period=period, result__cadre=world.cadres["tdw"][0]).first()
    with pytest.raises(DomainError) as err:
        services.appeal_file(actor=world.users["tdw_cadre"], score=score, reason="迟到的申诉")
    assert err.value.code == "appeal_late" and "截止" in err.value.message
    assert not Appeal.objects.exists()


def test_pledge_flow_and_no_edit_after_public(world):
    cadre_user, cadre = world.users["tdw_cadre"], world.cadres["tdw"][0]
    year = timezone.localdate().year
    with pytest.raises(DomainError, match="衡量标准"):
        services.pledge_save(actor=cadre_user, cadre=cadre, year=year,
                             items=[{"heart": "care", "text": "关爱留守儿童", "measure": ""}])
    with pytest.raises(PermissionDenied):
        services.pledge_save(actor=world.users["gz_cadre"], cadre=cadre, year=year,
                             items=[{"heart": "care", "text": "x", "measure": "y"}])
    pledge = services.pledge_save(actor=cadre_user, cadre=cadre, year=year,
                                  items=[{"heart": "care", "text": "每月走访留守老人", "measure": "每月 1 次"}])
    with pytest.raises(DomainError, match="尚未提交"):
        services.pledge_publish(actor=world.users["tdw_admin"], pledge=pledge)
    services.pledge_submit(actor=cadre_user, pledge=pledge)
    with pytest.raises(DomainError):  # a township outside the village's scope
        services.pledge_publish(actor=world.users["gz_admin"], pledge=pledge)
    services.pledge_publish(actor=world.users["tdw_admin"], pledge=pledge)
    with pytest.raises(DomainError) as err:
        services.pledge_save(actor=cadre_user, cadre=cadre, year=year,
                             items=[{"heart": "care", "text": "改了", "measure": "改了"}])
    assert err.value.code == "pledge_public"
    assert list(Pledge.objects.get(pk=pledge.pk).items.values_list("text", flat=True)) == ["每月走访留守老人"]
    item = pledge.items.get()
    with pytest.raises(DomainError, match="评诺依据"):
        services.pledge_review(actor=world.users["tdw_admin"], item=item, result="fulfilled", evidence="")
    services.pledge_review(actor=world.users["tdw_admin"], item=item, result="partly", evidence="走访记录 9 次")
    item.refresh_from_db()
    assert item.result == "partly" and item.reviewed_by == world.users["tdw_admin"]


def test_pledge_on_time_indicator(world):
    """Submitted before the deadline → 100, after → 50, none → 0 (plan.pledge)."""
    admin = world.users["county_admin"]
    a, b = world.cadres["tdw"][0], world.cadres["gz"][0]
    for side, cadre in (("tdw", a), ("gz", b)):
        pledge = services.pledge_save(actor=world.users[f"{side}_cadre"], cadre=cadre,
                                      year=timezone.localdate().year,
                                      items=[{"heart": "plan", "text": "编制规划", "measure": "3 月底前"}])
        services.pledge_submit(actor=world.users[f"{side}_cadre"], pledge=pledge)
    year = timezone.localdate().year
    Pledge.objects.filter(cadre=a).update(submitted_at=timezone.make_aware(datetime.datetime(year, 2, 1, 9)))
    Pledge.objects.filter(cadre=b).update(submitted_at=timezone.make_aware(datetime.datetime(year, 4, 1, 0, 30)))
    period = services.period_assess(actor=admin, quarter=current_quarter())
    raw = dict(IndicatorScore.objects.filter(result__period=period, indicator="plan.pledge")
               .values_list("result__cadre_id", "raw"))
    assert raw[a.pk] == D(100) and raw[b.pk] == D(50) and raw[world.cadres["tdw"][1].pk] == D(0)


def test_rectification_needs_a_result(world):
    inspection = _inspection(world)
    finding = services.finding_record(actor=world.users["tdw_supervisor"], inspection=inspection,
                                      cadre=world.cadres["tdw"][0], text="台账不全",
                                      deadline=timezone.localdate() + datetime.timedelta(days=10))
    task = finding.rectification
    with pytest.raises(DomainError, match="整改情况"):
        services.rectification_update(actor=world.users["tdw_supervisor"], task=task, done=True, result="")
    services.rectification_update(actor=world.users["tdw_supervisor"], task=task, done=True, result="已补齐")
    task.refresh_from_db()
    assert task.status == "done" and task.closed_by == world.users["tdw_supervisor"]
    with pytest.raises(DomainError, match="必须指明"):
        services.finding_record(actor=world.users["tdw_supervisor"], inspection=inspection, text="有人不在",
                                unexcused_absence=True)
