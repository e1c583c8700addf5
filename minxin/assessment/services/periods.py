"""Running, publishing and appealing quarterly assessments."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.assessment import engine
from minxin.assessment.models import Appeal, CadreResult, IndicatorScore, Period, Scheme
from minxin.assessment.services.common import assessed_county, clean_text
from minxin.assessment.services.scheme import scheme_ensure
from minxin.assessment.window import parse_quarter
from minxin.core.audit import audit_record
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.guards import require, require_scope
from minxin.registry.io import bulk


def _published_error(period: Period) -> DomainError:
    return DomainError("period_published", _("%(period)s已于 %(date)s 发布，考核结果已冻结，不能再修改。")
                       % {"period": period, "date": timezone.localtime(period.published_at).strftime("%Y-%m-%d")})


@transaction.atomic
def period_assess(*, actor: User | None, quarter: str, county_code: str | None = None) -> Period:
    """Compute (or recompute) a county's quarter for every cadre serving there, with the county's
    current scheme. Refused once the quarter is published."""
    require(actor, roles.CONFIGURE_ASSESSMENT)
    county = assessed_county(actor, county_code)
    window = parse_quarter(quarter)
    if window.start > timezone.localdate():
        raise DomainError("quarter_not_started", _("%(period)s尚未开始，不能考核。") % {"period": window.label()},
                          field="quarter")
    period, _created = Period.objects.get_or_create(county_code=county, year=window.year, quarter=window.quarter)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_published:
        raise _published_error(period)
    scheme = scheme_ensure(actor=actor, county_code=county)
    rows = engine.compute(window, scheme)
    # A draft quarter has no appeals (they need a published one), so its old rows can go in two
    # plain DELETEs instead of Django's cascade collector loading ~35,000 rows first.
    scores_table, results_table = (connection.ops.quote_name(m._meta.db_table) for m in (IndicatorScore, CadreResult))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {scores_table} WHERE result_id IN "  # noqa: S608 - table names from the models
                       f"(SELECT id FROM {results_table} WHERE period_id = %s)", [period.pk])
        cursor.execute(f"DELETE FROM {results_table} WHERE period_id = %s", [period.pk])  # noqa: S608
    township_sizes: dict[str, int] = {}
    for r in rows:
        township_sizes[r.township_code] = township_sizes.get(r.township_code, 0) + 1
    results = CadreResult.objects.bulk_create([
        CadreResult(period=period, cadre_id=r.cadre_id, village_code=r.village_code, township_code=r.township_code,
                    total=r.total, rank_county=r.rank_county, rank_township=r.rank_township,
                    cohort_county=len(rows), cohort_township=township_sizes[r.township_code])
        for r in rows
    ], batch_size=2000)
    # ~35,000 scores a county: written as plain tuples (a binary COPY on PostgreSQL), not as model
    # instances, which cost more than the insert itself.
    scores = bulk.insert_rows(IndicatorScore, ["result_id", *engine.SCORE_FIELDS], (
        (result.pk, *(getattr(s, name) for name in engine.SCORE_FIELDS))
        for result, row in zip(results, rows, strict=True) for s in row.scores))
    period.scheme, period.computed_at, period.computed_by = scheme, timezone.now(), actor
    period.save()
    audit_record(actor=actor, action="period.assess", obj=period, region_code=county,
                 after={"quarter": period.code, "scheme": scheme.version, "cadres": len(rows), "scores": scores})
    return period


@transaction.atomic
def period_publish(*, actor: User | None, period: Period) -> Period:
    """Freeze the quarter, number its bulletin (沿组通〔year〕N号) and open the appeal window."""
    require(actor, roles.CONFIGURE_ASSESSMENT)
    period = Period.objects.select_for_update(of=("self",)).select_related("scheme").get(pk=period.pk)
    require_scope(actor, period.county_code)
    if period.is_published:
        raise DomainError("already_published", _("%(period)s已经发布过（%(date)s），不能重复发布。")
                          % {"period": period,
                             "date": timezone.localtime(period.published_at).strftime("%Y-%m-%d %H:%M")})
    if period.computed_at is None or not period.results.exists():
        raise DomainError("not_computed", _("%(period)s还没有考核结果，请先运行考核。") % {"period": period})
    now = timezone.now()
    appeal_days = period.scheme.appeal_days if period.scheme else Scheme._meta.get_field("appeal_days").get_default()
    last_day = timezone.localdate(now) + datetime.timedelta(days=appeal_days)
    period.appeal_deadline = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time(23, 59, 59)))
    number = Period.objects.filter(county_code=period.county_code, year=period.year).aggregate(
        n=Max("document_number"))["n"] or 0
    period.status, period.published_at, period.published_by = Period.Status.PUBLISHED, now, actor
    period.document_number = number + 1
    period.save()
    audit_record(actor=actor, action="period.publish", obj=period, region_code=period.county_code,
                 before={"status": "draft"}, after={"status": "published", "document": period.document_code,
                                                    "appeal_deadline": period.appeal_deadline.isoformat()})
    return period


@transaction.atomic
def appeal_file(*, actor: User, score: IndicatorScore, reason: str) -> Appeal:
    """A cadre appeals one of its own scores in a published quarter, before the deadline."""
    require(actor, roles.FILE_PLEDGE)
    score = IndicatorScore.objects.select_related("result__period", "result__cadre").get(pk=score.pk)
    result, period = score.result, score.result.period
    if result.cadre.user_id != actor.pk:
        raise PermissionDenied(_("只能对本人的考核得分提出申诉。"), code="not_own_score")
    if not period.is_published or period.appeal_deadline is None:
        raise DomainError("not_published", _("%(period)s尚未发布，发布后才能申诉。") % {"period": period})
    if timezone.now() > period.appeal_deadline:
        raise DomainError("appeal_late", _("申诉期已于 %(date)s 截止，不能再提出申诉。")
                          % {"date": timezone.localtime(period.appeal_deadline).strftime("%Y-%m-%d %H:%M")})
    reason = clean_text(reason, field="reason", message=_("请填写申诉理由。"))
    if score.appeals.filter(status=Appeal.Status.PENDING).exists():
        raise DomainError("appeal_pending", _("该项得分已有待处理的申诉。"))
    appeal = Appeal.objects.create(score=score, filed_by=actor, reason=reason)
    audit_record(actor=actor, action="appeal.file", obj=appeal, region_code=result.village_code,
                 after={"indicator": score.indicator, "score": str(score.score), "reason": reason})
    return appeal


def _score_in_range(value: Any, field: str = "corrected_score") -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = Decimal(-1)
    if not number.is_finite() or not 0 <= number <= 100:
        raise DomainError("score_out_of_range", _("得分应在 0 到 100 之间：%(value)s") % {"value": value}, field=field)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def appeal_decide(*, actor: User | None, appeal: Appeal, upheld: bool, decision: str,
                  corrected_score: Decimal | None = None) -> Appeal:
    """The county decides. An upheld appeal corrects that one score (the original is kept), the
    cadre's total is recomputed from the stored weights and the quarter's ranks follow."""
    require(actor, roles.CONFIGURE_ASSESSMENT)
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("score__result").get(pk=appeal.pk)
    require_scope(actor, appeal.score.result.village_code)
    if appeal.status != Appeal.Status.PENDING:
        raise DomainError("already_decided", _("该申诉已处理（%(status)s）。") % {"status": appeal.get_status_display()})
    decision = clean_text(decision, field="decision", message=_("请填写处理意见。"))
    if upheld:
        if corrected_score in (None, ""):
            raise DomainError("score_required", _("申诉成立时请填写更正后的得分。"), field="corrected_score")
        corrected_score = _score_in_range(corrected_score)
        _correct(appeal.score, corrected_score)
        appeal.corrected_score = corrected_score
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.decided_by, appeal.decided_at, appeal.decision = actor, timezone.now(), decision
    appeal.save()
    audit_record(actor=actor, action="appeal.decide", obj=appeal, region_code=appeal.score.result.village_code,
                 before={"status": "pending", "score": str(appeal.score.original_score or appeal.score.score)},
                 after={"status": appeal.status, "corrected_score": str(appeal.corrected_score or ""),
                        "decision": decision})
    return appeal


def _correct(score: IndicatorScore, value: Decimal) -> None:
    result = CadreResult.objects.select_for_update().get(pk=score.result_id)
    if score.original_score is None:
        score.original_score = score.score
    score.score = value
    score.save(update_fields=["score", "original_score"])
    rows = list(result.scores.all())
    counted = sum((s.weight for s in rows if s.score is not None), Decimal(0))
    for s in rows:
        s.points = engine.q2(s.score * s.weight / counted) if s.score is not None and counted else Decimal(0)
        s.effective_weight = (s.weight * 100 / counted).quantize(Decimal("0.0001")) if s.score is not None and counted \
            else Decimal(0)
    IndicatorScore.objects.bulk_update(rows, ["points", "effective_weight"])
    result.total = sum((s.points for s in rows), Decimal(0))
    result.save(update_fields=["total"])
    everyone = list(CadreResult.objects.filter(period_id=result.period_id).select_for_update())
    engine.rerank(everyone)
    CadreResult.objects.bulk_update(everyone, ["rank_county", "rank_township"], batch_size=2000)
