"""The dashboard's numbers, kept per group and counted again only where the records changed.

A region's figures are sums of its groups (core.figures): a county's of its townships, a township's
of its villages. The numbers are cached per region, year and level with the audit events they have
counted; the next view reads the events written since. Every service writes an audit event in the
same transaction as its change, under the changed record's region (DESIGN §3), so those events name
the groups to count again:

- an event under a village or township inside the region marks its group;
- an event elsewhere (another county or township) changes nothing here;
- an event without a region, or above the group level (a county's import, a scheme, the demo
  load), or touching more than MAX_GROUPS groups, has everything counted again.

Everything is also counted again on a new day (figures that depend on the date, such as what is due)
and at least every FULL_EVERY, so that no mistake in an event's region can last.

Events are told apart by id. On PostgreSQL ids are handed out before commit, so an event may appear
after one with a higher id: the ids of the newest WINDOW events already counted are kept, and any
event in that window not among them is new.
"""

import datetime
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from minxin.core.figures import Figure, compute_all, compute_trends
from minxin.core.models import AuditEvent
from minxin.regions import codes
from minxin.regions.models import Region

WINDOW = 200
MAX_EVENTS = 2000
MAX_GROUPS = 3
FULL_EVERY = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Counted:
    version: int  # the newest event counted
    seen: frozenset[int]  # the ids counted among the WINDOW ids up to `version`
    counted_at: datetime.datetime  # when a group was last counted (MINXIN_DASHBOARD_STALE_SECONDS)
    full_at: datetime.datetime  # when everything was last counted
    groups: dict[str, dict[str, int]]  # figure → group → number
    trends: dict[str, dict[str, list[int]]]  # figure → group → 12 monthly numbers


def counted(region: Region, year: int, group_len: int, figures: list[Figure], with_trends: bool) -> Counted:
    """The figures' numbers per group for `region` and `year`, up to date with the records (or at most
    MINXIN_DASHBOARD_STALE_SECONDS old, where a busy county chooses so)."""
    key = f"summary:{region.code}:{year}:{group_len}:{int(with_trends)}"
    old: Counted | None = cache.get(key)
    now = timezone.now()
    low = (old.version if old else _newest()) - WINDOW
    events = list(AuditEvent.objects.filter(id__gt=low).order_by("id").values_list("id", "region_code")[:MAX_EVENTS])
    new = [(pk, code) for pk, code in events if old is None or pk not in old.seen]
    if old is not None and (not new or (now - old.counted_at).total_seconds() < settings.MINXIN_DASHBOARD_STALE_SECONDS):
        return old
    full = old is None or len(events) == MAX_EVENTS or _due_in_full(old, now)
    if len(events) == MAX_EVENTS:  # too many to read one by one: everything is counted again
        events = list(AuditEvent.objects.filter(id__gt=_newest() - WINDOW).values_list("id", "region_code"))
    version = max([pk for pk, _code in events] + ([old.version] if old else [0]))
    seen = frozenset(pk for pk, _code in events if pk > version - WINDOW)
    touched = None if full else _touched([code for _pk, code in new], region, group_len)
    if old is not None and touched is not None:
        result = replace(old, version=version, seen=seen, counted_at=now,
                         groups=_recount(old.groups, touched, lambda g: compute_all(figures, g, year, group_len)),
                         trends=_recount(old.trends, touched, lambda g: compute_trends(figures, g, year, group_len))
                         if with_trends else {})
    else:
        result = Counted(version=version, seen=seen, counted_at=now, full_at=now,
                         groups=compute_all(figures, region.prefix, year, group_len),
                         trends=compute_trends(figures, region.prefix, year, group_len) if with_trends else {})
    cache.set(key, result, timeout=int(FULL_EVERY.total_seconds()) * 2)
    return result


def _newest() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _due_in_full(old: Counted, now: datetime.datetime) -> bool:
    return now - old.full_at >= FULL_EVERY or timezone.localdate(now) != timezone.localdate(old.full_at)


def _touched(region_codes: list[str], region: Region, group_len: int) -> set[str] | None:
    """The groups the events' regions fall in, or None when everything must be counted again."""
    groups: set[str] = set()
    for code in region_codes:
        if not code:
            return None
        if not code.startswith(region.prefix) and not region.prefix.startswith(codes.prefix_of(code)):
            continue  # another branch of the tree
        if len(codes.prefix_of(code)) < group_len:
            return None  # the region itself or a region above its groups
        groups.add(code[:group_len])
        if len(groups) > MAX_GROUPS:
            return None
    return groups


def _recount(numbers: dict[str, dict[str, Any]], groups: set[str], count: Any) -> dict[str, dict[str, Any]]:
    """`numbers` with the given groups counted again (a group that has no rows left drops out)."""
    out = {key: {group: value for group, value in per_group.items() if group not in groups}
           for key, per_group in numbers.items()}
    for group in groups:
        for key, per_group in count(group).items():
            out.setdefault(key, {}).update(per_group)
    return out
