"""民情地图 pages: the interactive Leaflet map and the printable SVG wall map."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.regions import codes
from minxin.regions.selectors import region_filter
from minxin.registry import permissions as registry
from minxin.reports import maps
from minxin.reports.mapsvg import PAPER_MM, LegendItem, MapPoint, village_map_svg


def _mappable_region(user, code):
    """The region (404 outside the scope), if the user may see the households the map places (403)."""
    region = region_filter(user=user, code=code)
    if region is None or not maps.is_mappable(region):
        raise Http404
    if not registry.can_view(user):
        raise PermissionDenied
    return region


def quarter_start() -> datetime.datetime:
    today = timezone.localdate()
    first = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))


def _household_url_template() -> str:
    """The household page's URL with {id} in place of the id (for the popups)."""
    return reverse("registry:household-detail", args=[0]).replace("/0/", "/{id}/")


@login_required
def map_page(request, code):
    region = _mappable_region(request.user, code)
    return render(request, "reports/map.html", {
        "region": region, "nav_active": "map",
        "map_config": {"data_url": reverse("reports:map-data", args=[region.code]),
                       "household_url": _household_url_template(),
                       "village_map_url": reverse("reports:map", args=["000000000000"]).replace("000000000000", "{code}"),
                       "dispute_url": reverse("disputes:dispute-detail", args=[0]).replace("/0/", "/{id}/"),
                       "words": {"risk_heading": _("在办矛盾纠纷（风险等级）")},
                       "tile_url": settings.MINXIN_TILE_URL,
                       "tile_attribution": settings.MINXIN_TILE_ATTRIBUTION,
                       "tile_key": settings.MINXIN_TILE_KEY,
                       "tile_subdomains": settings.MINXIN_TILE_SUBDOMAINS,
                       "tile_crs": settings.MINXIN_TILE_CRS},
    })


@login_required
def map_data(request, code):
    region = _mappable_region(request.user, code)
    return JsonResponse(maps.map_data(user=request.user, region=region, quarter_start=quarter_start()),
                        json_dumps_params={"ensure_ascii": False})


@login_required
def map_print(request, code):
    region = _mappable_region(request.user, code)
    if region.level != codes.VILLAGE:
        raise Http404
    paper = request.GET.get("paper", "A4")
    if paper not in PAPER_MM:
        paper = "A4"
    data = maps.map_data(user=request.user, region=region, quarter_start=quarter_start())
    print_layers = [layer for layer in maps.LAYERS if layer.key not in ("visited", "not_visited")]
    points = []
    for _id, lat, lon, group, flags, _number, _head in data["households"]:
        layer = next((layer for layer in print_layers if flags & layer.bit), None)
        points.append(MapPoint(lat=lat, lon=lon, group=group, category=layer.key if layer else "other"))
    legend = [LegendItem(layer.key, str(layer.label), layer.color) for layer in print_layers]
    legend.append(LegendItem("other", _("一般户"), "#95a5a6"))
    svg = village_map_svg(
        title=_("%(village)s民情地图") % {"village": region.name},
        subtitle=f"{region.parent.parent.name} {region.parent.name} · " + _("共 %(n)d 户") % {"n": len(points) + len(data["missing"])},
        points=points, legend=legend, paper=paper, date=timezone.localdate(), missing=len(data["missing"]),
        labels={"legend": _("图例"), "north": _("北"), "outline": _("村界（按农户位置示意）"),
                "group": _("3组 = 村民小组"), "date": _("制图日期"), "missing": _("未标注位置的户"),
                "empty": _("本村农户尚无坐标")},
    )
    return render(request, "reports/map_print.html", {"region": region, "svg": svg, "paper": paper,
                                                      "missing": data["missing"], "papers": list(PAPER_MM)})
