"""The livelihood heart from the liaison rooms' records (issue 15.3): a new version of the county's
scheme gives the room's evaluation score (livelihood.room) a fifth of the heart's weight, taken from
its other indicators in proportion (rounded to the fen, the remainder to the largest), so the heart
keeps its total. Published periods keep the version they were computed with; a county without a
scheme yet starts from the new defaults."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

CENT = Decimal("0.01")
NEW, PART, TARGET = "livelihood.room", Decimal("0.2"), Decimal(90)
HEART = ("livelihood.answered", "livelihood.response", "livelihood.needs", "livelihood.gaps")
NOTE = "新增干群连心室模块的自动指标：干群连心室评估得分（占尽心权重的五分之一，由尽心其他指标按比例让出）；尽心的总权重不变。"


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def moved(weights: dict) -> dict:
    weights = {code: dict(row) for code, row in weights.items()}
    present = [code for code in HEART if code in weights]
    total = sum((weights[code]["weight"] for code in present), Decimal(0))
    if not present or not total:
        return weights
    weights[NEW] = {"weight": _round(total * PART), "target": TARGET, "step": Decimal(0)}
    kept = total - weights[NEW]["weight"]
    for code in present:
        weights[code]["weight"] = _round(weights[code]["weight"] * kept / total)
    largest = max(present, key=lambda code: weights[code]["weight"])
    weights[largest]["weight"] += kept - sum(weights[code]["weight"] for code in present)
    return weights


def forward(apps, schema_editor):
    Scheme = apps.get_model("assessment", "Scheme")
    SchemeWeight = apps.get_model("assessment", "SchemeWeight")
    latest = Scheme.objects.order_by("-version").first()
    if latest is None:
        return
    weights = {row.indicator: {"weight": row.weight, "target": row.target, "step": row.step}
               for row in SchemeWeight.objects.filter(scheme=latest)}
    if NEW in weights:
        return
    rules = {field.name: getattr(latest, field.name) for field in Scheme._meta.concrete_fields
             if field.name not in ("id", "version", "note", "created_at", "created_by")}
    scheme = Scheme.objects.create(version=latest.version + 1, note=NOTE, created_by=None, **rules)
    SchemeWeight.objects.bulk_create([SchemeWeight(scheme=scheme, indicator=code, **row)
                                      for code, row in sorted(moved(weights).items())])


class Migration(migrations.Migration):
    dependencies = [("assessment", "0005_mediate_from_records")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
