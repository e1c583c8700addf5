"""The registry of assessment indicators (指标库).

An indicator belongs to one of the ten hearts. It is *automatic* when the module that owns the
records registers a function computing it, or *manual* when supervisors score it. Automatic
indicators are declared by their owning module in `<app>/indicators.py` (discovered with
`autodiscover_modules("indicators")`, like dashboard figures) or, for modules that do not carry
the file themselves, in `minxin/assessment/indicators/<module>.py`. The engine computes whatever
is registered; a fund, dispute or party module adds its indicators without touching the engine.

An automatic indicator provides two functions:

- `compute(window, cohort, scheme) -> {cadre_id: Decimal | None}` — the raw value for ALL cadres of the
  period, with one grouped query (never one per cadre). A cadre missing from the answer gets the
  indicator's `missing` value (0 for counts); `None` means "not applicable" (e.g. no requests
  were made in the village), and the indicator's weight is then shared out over the others.
- `evidence(cadre_id, village_code, window) -> QuerySet | list` — the records behind one cadre's
  value, each shown with its date (`evidence_date` attribute) and a link (`evidence_url`).

The evidence is shown only inside the reader's scope (assessment.selectors.score_evidence): by the
model's own `visible_to` or its `scope_field`; a model naming neither cannot be evidence.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from minxin.assessment.hearts import HEART_CODES

AUTO, MANUAL = "auto", "manual"
HUNDRED = Decimal(100)
HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Indicator:
    code: str
    heart: str
    label: str
    unit: str
    kind: str  # AUTO or MANUAL
    module: str  # who owns the records (shown on the settings page)
    description: str = ""
    direction: str = HIGHER  # LOWER: fewer is better (hours to answer, absences)
    default_weight: Decimal = Decimal("0")
    default_target: Decimal = Decimal("100")
    default_step: Decimal = Decimal("0")  # LOWER only: points lost per unit above the target
    size_sensitive: bool = False  # harder in bigger villages: the fairness size factor applies
    missing: Decimal | None = Decimal("0")
    compute: Callable | None = None
    evidence: Callable | None = None
    evidence_date: str = "occurred_at"
    evidence_url: Callable | None = None  # (obj) -> url or ""
    order: int = 100
    extra: dict = field(default_factory=dict)

    @property
    def is_auto(self) -> bool:
        return self.kind == AUTO


INDICATORS: dict[str, Indicator] = {}


def _register(ind: Indicator) -> Indicator:
    if ind.heart not in HEART_CODES:
        raise ValueError(f"unknown heart {ind.heart!r} for indicator {ind.code}")
    INDICATORS[ind.code] = ind
    return ind


def automatic(code: str, *, heart: str, label, unit, module, evidence: Callable, weight="0", target="100",
              step="0", direction: str = HIGHER, size_sensitive: bool = False, missing: Decimal | None = Decimal(0),
              evidence_date: str = "occurred_at", evidence_url: Callable | None = None, description="",
              order: int = 100):
    """Decorator: register `fn(window, cohort, scheme=None)` as the automatic indicator `code`."""

    def register(fn: Callable) -> Callable:
        _register(Indicator(
            code=code, heart=heart, label=label, unit=unit, kind=AUTO, module=module, description=description,
            direction=direction, default_weight=Decimal(weight), default_target=Decimal(target),
            default_step=Decimal(step), size_sensitive=size_sensitive, missing=missing, compute=fn,
            evidence=evidence, evidence_date=evidence_date, evidence_url=evidence_url, order=order,
        ))
        return fn

    return register


def manual(code: str, *, heart: str, label, module, weight="0", description="", order: int = 100) -> Indicator:
    """Register a manual indicator: scored 0–100 by supervisors (the average of the quarter's scores)."""
    return _register(Indicator(code=code, heart=heart, label=label, unit=_("分"), kind=MANUAL, module=module,
                               description=description, default_weight=Decimal(weight), missing=None,
                               order=order))


def registered() -> list[Indicator]:
    """All indicators, in heart order then by their own order."""
    return sorted(INDICATORS.values(), key=lambda i: (HEART_CODES.index(i.heart), i.order, i.code))


def get(code: str) -> Indicator | None:
    return INDICATORS.get(code)


def share(part: int, whole: int) -> Decimal | None:
    """part of whole in per cent (two decimals); None when there is no whole (not applicable)."""
    return None if not whole else (HUNDRED * part / whole).quantize(Decimal("0.01"))


def link(name: str, *args) -> str:
    """An evidence link, or "" where the page's module is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
