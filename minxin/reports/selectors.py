"""The dashboard's numbers: every registered figure for one region and year, computed from records."""

from dataclasses import dataclass

from django.utils import timezone

from minxin.regions import codes
from minxin.regions.models import Region
from minxin.regions.selectors import region_children
from minxin.reports.figures import Figure, registered

# The level each region's figures are broken down by.
_GROUP_LEN = {codes.COUNTY: 9, codes.TOWNSHIP: 12, codes.VILLAGE: 12}


@dataclass
class Summary:
    region: Region
    year: int
    figures: list[Figure]
    totals: dict[str, int]
    rows: list[tuple[Region, dict[str, int]]]  # one per child region (or the village itself)
    trends: dict[str, list[int]]


def available_years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


def region_summary(*, user, region: Region, year: int, with_trends: bool = True) -> Summary:
    """All figures for `region` (already resolved in the user's scope) and `year`."""
    group_len = _GROUP_LEN.get(region.level, 12)
    figures = registered()
    children = [region] if region.level == codes.VILLAGE else list(region_children(user=user, region=region))
    per_figure = {f.key: f.compute(region.prefix, year, group_len) for f in figures}
    rows = []
    for child in children:
        key = child.code[:group_len]
        rows.append((child, {f.key: per_figure[f.key].get(key, 0) for f in figures}))
    totals = {f.key: sum(per_figure[f.key].values()) for f in figures}
    trends = {f.key: f.trend(region.prefix, year) for f in figures if with_trends and f.trend is not None}
    return Summary(region=region, year=year, figures=figures, totals=totals, rows=rows, trends=trends)
