"""Quarterly assessment pages: the scheme, running and publishing a quarter, the ranking, a
cadre's scores, the records behind a score, the bulletin, appeals."""

import tempfile
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.assessment import bulletin, exports, selectors, services
from minxin.assessment import indicators as registry
from minxin.assessment.forms import (
    AppealDecisionForm,
    AppealForm,
    QuarterForm,
    SchemeRulesForm,
    WeightsForm,
)
from minxin.assessment.hearts import HEARTS
from minxin.assessment.models import Appeal, Scheme
from minxin.assessment.views.common import configured_county, form_page
from minxin.core.errors import DomainError
from minxin.core.figures import within
from minxin.core.forms import apply_domain_error
from minxin.core.officialdoc import docx_response
from minxin.core.pages import act, list_page, require, run
from minxin.regions.models import Region
from minxin.regions.selectors import home_county, region_filter, township_list, user_county, user_root_regions

NAV = "assessment"


@login_required
def index(request):
    user = request.user
    periods = list(selectors.period_list(user=user))
    mine = list(selectors.my_results(user=user))
    roots = list(user_root_regions(user=user))
    county = home_county(user)
    return render(request, "assessment/index.html", {
        "periods": periods, "scheme": selectors.scheme_current(county), "nav_active": NAV, "mine": mine,
        "several_counties": county is None,
        "root": roots[0] if len(roots) == 1 else None,
        "can_configure": user.can(roles.CONFIGURE_ASSESSMENT), "year": timezone.localdate().year,
    })


@login_required
def scheme(request):
    require(request.user, roles.CONFIGURE_ASSESSMENT)
    county = configured_county(request.user)
    current = selectors.scheme_current(county)
    values = ({w.indicator: (w.weight, w.target, w.step) for w in current.weights.all()} if current else
              {code: (v["weight"], v["target"], v["step"]) for code, v in services.default_weights().items()})
    data = request.POST if request.method == "POST" else None
    weights = WeightsForm(data, current=values)
    rules = SchemeRulesForm(data, instance=Scheme(**{f: getattr(current, f) for f in Scheme.RULE_FIELDS})
                            if current else Scheme())
    if request.method == "POST" and weights.is_valid() and rules.is_valid():
        rule_values = {f: rules.cleaned_data[f] for f in Scheme.RULE_FIELDS}
        try:
            saved = services.scheme_save(actor=request.user, weights=weights.weights(), rules=rule_values,
                                         note=rules.cleaned_data.get("note", ""), county_code=county)
        except DomainError as exc:
            target = rules if exc.field in rules.fields else weights
            apply_domain_error(target, exc)
            if exc.field not in target.fields:
                target.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存考核方案第 %(v)s 版；已发布的季度不受影响。") % {"v": saved.version})
            return redirect("assessment:scheme")
    hearts = [(code, label, [row for row in weights.rows if row[0].heart == code]) for code, label, _duty in HEARTS]
    return render(request, "assessment/scheme.html", {
        "weights": weights, "rules": rules, "hearts": hearts, "current": current, "nav_active": NAV,
        "history": selectors.scheme_list(county)[:10],
    })


@login_required
def run_quarter(request):
    """Confirm and run `assess` for a quarter (county administrators)."""
    require(request.user, roles.CONFIGURE_ASSESSMENT)
    county = configured_county(request.user)
    today = timezone.localdate()
    last = f"{today.year}Q{(today.month - 1) // 3}" if today.month > 3 else f"{today.year - 1}Q4"
    form = QuarterForm(request.POST or None, initial={"quarter": request.GET.get("quarter", last)})
    if request.method == "POST" and form.is_valid():
        period = run(form, lambda: services.period_assess(actor=request.user, quarter=form.cleaned_data["quarter"],
                                                          county_code=county))
        if period:
            messages.success(request, _("%(period)s考核已完成：%(n)d 名驻村干部。") % {"period": period,
                                                                                "n": period.results.count()})
            return redirect("assessment:period", county=period.county, code=period.code)
    return form_page(request, form, _("运行季度考核"), back="assessment:index", submit=_("运行考核"),
                     intro=_("按当前考核方案，从平台记录计算每名驻村干部每项指标的原始值、得分和总分，并排出全县和乡镇名次。"
                             "已发布的季度不能重新计算。"))


@login_required
def period_detail(request, county, code):
    period = selectors.period_get(user=request.user, county=county, code=code)
    q = request.GET.get("q", "").strip()
    region = region_filter(user=request.user, code=request.GET.get("region"))
    results = selectors.result_list(user=request.user, period=period, prefix=region.prefix if region else None, q=q)
    bulletin_region = _bulletin_region(request.user, period)
    can_configure = request.user.can(roles.CONFIGURE_ASSESSMENT) and user_county(request.user) == period.county_code
    # Before publishing, whoever configures the assessment sees whom the bulletin will name.
    preview = (bulletin.verdicts(bulletin.collect(user=request.user, period=period, region=bulletin_region))
               if can_configure and bulletin_region and period.computed_at else None)
    return list_page(request, results, "assessment/period.html", nav=NAV, per_page=100, period=period, q=q,
                     region=region, bulletin_region=bulletin_region, can_configure=can_configure, preview=preview,
                     townships=township_list(user=request.user).filter(within("code", period.county)), hearts=HEARTS,
                     page_extra=_with_heart_points)


def _bulletin_region(user, period):
    """What the user's bulletin covers: the period's county for a user over it (a prefecture's
    too), else the user's own region (a township), else none (a cadre's several villages)."""
    if user.in_scope(period.county_code):
        return Region.objects.get(code=period.county_code)
    roots = list(user_root_regions(user=user))
    return roots[0] if len(roots) == 1 else None


def _with_heart_points(rows: list) -> dict:
    points = selectors.heart_points(result_ids=[r.pk for r in rows])
    return {"ranked": [(r, [points.get(r.pk, {}).get(code) for code, _l, _d in HEARTS]) for r in rows]}


@login_required
def period_publish(request, county, code):
    period = selectors.period_get(user=request.user, county=county, code=code)
    require(request.user, roles.CONFIGURE_ASSESSMENT)
    if configured_county(request.user) != period.county_code:
        raise PermissionDenied  # the county's own administrator publishes its quarter
    form = QuarterForm(request.POST or None, initial={"quarter": period.code})
    if request.method == "POST":
        act(request, lambda: services.period_publish(actor=request.user, period=period),
            done=_("%(period)s已发布，考核结果已冻结。") % {"period": period})
        return redirect("assessment:period", county=period.county, code=period.code)
    return render(request, "assessment/publish.html", {"period": period, "form": form, "nav_active": NAV,
                                                       "count": period.results.count()})


@login_required
def result_detail(request, pk):
    result = selectors.result_get(user=request.user, pk=pk)
    scores = selectors.result_scores(result=result)
    by_heart = []
    for code, label, duty in HEARTS:
        rows = [(s, registry.get(s.indicator)) for s in scores if s.heart == code]
        if rows:
            by_heart.append((code, label, duty, rows, sum(s.points for s, _i in rows)))
    own = request.user.pk is not None and result.cadre.user_id == request.user.pk
    return render(request, "assessment/result.html", {
        "result": result, "period": result.period, "by_heart": by_heart, "nav_active": NAV,
        "can_appeal": own and result.period.is_published and result.period.appeal_deadline
        and timezone.now() <= result.period.appeal_deadline,
        "radar": _radar(request.user, result),
    })


def _radar(user, result) -> dict:
    """The ten-hearts radar of one result: its rates beside the township's mean (what the user can read)."""
    rates = selectors.heart_rates(user=user, result=result)
    return {
        "hearts": [{"code": code, "label": str(label), "duty": str(duty), "own": rates["own"][code],
                    "peers": rates["peers"][code]} for code, label, duty in HEARTS],
        # The mean is over the results the user may read: the whole township only if it is in scope.
        "names": {"own": result.cadre.name,
                  "peers": (_("本乡镇平均（%(n)s 人）") if user.in_scope(result.township_code)
                            else _("同乡镇您可查看的干部平均（%(n)s 人）")) % {"n": rates["peer_count"]}},
        "words": {"empty": _("暂无数据"), "rate": _("得分率")},
    }


@login_required
def score_detail(request, pk):
    score = selectors.score_get(user=request.user, pk=pk)
    items, count = selectors.score_evidence(user=request.user, score=score)
    return render(request, "assessment/score.html", {
        "score": score, "result": score.result, "indicator": registry.get(score.indicator), "items": items,
        "count": count, "limit": selectors.EVIDENCE_LIMIT, "nav_active": NAV,
        "appeals": score.appeals.select_related("filed_by", "decided_by").order_by("-created_at"),
        "can_appeal": score.result.cadre.user_id == request.user.pk and score.result.period.is_published
        and timezone.now() <= score.result.period.appeal_deadline
        and not any(a.status == Appeal.Status.PENDING for a in score.appeals.all()),
    })


def _bulletin_data(request, county, code, region_code):
    period = selectors.period_get(user=request.user, county=county, code=code)
    region = region_filter(user=request.user, code=region_code)
    if period.computed_at is None:
        raise Http404
    return period, bulletin.collect(user=request.user, period=period, region=region)


@login_required
def bulletin_docx(request, county, code, region):
    period, data = _bulletin_data(request, county, code, region)
    body = bulletin.render_docx(data)
    name = f"{bulletin.title(period)}（{data.region.name}）.docx"
    return docx_response(body, name=name, ascii_name="bulletin.docx")


@login_required
def bulletin_xlsx(request, county, code, region):
    period, data = _bulletin_data(request, county, code, region)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    bulletin.render_xlsx(data, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{period.code}考核排名（{data.region.name}）.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- appeals ---------------------------------------------------------------------------------

@login_required
def appeal_list(request):
    status = request.GET.get("status", "")
    status = status if status in Appeal.Status.values else ""
    appeals = selectors.appeal_list(user=request.user, status=status or None)
    return list_page(request, appeals, "assessment/appeal_list.html", nav=NAV,
                     export=partial(exports.export, "appeals", name=str(_("申诉"))), status=status,
                     statuses=Appeal.Status.choices, can_decide=request.user.can(roles.CONFIGURE_ASSESSMENT))


@login_required
def appeal_new(request, pk):
    score = selectors.score_get(user=request.user, pk=pk)
    require(request.user, roles.FILE_PLEDGE)
    if score.result.cadre.user_id != request.user.pk:
        raise PermissionDenied
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        appeal = run(form, lambda: services.appeal_file(actor=request.user, score=score,
                                                        reason=form.cleaned_data["reason"]))
        if appeal:
            messages.success(request, _("申诉已提交，县委组织部处理后会在此显示结果。"))
            return redirect("assessment:score", pk=score.pk)
    indicator = registry.get(score.indicator)
    return form_page(request, form, _("对“%(label)s”得分提出申诉") % {"label": indicator.label if indicator else score.indicator},
                     back="assessment:appeal-list", submit=_("提交申诉"),
                     intro=_("得分 %(score)s；申诉截止 %(deadline)s。") % {
                         "score": score.score if score.score is not None else "—",
                         "deadline": timezone.localtime(score.result.period.appeal_deadline).strftime("%Y-%m-%d %H:%M")
                         if score.result.period.appeal_deadline else "—"})


@login_required
def appeal_decide(request, pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    require(request.user, roles.CONFIGURE_ASSESSMENT)
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run(form, lambda: services.appeal_decide(actor=request.user, appeal=appeal, upheld=data["upheld"],
                                                        decision=data["decision"],
                                                        corrected_score=data.get("corrected_score")))
        if done:
            messages.success(request, _("申诉已处理。"))
            return redirect("assessment:appeal-list")
    indicator = registry.get(appeal.score.indicator)
    return form_page(request, form, _("处理 %(name)s 的申诉") % {"name": appeal.score.result.cadre.name},
                     back="assessment:appeal-list", appeal=appeal, indicator=indicator)
