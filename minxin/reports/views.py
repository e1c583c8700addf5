from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from minxin.regions import codes
from minxin.regions.selectors import region_get
from minxin.reports import selectors


def parse_year(raw) -> int:
    years = selectors.available_years()
    try:
        year = int(raw) if raw else years[0]
    except (TypeError, ValueError):
        raise Http404 from None
    if not 2000 <= year <= years[0]:
        raise Http404
    return year


@login_required
def dashboard(request, code):
    try:
        region = region_get(user=request.user, code=code)
    except codes.InvalidRegionCode:
        raise Http404 from None
    year = parse_year(request.GET.get("year"))
    summary = selectors.region_summary(user=request.user, region=region, year=year)
    chart = {
        "labels": [child.name for child, _ in summary.rows],
        "series": {f.key: [values[f.key] for _, values in summary.rows] for f in summary.figures},
        "names": {f.key: str(f.label) for f in summary.figures},
        "trends": summary.trends,
    }
    return render(request, "reports/dashboard.html", {
        "summary": summary, "region": region, "year": year, "years": selectors.available_years(),
        "chart": chart, "nav_active": "dashboard",
    })
