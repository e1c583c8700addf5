"""Map data for the people's-situation map (民情地图): households of a village or township with
their layer flags, village outlines and group labels — all from the registry, scoped by region.

The answer is compact (one short array per household) because a township holds ~8,000 households.
Households without coordinates are listed beside the map, never plotted at 0,0.
"""

from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from minxin.disputes import selectors as dispute_selectors
from minxin.disputes.models import Dispute, DisputeParty
from minxin.fieldwork.models import Visit
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry.choices import REGISTERED, Status
from minxin.registry.models import Household
from minxin.reports.mapsvg import convex_hull


@dataclass(frozen=True)
class Layer:
    key: str
    label: str
    color: str
    bit: int


# Order matters: a household is drawn in the colour of its first matching layer.
LAYERS = [
    Layer("not_exited", _("未脱贫户"), "#c0392b", 1 << 0),
    Layer("returned", _("返贫户"), "#8e44ad", 1 << 1),
    Layer("monitored", _("监测户"), "#e67e22", 1 << 2),
    Layer("exited", _("已脱贫户"), "#27ae60", 1 << 3),
    Layer("dibao", _("低保户"), "#d4ac0d", 1 << 4),
    Layer("family_planning", _("计生重点帮扶户"), "#16a085", 1 << 5),
    Layer("care_elderly", _("留守老人/空巢老人"), "#2e86c1", 1 << 6),
    Layer("care_child", _("留守儿童"), "#e84393", 1 << 7),
    Layer("visited", _("本季度已走访"), "#1e8449", 1 << 8),
    Layer("not_visited", _("本季度未走访"), "#7f8c8d", 1 << 9),
]
# The risk layer (风险地图): open dispute cases, in their risk colour.
RISKS = [("red", "#c0392b"), ("orange", "#e67e22"), ("yellow", "#f1c40f"), ("blue", "#2e86c1")]
_STATUS_LAYER = {"not_exited": "not_exited", "returned": "returned", "monitored": "monitored", "exited": "exited"}
_BY_KEY = {layer.key: layer for layer in LAYERS}


def _visited_subquery(quarter_start):
    """EXISTS(a visit to this household since the quarter began)."""
    return Exists(Visit.objects.filter(household_id=OuterRef("pk"), occurred_at__gte=quarter_start))


def household_flags(row: dict, visited: bool | None) -> int:
    flags = 0
    layer = _STATUS_LAYER.get(row["registration__status"] or "")
    if layer:
        flags |= _BY_KEY[layer].bit
    for key, field in (("dibao", "has_dibao"), ("family_planning", "has_family_planning"),
                       ("care_elderly", "care_elderly"), ("care_child", "care_child")):
        if row[field]:
            flags |= _BY_KEY[key].bit
    if visited is not None:
        flags |= _BY_KEY["visited" if visited else "not_visited"].bit
    return flags


def county_data(*, user, region: Region) -> dict:
    """The county's map: one point per village (the centre of its located households) with its
    figures — 170,000 households are a census, not a map."""
    rows = (Household.objects.visible_to(user).filter(village__code__startswith=region.prefix)
            .values("village_id").order_by("village_id")
            .annotate(households=Count("id"), registered=Count("id", filter=REGISTERED),
                      not_exited=Count("id", filter=Q(registration__status__in=[Status.NOT_EXITED, Status.RETURNED])),
                      dibao=Count("id", filter=Q(has_dibao=True)), lat=Avg("lat"), lon=Avg("lon")))
    rows = [r for r in rows if r["lat"] is not None and r["lon"] is not None]
    names = {r.code: r for r in Region.objects.filter(code__in=[r["village_id"] for r in rows]).select_related("parent")}
    cases = dict(_open_cases(user, region).values("village_id").annotate(n=Count("id")).values_list("village_id", "n")
                 .order_by()) if dispute_selectors.can_view(user) else {}
    villages = []
    for r in rows:
        village = names.get(r["village_id"])
        villages.append({"code": r["village_id"], "name": village.name if village else r["village_id"],
                         "township": village.parent.name if village and village.parent else "",
                         "lat": round(float(r["lat"]), 6), "lon": round(float(r["lon"]), 6),
                         "households": r["households"], "registered": r["registered"],
                         "not_exited": r["not_exited"], "dibao": r["dibao"], "cases": cases.get(r["village_id"], 0)})
    return {"level": region.level, "villages": villages, "layers": [], "households": [], "missing": [], "areas": [],
            "words": {"households": str(_("农户")), "registered": str(_("建档立卡户")),
                      "not_exited": str(_("未脱贫户")), "dibao": str(_("低保户")), "cases": str(_("在办矛盾纠纷")),
                      "open": str(_("打开本村地图")),
                      "note": str(_("每个点是一个村：大小按户数，红色表示有未脱贫户。点击查看该村的数字，再进入本村地图。"))}}


def map_data(*, user, region: Region, quarter_start) -> dict:
    """Households of `region` (a village or township already resolved in the user's scope)."""
    if region.level == codes.COUNTY:
        return county_data(user=user, region=region)
    qs = Household.objects.visible_to(user).filter(village__code__startswith=region.prefix)
    qs = qs.annotate(visited=_visited_subquery(quarter_start))
    fields = ["id", "number", "head_name", "group", "lat", "lon", "village_id", "registration__status",
              "has_dibao", "has_family_planning", "care_elderly", "care_child", "visited"]
    households, missing, by_village = [], [], {}
    for row in qs.values(*fields).order_by("village_id", "group", "number").iterator(chunk_size=4000):
        flags = household_flags(row, row.get("visited"))
        if row["lat"] is None or row["lon"] is None:
            missing.append({"id": row["id"], "number": row["number"], "head": row["head_name"],
                            "group": row["group"]})
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        households.append([row["id"], round(lat, 6), round(lon, 6), row["group"], flags, row["number"],
                           row["head_name"]])
        by_village.setdefault(row["village_id"], []).append((lon, lat, row["group"]))
    names = dict(Region.objects.filter(code__in=list(by_village)).values_list("code", "name"))
    areas = []
    for code, points in by_village.items():
        groups: dict[str, list[tuple[float, float]]] = {}
        for lon, lat, group in points:
            groups.setdefault(group, []).append((lon, lat))
        areas.append({
            "code": code, "name": names.get(code, code),
            "outline": [[lat, lon] for lon, lat in convex_hull([(lon, lat) for lon, lat, _ in points])],
            "groups": [{"name": name, "lat": sum(p[1] for p in pts) / len(pts), "lon": sum(p[0] for p in pts) / len(pts)}
                       for name, pts in sorted(groups.items()) if name],
        })
    centres = {code: (sum(p[1] for p in points) / len(points), sum(p[0] for p in points) / len(points))
               for code, points in by_village.items()}
    return {
        "level": region.level,
        "layers": [{"key": x.key, "label": str(x.label), "color": x.color, "bit": x.bit} for x in LAYERS],
        "households": households,
        "missing": missing,
        "areas": areas,
        **risk_layer(user=user, region=region, centres=centres),
    }


def _open_cases(user, region: Region):
    return (Dispute.objects.visible_to(user).filter(village__code__startswith=region.prefix)
            .exclude(state=Dispute.State.RESOLVED))


def risk_layer(*, user, region: Region, centres: dict[str, tuple[float, float]]) -> dict:
    """Open dispute cases as [id, lat, lon, risk, title]: at the home of the first party who is a
    villager of the registry, else at the centre of the village's households (none without either).
    Only for those who read disputes."""
    if not dispute_selectors.can_view(user):
        return {"cases": [], "risks": []}
    first = DisputeParty.objects.filter(dispute=OuterRef("pk"), member__isnull=False).order_by("id")
    rows = _open_cases(user, region).annotate(
        lat=Subquery(first.values("member__household__lat")[:1]),
        lon=Subquery(first.values("member__household__lon")[:1])).values_list(
        "id", "lat", "lon", "risk", "title", "village_id")
    cases = []
    for pk, lat, lon, risk, title, village in rows.order_by("id"):
        where = (float(lat), float(lon)) if lat is not None and lon is not None else centres.get(village)
        if where is not None:
            cases.append([pk, round(where[0], 6), round(where[1], 6), risk, title])
    labels = dict(Dispute.Risk.choices)
    return {"cases": cases, "risks": [{"key": key, "label": str(labels[key]), "color": color} for key, color in RISKS]}


def is_mappable(region: Region) -> bool:
    return region.level in (codes.VILLAGE, codes.TOWNSHIP, codes.COUNTY)
