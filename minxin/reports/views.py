from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.core.params import recent_years
from minxin.core.xlsx import xlsx_response
from minxin.regions.selectors import region_filter
from minxin.reports import selectors


def parse_year(raw) -> int:
    years = recent_years()
    try:
        year = int(raw) if raw else years[0]
    except (TypeError, ValueError):
        raise Http404 from None
    if not 2000 <= year <= years[0]:
        raise Http404
    return year


@login_required
def dashboard(request, code):
    region = region_filter(user=request.user, code=code)
    year = parse_year(request.GET.get("year"))
    summary = selectors.region_summary(user=request.user, region=region, year=year,
                                       with_trends=request.GET.get("format") != "xlsx")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"{region.name}-{year}.xlsx", sheet=f"{region.name}{year}",
            headers=[_("区划代码"), _("名称"), *[f.label for f in summary.figures]],
            rows=[*([child.code, child.name, *[values[f.key] for f in summary.figures]] for child, values in summary.rows),
                  [region.code, _("合计"), *[summary.totals[f.key] for f in summary.figures]]])
    # In the current year the month in progress is marked (its count is partial) and the months to
    # come have no point at all, so the line does not seem to collapse to zero.
    today = timezone.localdate()
    current = today.month if year == today.year else None
    chart = {
        "labels": [child.name for child, _ in summary.rows],
        "series": {f.key: [values[f.key] for _, values in summary.rows] for f in summary.figures},
        "names": {f.key: str(f.label) for f in summary.figures},
        "trends": {key: [v if current is None or month <= current else None for month, v in enumerate(values, 1)]
                   for key, values in summary.trends.items()},
        "month_in_progress": current,
        "words": {"empty": str(_("暂无数据")), "in_progress": str(_("本月进行中"))},
    }
    keys = [f.key for f in summary.figures]
    return render(request, "reports/dashboard.html", {
        "summary": summary, "region": region, "year": year, "years": recent_years(),
        "chart": chart, "nav_active": "dashboard",
        "parent_visible": region.parent_id is not None and request.user.in_scope(region.parent_id),
        # Values in the figures' order, so the template does no lookups.
        "tiles": [(f, summary.totals[f.key], f.url(request.user, region.code, year)) for f in summary.figures],
        "table": [(child, [values[key] for key in keys]) for child, values in summary.rows],
        "totals": [summary.totals[key] for key in keys],
        "stale_seconds": settings.MINXIN_DASHBOARD_STALE_SECONDS,
    })
