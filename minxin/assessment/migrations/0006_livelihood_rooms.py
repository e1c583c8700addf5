"""The livelihood heart from the liaison rooms' records (issue 15.3): a new version of the county's
scheme gives the room's evaluation score (livelihood.room) a fifth of the heart's weight, taken from
its other indicators in proportion (rounded to the fen, the remainder to the largest), so the heart
keeps its total. Published periods keep the version they were computed with; a county without a
scheme yet starts from the new defaults."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

from minxin.assessment.migrations._versions import new_version

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
    new_version(apps, note=NOTE, moved=moved, done_when=NEW)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0005_mediate_from_records")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
