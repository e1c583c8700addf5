"""Dashboard and 民情地图 in the browser: charts render, markers show, toggles change them, and no
request leaves the server the page came from."""

from decimal import Decimal
from urllib.parse import urlparse

import pytest

from tests.world import PASSWORD


@pytest.fixture
def mapped_world(transactional_db):
    from minxin.registry.models import Household
    from tests.world import build_world

    world = build_world()
    for index, household in enumerate(Household.objects.filter(village=world.village("tdw")).order_by("pk")):
        Household.objects.filter(pk=household.pk).update(
            lat=Decimal("28.55") + Decimal(index) / 1000, lon=Decimal("108.45") + Decimal(index) / 1000,
            has_dibao=index % 2 == 0, group=f"{index % 2 + 1}组")
    return world


def _record_foreign_requests(page, live_server):
    host = urlparse(live_server.url).netloc
    foreign = []
    page.on("request", lambda request: foreign.append(request.url)
            if urlparse(request.url).netloc not in (host, "") and not request.url.startswith("data:") else None)
    return foreign


def test_dashboard_renders_its_charts(mapped_world, live_server, page, login, shot):
    foreign = _record_foreign_requests(page, live_server)
    login(page, "county_admin", PASSWORD)
    assert "/reports/dashboard/520627000000/" in page.url
    page.locator("#breakdown-chart svg").wait_for()
    page.locator("#trend-chart svg").wait_for()
    tile = page.locator("[data-figure='cadres.resident']").inner_text()
    assert tile.split()[0] == "6"
    shot(page, "reports-dashboard")
    page.get_by_test_id("breakdown-table").get_by_role("link", name="土地坳镇").click()
    page.wait_for_url("**/reports/dashboard/520627106000/**")
    assert "/reports/dashboard/520627106000/" in page.url
    assert page.locator("[data-figure='cadres.resident']").inner_text().split()[0] == "3"
    # A figure that is zero everywhere says so instead of drawing an empty box.
    page.select_option("#breakdown-figure", "cadres.recalled")
    page.locator("#breakdown-chart").get_by_text("暂无数据").wait_for()
    # This year's trend marks the month in progress and draws nothing for the months to come.
    page.locator("#trend-chart").get_by_text("本月进行中").wait_for()
    shot(page, "reports-dashboard-township")
    assert foreign == []


def test_map_shows_markers_and_toggles_change_them(mapped_world, live_server, page, login, shot):
    from minxin.registry.models import Household

    foreign = _record_foreign_requests(page, live_server)
    village = mapped_world.village("tdw")
    placed = Household.objects.filter(village=village).exclude(lat=None)
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/reports/map/{village.code}/")
    page.locator("body[data-map-ready='1']").wait_for(state="attached")
    count = page.get_by_test_id("map-count")
    assert int(count.inner_text()) == placed.count()
    assert page.locator(".leaflet-marker-icon, .leaflet-interactive").count() > 0
    shot(page, "reports-map")
    # Showing only the dibao layer leaves exactly the dibao households.
    for box in page.locator("#map-layers input").all():
        if box.get_attribute("data-layer") != "dibao":
            box.uncheck()
    assert int(count.inner_text()) == placed.filter(has_dibao=True).count()
    page.locator("#map-layers input[data-layer='dibao']").uncheck()
    assert count.inner_text() == "0"
    shot(page, "reports-map-dibao-off")

    # The county: a point per village, its figures in the popup, the map above the lists on a phone.
    page.context.clear_cookies()
    login(page, "county_admin", PASSWORD)
    page.goto(f"{live_server.url}/reports/map/520627000000/")
    page.locator("body[data-map-ready='1']").wait_for(state="attached")
    located = set(Household.objects.exclude(lat=None).values_list("village_id", flat=True))
    assert int(count.inner_text()) == Household.objects.filter(village_id__in=located).count()
    assert page.locator("path.leaflet-interactive").count() == len(located)
    shot(page, "reports-map-county")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.get_by_test_id("map").bounding_box()["y"] < page.get_by_test_id("map-layers").bounding_box()["y"]
    shot(page, "reports-map-county-phone", full_page=False)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.context.clear_cookies()
    login(page, "tdw_admin", PASSWORD)

    page.goto(f"{live_server.url}/reports/map/{village.code}/print/")
    sheet = page.get_by_test_id("print-sheet")
    assert sheet.locator("circle[data-category]").count() == placed.count()
    assert sheet.locator("[data-role='legend']").count() == 1
    shot(page, "reports-map-print")
    assert foreign == []


def test_dashboard_fits_a_phone_screen(browser, mapped_world, live_server, login, shot):
    from tests.browser.conftest import PHONE

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, "county_admin", PASSWORD)
        page.locator("#breakdown-chart svg").wait_for()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px phone"
        # Every township is named beside its bar, and no two names overlap (the county has 22).
        boxes = page.evaluate("""() => {
            const labels = new Set(JSON.parse(document.getElementById("dashboard-data").textContent).labels);
            return [...document.querySelectorAll("#breakdown-chart svg text")]
                .filter((text) => labels.has(text.textContent))
                .map((text) => { const r = text.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; });
        }""")
        labels = page.evaluate("() => JSON.parse(document.getElementById('dashboard-data').textContent).labels")
        assert len(labels) > 8 and len(boxes) == len(labels)
        overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                       if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
        assert overlapping == []
        shot(page, "reports-dashboard-phone")
    finally:
        context.close()


# A 1×1 grey PNG: what the fake tile server answers.
TILE_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763"
                         "b8b8b800000301018096e8a50000000049454e44ae426082")


@pytest.mark.parametrize("crs", ["wgs84", "gcj02"])
def test_map_draws_a_configured_tile_server_with_its_key_and_coordinate_system(
        mapped_world, live_server, page, login, shot, settings, crs):
    """A deployment's tile server (here 天地图-style, with a key and subdomains): tiles are fetched
    with the key, the CSP lets them in, and on GCJ-02 tiles the GPS coordinates are drawn shifted."""
    from minxin.registry.models import Household

    settings.MINXIN_TILE_URL = "https://t{s}.tiles.example/{z}/{x}/{y}.png?tk={key}"
    settings.MINXIN_TILE_ORIGIN = "https://*.tiles.example"
    settings.MINXIN_TILE_KEY = "test-key-42"
    settings.MINXIN_TILE_SUBDOMAINS = "01"
    settings.MINXIN_TILE_CRS = crs
    fetched = []

    def serve(route):
        fetched.append(route.request.url)
        route.fulfill(status=200, body=TILE_PNG, content_type="image/png")

    page.route("https://*.tiles.example/**", serve)
    village = mapped_world.village("tdw")
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/reports/map/{village.code}/")
    page.locator("body[data-map-ready='1']").wait_for(state="attached")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-tile-loaded').length > 0")
    assert fetched and all("tk=test-key-42" in url for url in fetched)
    assert {url.split(".")[0] for url in fetched} <= {"https://t0", "https://t1"}
    first = Household.objects.filter(village=village).exclude(lat=None).order_by("pk").first()
    drawn = page.evaluate("""([lat, lon]) => {
        const near = window.minxinMap.cluster.getLayers().map((m) => m.getLatLng())
          .sort((a, b) => Math.hypot(a.lat - lat, a.lng - lon) - Math.hypot(b.lat - lat, b.lng - lon))[0];
        const shifted = window.gcoord ? gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) : [lon, lat];
        return {lat: near.lat, lng: near.lng, expectLat: shifted[1], expectLng: shifted[0]};
    }""", [float(first.lat), float(first.lon)])
    assert abs(drawn["lat"] - drawn["expectLat"]) < 1e-6 and abs(drawn["lng"] - drawn["expectLng"]) < 1e-6
    moved = abs(drawn["lat"] - float(first.lat)) + abs(drawn["lng"] - float(first.lon))
    # GCJ-02 moves points in Guizhou by a few hundred metres (≈ 0.003°); WGS-84 tiles move nothing.
    assert (moved > 0.001) if crs == "gcj02" else (moved < 1e-9)
    shot(page, f"reports-map-tiles-{crs}")
