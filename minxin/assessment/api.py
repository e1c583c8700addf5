"""The assessment API: periods, a quarter's ranking (scoped), one cadre's scores and a score's
evidence. Out of scope is a 404, as everywhere."""

import datetime
from decimal import Decimal

from ninja import ModelSchema, Router, Schema

from minxin.assessment import indicators as registry
from minxin.assessment import selectors
from minxin.assessment.engine import SCORE_FIELDS
from minxin.assessment.models import IndicatorScore
from minxin.regions.selectors import region_get

router = Router(tags=["assessment"])


class IndicatorOut(Schema):
    code: str
    heart: str
    label: str
    unit: str
    kind: str
    direction: str


class PeriodOut(Schema):
    county_code: str
    county: str
    code: str
    status: str
    scheme_version: int | None
    computed_at: datetime.datetime | None
    published_at: datetime.datetime | None
    appeal_deadline: datetime.datetime | None
    document: str | None


class ResultOut(Schema):
    id: int
    cadre_id: int
    cadre: str
    village_code: str
    township_code: str
    total: Decimal
    rank_county: int
    rank_township: int


class ScoreOut(ModelSchema):
    class Meta:
        model = IndicatorScore
        fields = ["id", *SCORE_FIELDS]


class ResultDetailOut(ResultOut):
    period: str
    scores: list[ScoreOut]


class EvidenceOut(Schema):
    date: datetime.date | None
    label: str
    url: str
    kind: str


class EvidenceListOut(Schema):
    score: ScoreOut
    count: int
    items: list[EvidenceOut]


def _period(p) -> dict:
    return {"county_code": p.county_code, "county": p.county_name, "code": p.code, "status": p.status,
            "scheme_version": p.scheme.version if p.scheme_id else None, "computed_at": p.computed_at,
            "published_at": p.published_at, "appeal_deadline": p.appeal_deadline,
            "document": p.document_code if p.is_published else None}


def _result(r) -> dict:
    return {"id": r.pk, "cadre_id": r.cadre_id, "cadre": r.cadre.name, "village_code": r.village_code,
            "township_code": r.township_code, "total": r.total, "rank_county": r.rank_county,
            "rank_township": r.rank_township}


@router.get("/indicators", response=list[IndicatorOut], summary="指标库（十颗心）")
def indicator_list(request):
    selectors.require_view(request.auth)
    return [{"code": i.code, "heart": i.heart, "label": str(i.label), "unit": str(i.unit), "kind": i.kind,
             "direction": i.direction} for i in registry.registered()]


@router.get("/periods", response=list[PeriodOut], summary="考核季度")
def period_list(request):
    return [_period(p) for p in selectors.period_list(user=request.auth)]


@router.get("/periods/{code}/results", response=list[ResultOut], summary="季度考核排名（按管辖范围）")
def period_results(request, code: str, county: str | None = None, region: str | None = None):
    """`county` (520627) is needed only by a user over several counties; it defaults to the user's own."""
    period = selectors.period_get(user=request.auth, code=code, county=county)
    prefix = region_get(user=request.auth, code=region).prefix if region else None
    return [_result(r) for r in selectors.result_list(user=request.auth, period=period, prefix=prefix)]


@router.get("/results/{result_id}", response=ResultDetailOut, summary="一名驻村干部的季度得分明细")
def result_detail(request, result_id: int):
    result = selectors.result_get(user=request.auth, pk=result_id)
    return {**_result(result), "period": result.period.code,
            "scores": [ScoreOut.from_orm(s).dict() for s in selectors.result_scores(result=result)]}


@router.get("/scores/{score_id}/evidence", response=EvidenceListOut, summary="得分所依据的记录")
def score_evidence(request, score_id: int):
    score = selectors.score_get(user=request.auth, pk=score_id)
    items, count = selectors.score_evidence(user=request.auth, score=score)
    return {"score": ScoreOut.from_orm(score).dict(), "count": count,
            "items": [{"date": i.when if isinstance(i.when, datetime.date) else None, "label": i.label, "url": i.url,
                       "kind": i.extra} for i in items]}


