from ninja import Router, Schema

from minxin.core.schemas import RegionRef
from minxin.regions.selectors import region_get
from minxin.reports import selectors
from minxin.reports.views import parse_year

router = Router(tags=["reports"])


class FigureOut(Schema):
    key: str
    label: str
    module: str
    unit: str
    value: int


class BreakdownOut(RegionRef):
    figures: dict[str, int]


class SummaryOut(Schema):
    region: RegionRef
    year: int
    figures: list[FigureOut]
    breakdown: list[BreakdownOut]
    trends: dict[str, list[int]]


def _ref(region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level}


@router.get("/{code}/summary", response=SummaryOut, summary="区域年度统计（与首页仪表盘一致）")
def region_summary(request, code: str, year: int | None = None):
    region = region_get(user=request.auth, code=code)
    summary = selectors.region_summary(user=request.auth, region=region, year=parse_year(year))
    return {
        "region": _ref(region),
        "year": summary.year,
        "figures": [
            {"key": f.key, "label": str(f.label), "module": str(f.module), "unit": str(f.unit),
             "value": summary.totals[f.key]}
            for f in summary.figures
        ],
        "breakdown": [{**_ref(child), "figures": values} for child, values in summary.rows],
        "trends": summary.trends,
    }
