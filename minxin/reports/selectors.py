"""The dashboard's numbers: every registered figure for one region and year, computed from records."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from minxin.accounts.models import User
from minxin.core.figures import Figure, compute_all, registered
from minxin.core.models import AuditEvent
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.regions.selectors import region_children

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
    counted_at: datetime.datetime  # when the numbers were counted (MINXIN_DASHBOARD_STALE_SECONDS)


def data_version() -> int:
    """The newest audit event's id. Every service that changes records writes an audit event in
    the same transaction, so this number changes with every change to the data."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _numbers(region: Any, year: Any, group_len: int, figures: Any, with_trends: bool) -> Any:
    """(when counted, the figures' numbers, their trends), cached and counted again once the data has
    changed (its version moved on), so the dashboard is fast and shows no figure older than the
    records — unless MINXIN_DASHBOARD_STALE_SECONDS lets a busy county's dashboard count at most that
    often (the page then says when it counted)."""
    version = data_version()
    key = f"summary:{region.code}:{year}:{group_len}:{int(with_trends)}"
    cached = cache.get(key)
    now = timezone.now()
    if cached is None or (cached[0] != version and (now - cached[1]).total_seconds()
                          >= settings.MINXIN_DASHBOARD_STALE_SECONDS):
        per_figure = compute_all(figures, region.prefix, year, group_len)
        trends = {f.key: f.trend(region.prefix, year) for f in figures if with_trends and f.trend is not None}
        cached = (version, now, per_figure, trends)
        cache.set(key, cached, timeout=3600)
    return cached[1:]


def region_summary(*, user: User, region: Region, year: int, with_trends: bool = True) -> Summary:
    """All figures for `region` (already resolved in the user's scope) and `year`."""
    group_len = _GROUP_LEN.get(region.level, 12)
    figures = registered()
    children = [region] if region.level == codes.VILLAGE else list(region_children(user=user, region=region))
    counted_at, per_figure, trends = _numbers(region, year, group_len, figures, with_trends)
    rows = []
    for child in children:
        key = child.code[:group_len]
        rows.append((child, {f.key: per_figure[f.key].get(key, 0) for f in figures}))
    totals = {f.key: sum(per_figure[f.key].values()) for f in figures}
    return Summary(region=region, year=year, figures=figures, totals=totals, rows=rows, trends=trends,
                   counted_at=counted_at)
