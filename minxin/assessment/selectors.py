"""Scoped reads of the assessment module: every query starts from `visible_to(user)`."""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.assessment import indicators as registry
from minxin.assessment.hearts import HEART_CODES
from minxin.assessment.models import (
    AnnualGrade,
    Appeal,
    CadreResult,
    Consequence,
    Finding,
    IndicatorScore,
    Inspection,
    ManualScore,
    Period,
    Pledge,
    PledgeBoard,
    PledgeItem,
    Rectification,
    Scheme,
)
from minxin.assessment.window import parse_quarter
from minxin.core import guards
from minxin.core.errors import DomainError, Unavailable
from minxin.core.scoping import scope_q
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.regions.selectors import counties_q, home_county

can_view, require_view = guards.read_gate(roles.VIEW_ASSESSMENT)  # every read of the module that takes a user checks it
logger = logging.getLogger(__name__)


# --- scheme and periods ----------------------------------------------------------------------

def scheme_current(county: str | None) -> Scheme | None:
    if county is None:
        return None
    return Scheme.objects.filter(county_code=county).prefetch_related("weights").order_by("-version").first()


def scheme_list(county: str) -> QuerySet[Scheme]:
    return (Scheme.objects.filter(county_code=county).select_related("created_by")
            .annotate(n_periods=Count("periods")).order_by("-version"))


def period_list(*, user: User) -> QuerySet[Period]:
    """The quarters of the counties the user works in or above. Periods carry no personal data
    (their results are scoped separately)."""
    require_view(user)
    names = Region.objects.filter(code=OuterRef("county_code")).values("name")[:1]
    return (Period.objects.filter(counties_q(user, "county_code")).annotate(annotated_county_name=Subquery(names))
            .select_related("scheme", "published_by").order_by("-year", "-quarter", "county_code"))


def period_get(*, user: User, code: str, county: str | None = None) -> Period:
    """A county's quarter by its code (2026Q3); the county defaults to the user's (home_county). Unknown,
    malformed and out-of-scope answer alike (404)."""
    require_view(user)
    try:
        window = parse_quarter(code)
        county_code = codes.normalize_code(county) if county else home_county(user)
    except (DomainError, codes.InvalidRegionCode):
        raise Http404 from None
    if county_code is None:
        raise DomainError("county_required", _("您的管辖范围包括多个县（区），请指定县（区）。"), field="county")
    return get_object_or_404(period_list(user=user), county_code=county_code, year=window.year, quarter=window.quarter)


def result_list(*, user: User, period: Period, prefix: str | None = None, q: str = "") -> QuerySet[CadreResult]:
    require_view(user)
    qs = (CadreResult.objects.visible_to(user).filter(period=period)
          .select_related("cadre__sending_unit"))
    if prefix:
        qs = qs.filter(village_code__startswith=prefix)
    if q:
        qs = qs.filter(Q(cadre__name__contains=q) | Q(cadre__name_pinyin__contains=q.lower()))
    return qs.order_by("rank_county", "cadre__name_pinyin", "cadre_id")


CENT = Decimal("0.01")


def heart_points(*, result_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Each result's points per heart (the per-heart columns of the ranking), in one query."""
    rows = (IndicatorScore.objects.filter(result_id__in=result_ids).values("result_id", "heart")
            .annotate(points=Sum("points")).order_by())
    table: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        table.setdefault(row["result_id"], {})[row["heart"]] = Decimal(row["points"]).quantize(CENT)
    return table


def heart_rates(*, user: User, result: CadreResult) -> dict[str, Any]:
    """The ten hearts of one result as rates (points over the weight the heart counted, 0–100),
    beside the mean rate of the results the user can read in the same township and quarter —
    the radar chart of a cadre's result page. A heart with nothing scored is None."""
    require_view(user)
    def rates(qs: QuerySet[IndicatorScore]) -> dict[str, Decimal | None]:
        sums = {row["heart"]: row for row in qs.filter(score__isnull=False).values("heart")
                .annotate(points=Sum("points"), weight=Sum("effective_weight")).order_by()}
        return {code: (round(sums[code]["points"] * 100 / sums[code]["weight"], 1)
                       if code in sums and sums[code]["weight"] else None) for code in HEART_CODES}

    peers = CadreResult.objects.visible_to(user).filter(period_id=result.period_id,
                                                        township_code=result.township_code)
    return {"own": rates(IndicatorScore.objects.filter(result=result)),
            "peers": rates(IndicatorScore.objects.filter(result__in=peers)),
            "peer_count": peers.count()}


def my_results(*, user: User) -> QuerySet[CadreResult]:
    """A cadre's own results, newest quarter first (empty for other users)."""
    require_view(user)
    if user.role != "cadre":
        return CadreResult.objects.none()
    return (CadreResult.objects.visible_to(user).filter(cadre__user_id=user.pk)
            .select_related("period").order_by("-period__year", "-period__quarter"))


def result_get(*, user: User, pk: int) -> CadreResult:
    require_view(user)
    return get_object_or_404(
        CadreResult.objects.visible_to(user).select_related("period", "cadre__sending_unit", "cadre__user"), pk=pk)


def result_scores(*, result: CadreResult) -> list[IndicatorScore]:
    scores = list(result.scores.prefetch_related(
        Prefetch("appeals", queryset=Appeal.objects.order_by("-created_at"))))
    order = {ind.code: n for n, ind in enumerate(registry.registered())}
    return sorted(scores, key=lambda s: order.get(s.indicator, 999))


def score_get(*, user: User, pk: int) -> IndicatorScore:
    require_view(user)
    return get_object_or_404(
        IndicatorScore.objects.visible_to(user).select_related("result__period", "result__cadre"), pk=pk)


@dataclass
class EvidenceItem:
    when: object
    label: str
    url: str
    extra: str = ""


def _attr(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part, None)
    return obj


EVIDENCE_LIMIT = 500


def score_evidence(*, user: User, score: IndicatorScore) -> tuple[list[EvidenceItem], int]:
    """The records behind a score (at most EVIDENCE_LIMIT shown, with the full count), scoped to
    what the user may see: the indicator's own evidence function, or the supervision scores."""
    require_view(user)
    result, window = score.result, score.result.period.window
    ind = registry.get(score.indicator)
    if ind is None:
        return [], 0
    if not ind.is_auto:
        qs = (ManualScore.objects.visible_to(user)
              .filter(cadre_id=result.cadre_id, indicator=score.indicator, inspection__date__gte=window.start,
                      inspection__date__lte=window.end)
              .select_related("inspection__inspector").order_by("inspection__date"))
        items = [EvidenceItem(m.inspection.date, f"{m.inspection.get_kind_display()} · {m.score}",
                              _url("assessment:inspection", m.inspection_id), m.note) for m in qs]
        return items, len(items)
    if ind.evidence is None:  # an automatic indicator that keeps no records to show
        return [], 0
    records = ind.evidence(result.cadre_id, result.village_code, window)
    # An indicator may answer one queryset or several (e.g. days present: visits, meetings, calls…).
    querysets = records if isinstance(records, list | tuple) else [records]
    objects: list[Any] = []
    count = 0
    for found in querysets:
        visible = _visible(found, user, ind)
        count += visible.count()
        objects.extend(visible[:EVIDENCE_LIMIT])
    items = [EvidenceItem(_when(_attr(obj, ind.evidence_date) or _attr(obj, "start_date")), str(obj),
                          ind.evidence_url(obj) if ind.evidence_url else "",
                          str(obj._meta.verbose_name)) for obj in objects]
    items.sort(key=lambda item: (item.when is None, item.when))
    return items[:EVIDENCE_LIMIT], count


def _visible(qs: QuerySet, user: User, ind: registry.Indicator) -> QuerySet:
    """The evidence rows inside the user's scope: by the model's own rule (`visible_to`: e.g. study
    sessions through their attendees), else its `scope_field`. Rows whose region nothing names are
    never shown (503, logged)."""
    if hasattr(qs, "visible_to"):
        return qs.visible_to(user)
    field = getattr(qs.model, "scope_field", "")
    if not field:
        logger.error("Indicator %s: evidence of %s names no region (visible_to or scope_field)",
                     ind.code, qs.model._meta.label)
        raise Unavailable("evidence_unscoped", _("此项得分的依据记录暂时无法显示，请联系系统管理员。"))
    return qs.filter(scope_q(user, field))


def _when(value: Any) -> datetime.date:
    """Dates and datetimes sort together (a datetime shown in local time)."""
    import datetime

    from django.utils import timezone

    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def appeal_list(*, user: User, status: str | None = None) -> QuerySet[Appeal]:
    require_view(user)
    qs = Appeal.objects.visible_to(user).select_related("score__result__period", "score__result__cadre",
                                                        "filed_by", "decided_by")
    if user.role == "cadre":
        qs = qs.filter(filed_by=user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def appeal_get(*, user: User, pk: int) -> Appeal:
    require_view(user)
    return get_object_or_404(appeal_list(user=user), pk=pk)


# --- pledges ---------------------------------------------------------------------------------

def pledge_list(*, user: User, year: int | None = None) -> QuerySet[Pledge]:
    require_view(user)
    qs = Pledge.objects.visible_to(user).select_related("cadre", "village__parent").annotate(
        n_items=Count("items"), n_reviewed=Count("items", filter=~Q(items__result="")))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "village_id", "cadre__name_pinyin")


def pledge_get(*, user: User, pk: int) -> Pledge:
    require_view(user)
    return get_object_or_404(pledge_list(user=user).prefetch_related("items__reviewed_by"), pk=pk)


def pledge_item_get(*, user: User, pk: int) -> PledgeItem:
    require_view(user)
    return get_object_or_404(PledgeItem.objects.visible_to(user).select_related("pledge__cadre"), pk=pk)


def public_board(*, token: str, year: int) -> tuple[Any, list[Pledge]]:
    """The public village page: no login; public pledges only; names and items, no identifiers."""
    board = get_object_or_404(PledgeBoard.objects.select_related("village__parent"), token=token)
    pledges = (Pledge.objects.filter(village_id=board.village_id, year=year, status=Pledge.Status.PUBLIC)
               .select_related("cadre").prefetch_related("items").order_by("cadre__name_pinyin"))
    return board, list(pledges)


# --- supervision -----------------------------------------------------------------------------

def inspection_list(*, user: User, kind: str | None = None) -> QuerySet[Inspection]:
    require_view(user)
    qs = Inspection.objects.visible_to(user).select_related("village__parent", "inspector").annotate(
        n_findings=Count("findings", distinct=True), n_scores=Count("scores", distinct=True))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-date", "-id")


def inspection_get(*, user: User, pk: int) -> Inspection:
    require_view(user)
    return get_object_or_404(Inspection.objects.visible_to(user).select_related("village__parent", "inspector"),
                             pk=pk)


def inspection_findings(*, inspection: Inspection) -> QuerySet[Finding]:
    return inspection.findings.select_related("cadre", "rectification").order_by("id")


def inspection_scores(*, inspection: Inspection) -> QuerySet[ManualScore]:
    return inspection.scores.select_related("cadre").order_by("cadre__name_pinyin", "indicator")


def rectification_list(*, user: User, status: str | None = None) -> QuerySet[Rectification]:
    require_view(user)
    qs = Rectification.objects.visible_to(user).select_related("finding__inspection__village", "finding__cadre")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "deadline", "id")


def rectification_get(*, user: User, pk: int) -> Rectification:
    require_view(user)
    return get_object_or_404(rectification_list(user=user), pk=pk)


def finding_list(*, user: User, cadre_id: int, year: int) -> QuerySet[Finding]:
    require_view(user)
    return (Finding.objects.visible_to(user).filter(cadre_id=cadre_id, inspection__date__year=year)
            .select_related("inspection", "rectification").order_by("inspection__date", "id"))


# --- annual ----------------------------------------------------------------------------------

def grade_list(*, user: User, year: int) -> QuerySet[AnnualGrade]:
    require_view(user)
    return (AnnualGrade.objects.visible_to(user).filter(year=year)
            .select_related("cadre__sending_unit", "confirmed_by").order_by("-composite", "cadre__name_pinyin"))


def grade_count(*, county: str, year: int) -> int:
    """How many of the county's cadres are graded for the year (the 优秀 cap is a share of it): a
    count, no rows shown."""
    return AnnualGrade.objects.of_county(county).filter(year=year).count()


def grade_get(*, user: User, pk: int) -> AnnualGrade:
    require_view(user)
    return get_object_or_404(AnnualGrade.objects.visible_to(user).select_related("cadre"), pk=pk)


def consequence_list(*, user: User, cadre_id: int | None = None, year: int | None = None, kind: str = "",
                     prefix: str = "", q: str = "") -> QuerySet[Consequence]:
    """The use of results (表彰, 提拔, 问责, 召回) the user can read, by cadre, year, kind, region or
    the cadre's name (characters or pinyin)."""
    require_view(user)
    qs = Consequence.objects.visible_to(user).select_related("cadre__sending_unit", "recorded_by")
    if cadre_id:
        qs = qs.filter(cadre_id=cadre_id)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if prefix:
        qs = qs.filter(village_code__startswith=prefix)
    if q:
        qs = qs.filter(Q(cadre__name__contains=q) | Q(cadre__name_pinyin__contains=q.lower()))
    return qs.order_by("-decided_on", "-id")
