import datetime
import xml.etree.ElementTree as ET

from minxin.reports.mapsvg import LegendItem, MapPoint, _nice_length, convex_hull, village_map_svg

LABELS = {"legend": "图例", "north": "北", "outline": "村界（示意）", "group": "3组 村民小组", "date": "制图日期",
          "missing": "未标注位置", "empty": "暂无坐标"}
LEGEND = [LegendItem("poor", "未脱贫户", "#c00"), LegendItem("other", "一般户", "#888")]
NS = {"s": "http://www.w3.org/2000/svg"}


def _points():
    return [MapPoint(28.55 + i * 0.001, 108.45 + (i % 5) * 0.001, f"{i % 3 + 1}组", "poor" if i % 4 == 0 else "other")
            for i in range(40)]


def test_map_has_every_household_and_the_wall_map_furniture():
    svg = village_map_svg(title="五七村民情地图", subtitle="土地坳镇", points=_points(), legend=LEGEND, labels=LABELS,
                          date=datetime.date(2026, 11, 26), missing=2)
    root = ET.fromstring(svg)
    circles = [c for c in root.iter("{http://www.w3.org/2000/svg}circle") if c.get("data-category")]
    assert len(circles) == 40
    assert sum(1 for c in circles if c.get("data-category") == "poor") == 10
    roles = {el.get("data-role") for el in root.iter() if el.get("data-role")}
    assert {"outline", "group", "scale-bar", "north-arrow", "legend"} <= roles
    groups = sorted(el.text for el in root.iter() if el.get("data-role") == "group")
    assert groups == ["1组", "2组", "3组"]
    assert "2026-11-26" in svg and "未标注位置: 2" in svg
    assert root.get("data-paper") == "A4"


def test_points_stay_inside_the_frame_on_a3():
    svg = village_map_svg(title="t", subtitle="s", points=_points(), legend=LEGEND, labels=LABELS, paper="A3")
    root = ET.fromstring(svg)
    frame = next(r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("stroke") == "#333")
    x0, y0 = float(frame.get("x")), float(frame.get("y"))
    x1, y1 = x0 + float(frame.get("width")), y0 + float(frame.get("height"))
    for c in root.iter("{http://www.w3.org/2000/svg}circle"):
        if c.get("data-category"):
            assert x0 < float(c.get("cx")) < x1 and y0 < float(c.get("cy")) < y1


def test_text_is_escaped_and_empty_village_renders():
    svg = village_map_svg(title="<script>x</script>", subtitle="&", points=[], legend=LEGEND, labels=LABELS)
    ET.fromstring(svg)  # still well-formed
    assert "<script>" not in svg and "暂无坐标" in svg


def test_hull_and_scale_helpers():
    square = [(0, 0), (1, 0), (1, 1), (0, 1), (0.5, 0.5)]
    assert sorted(convex_hull(square)) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert _nice_length(730) == 500 and _nice_length(2100) == 2000 and _nice_length(99) == 50
