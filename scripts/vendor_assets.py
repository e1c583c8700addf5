"""Copy the front-end files Minxin serves from node_modules/ into minxin/static/vendor/.

Run by `make setup` after `npm ci`; the copies are not committed (see .gitignore).
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules"
TARGET = ROOT / "minxin" / "static" / "vendor"

# (file or folder under node_modules, destination under static/vendor)
FILES = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
    ("bootstrap-icons/font/fonts", "bootstrap-icons/fonts"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images", "leaflet/images"),
    ("leaflet.markercluster/dist/leaflet.markercluster.js", "leaflet/leaflet.markercluster.js"),
    ("leaflet.markercluster/dist/MarkerCluster.css", "leaflet/MarkerCluster.css"),
    ("leaflet.markercluster/dist/MarkerCluster.Default.css", "leaflet/MarkerCluster.Default.css"),
    ("gcoord/dist/gcoord.global.prod.js", "gcoord/gcoord.global.prod.js"),
]


def main() -> int:
    missing = [src for src, _ in FILES if not (SOURCE / src).exists()]
    if missing:
        print("Missing in node_modules (run `npm ci` first):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for src, dst in FILES:
        source, target = SOURCE / src, TARGET / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    print(f"Copied {len(FILES)} front-end assets into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
