"""The printed people's-situation map (民情地图) of a village, as a self-contained SVG.

No tiles and no internet: the background is the village outline (the convex hull of its
households, widened a little) with its village groups labelled at their centres. The page carries
what a wall map needs: title, legend, north arrow, scale bar and date.
"""

import datetime
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import timezone

PAPER_MM = {"A4": (297, 210), "A3": (420, 297)}  # landscape
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON_EQUATOR = 111_320.0


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    group: str
    category: str


@dataclass(frozen=True)
class LegendItem:
    category: str
    label: str
    color: str


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull (Andrew's monotone chain), counter-clockwise."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _nice_length(max_m: float) -> int:
    """The largest 1-2-5 length (metres) not longer than max_m."""
    best = 10
    for exponent in range(1, 6):
        for step in (1, 2, 5):
            length = step * 10**exponent
            if length <= max_m:
                best = length
    return best


def village_map_svg(*, title: str, subtitle: str, points: list[MapPoint], legend: list[LegendItem],
                    labels: dict[str, str], paper: str = "A4", date: datetime.date | None = None,
                    missing: int = 0) -> str:
    """Render the map. `labels` holds the fixed words (legend title, north, scale, date, …) already
    translated, so this module stays free of request state."""
    width, height = PAPER_MM[paper]
    margin, legend_w, header_h = 10.0, 62.0, 20.0
    frame = (margin, margin + header_h, width - 2 * margin - legend_w - 6, height - 2 * margin - header_h - 8)
    fx, fy, fw, fh = frame
    date = date or timezone.localdate()
    colors = {item.category: item.color for item in legend}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, '
        f'SimHei, sans-serif" data-paper="{paper}">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{width / 2}" y="{margin + 8}" font-size="8" font-weight="bold" text-anchor="middle">'
        f"{escape(title)}</text>",
        f'<text x="{width / 2}" y="{margin + 14}" font-size="4" text-anchor="middle" fill="#444">'
        f"{escape(subtitle)}</text>",
        f'<rect x="{fx}" y="{fy}" width="{fw}" height="{fh}" fill="#f7f9f4" stroke="#333" stroke-width="0.4"/>',
    ]
    if points:
        lat0 = sum(p.lat for p in points) / len(points)
        lon0 = sum(p.lon for p in points) / len(points)
        k_lon = M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
        metres = [((p.lon - lon0) * k_lon, (p.lat - lat0) * M_PER_DEG_LAT) for p in points]
        xs, ys = [m[0] for m in metres], [m[1] for m in metres]
        span_x = max(max(xs) - min(xs), 200.0)
        span_y = max(max(ys) - min(ys), 200.0)
        scale = min((fw * 0.84) / span_x, (fh * 0.84) / span_y)  # mm of paper per metre
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

        def to_paper(mx, my):
            return fx + fw / 2 + (mx - cx) * scale, fy + fh / 2 - (my - cy) * scale

        paper_pts = [to_paper(mx, my) for mx, my in metres]
        hull = convex_hull(paper_pts)
        if len(hull) >= 3:
            hx = sum(x for x, _ in hull) / len(hull)
            hy = sum(y for _, y in hull) / len(hull)
            grown = [(hx + (x - hx) * 1.08 + math.copysign(3, x - hx), hy + (y - hy) * 1.08 + math.copysign(3, y - hy))
                     for x, y in hull]
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in grown)
            out.append(f'<polygon points="{path}" fill="#e8f0dc" stroke="#6b8e23" stroke-width="0.6" '
                       f'stroke-dasharray="2 1" data-role="outline"/>')
        groups: dict[str, list[tuple[float, float]]] = {}
        for point, (x, y) in zip(points, paper_pts, strict=True):
            groups.setdefault(point.group, []).append((x, y))
        for point, (x, y) in zip(points, paper_pts, strict=True):
            out.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="1.1" fill="{colors.get(point.category, "#888")}" '
                       f'stroke="#fff" stroke-width="0.25" data-category="{escape(point.category)}"/>')
        for name, pts in sorted(groups.items()):
            if not name:
                continue
            gx = sum(x for x, _ in pts) / len(pts)
            gy = sum(y for _, y in pts) / len(pts)
            out.append(f'<text x="{gx:.1f}" y="{gy:.1f}" font-size="4.2" font-weight="bold" text-anchor="middle" '
                       f'fill="#1f3b73" stroke="#fff" stroke-width="0.9" paint-order="stroke" '
                       f'data-role="group">{escape(name)}</text>')
        # Scale bar: a 1-2-5 length that fits in a quarter of the frame.
        length_m = _nice_length(fw / 4 / scale)
        bar = length_m * scale
        sx, sy = fx + 6, fy + fh - 7
        label = f"{length_m // 1000} km" if length_m >= 1000 else f"{length_m} m"
        out.append(f'<g data-role="scale-bar"><rect x="{sx}" y="{sy}" width="{bar / 2:.2f}" height="1.6" fill="#000"/>'
                   f'<rect x="{sx + bar / 2:.2f}" y="{sy}" width="{bar / 2:.2f}" height="1.6" fill="#fff" '
                   f'stroke="#000" stroke-width="0.3"/><text x="{sx}" y="{sy - 1.5}" font-size="3">0</text>'
                   f'<text x="{sx + bar:.2f}" y="{sy - 1.5}" font-size="3" text-anchor="middle">{label}</text></g>')
    else:
        out.append(f'<text x="{fx + fw / 2}" y="{fy + fh / 2}" font-size="6" text-anchor="middle" fill="#888">'
                   f'{escape(labels["empty"])}</text>')
    # North arrow, top right of the frame.
    nx, ny = fx + fw - 10, fy + 6
    out.append(f'<g data-role="north-arrow"><polygon points="{nx},{ny} {nx - 3},{ny + 9} {nx},{ny + 7} '
               f'{nx + 3},{ny + 9}" fill="#000"/><text x="{nx}" y="{ny + 14}" font-size="4" '
               f'text-anchor="middle">{escape(labels["north"])}</text></g>')
    # Legend.
    lx, ly = width - margin - legend_w, fy
    out.append(f'<g data-role="legend"><rect x="{lx}" y="{ly}" width="{legend_w}" '
               f'height="{14 + 7 * len(legend) + 16}" fill="#fff" stroke="#333" stroke-width="0.3"/>'
               f'<text x="{lx + 4}" y="{ly + 8}" font-size="4.5" font-weight="bold">{escape(labels["legend"])}</text>')
    for index, item in enumerate(legend):
        y = ly + 16 + index * 7
        out.append(f'<circle cx="{lx + 6}" cy="{y - 1.2}" r="1.6" fill="{item.color}"/>'
                   f'<text x="{lx + 10}" y="{y}" font-size="3.6">{escape(item.label)}</text>')
    y = ly + 16 + len(legend) * 7
    out.append(f'<polygon points="{lx + 4},{y - 3} {lx + 8.5},{y - 3} {lx + 8.5},{y + 0.5} {lx + 4},{y + 0.5}" '
               f'fill="#e8f0dc" stroke="#6b8e23" stroke-width="0.4" stroke-dasharray="1 0.5"/>'
               f'<text x="{lx + 10}" y="{y}" font-size="3.6">{escape(labels["outline"])}</text>'
               f'<text x="{lx + 4}" y="{y + 7}" font-size="3.6" fill="#1f3b73" font-weight="bold">'
               f'{escape(labels["group"])}</text></g>')
    footer = f'{labels["date"]}: {date:%Y-%m-%d}'
    if missing:
        footer += f'　{labels["missing"]}: {missing}'
    out.append(f'<text x="{margin}" y="{height - margin + 2}" font-size="3.5" fill="#444">{escape(footer)}</text>')
    out.append("</svg>")
    return "\n".join(out)
