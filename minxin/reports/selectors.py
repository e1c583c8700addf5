"""The dashboard's numbers: every registered figure for one region and year, computed from records."""

import datetime
from dataclasses import dataclass

from minxin.accounts.models import User
from minxin.core.figures import Figure, registered, total_trend
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.regions.selectors import region_children
from minxin.reports.counting import counted

# The level each region's figures are broken down by.
_GROUP_LEN = {codes.PROVINCE: 4, codes.PREFECTURE: 6, codes.COUNTY: 9, codes.TOWNSHIP: 12, codes.VILLAGE: 12}


@dataclass
class Summary:
    region: Region
    year: int
    figures: list[Figure]
    totals: dict[str, int]
    rows: list[tuple[Region, dict[str, int]]]  # one per child region (or the village itself)
    trends: dict[str, list[int]]
    counted_at: datetime.datetime  # when the numbers were counted (MINXIN_DASHBOARD_STALE_SECONDS)


def region_summary(*, user: User, region: Region, year: int, with_trends: bool = True) -> Summary:
    """All figures for `region` (already resolved in the user's scope) and `year`."""
    group_len = _GROUP_LEN.get(region.level, 12)
    figures = registered()
    children = [region] if region.level == codes.VILLAGE else list(region_children(user=user, region=region))
    numbers = counted(region, year, group_len, with_trends)
    per_figure = numbers.groups
    rows = []
    for child in children:
        key = child.code[:group_len]
        rows.append((child, {f.key: per_figure.get(f.key, {}).get(key, 0) for f in figures}))
    totals = {f.key: sum(per_figure.get(f.key, {}).values()) for f in figures}
    trends = {key: total_trend(per_group) for key, per_group in numbers.trends.items()}
    return Summary(region=region, year=year, figures=figures, totals=totals, rows=rows, trends=trends,
                   counted_at=numbers.counted_at)
