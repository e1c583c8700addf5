"""Run the benchmark modules of bench/ in name order: `python -m bench [name …]`.

Each module (dashboard, fieldwork, assessment …) has a `run()` (or `main()`) that works on the
database named by DATABASE_URL (loading `minxin demo --scale county` into an empty one), prints
its figures and their ratio to a floor measured in the same run (DESIGN §6).
"""

import importlib
import os
import pkgutil
import sys
from pathlib import Path

NOT_BENCHMARKS = {"common"}
ON_REQUEST = {"prefecture"}  # run only when named: it needs the prefecture demo (half an hour to load)


def modules() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)])
                  if not m.name.startswith("_") and m.name not in NOT_BENCHMARKS | ON_REQUEST)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    import django

    django.setup()
    for name in argv or modules():
        module = importlib.import_module(f"bench.{name}")
        print(f"\n=== {name} ===", flush=True)
        (getattr(module, "run", None) or module.main)()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
