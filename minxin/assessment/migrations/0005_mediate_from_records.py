"""The mediate heart from the disputes module's records (issue 16.5): a new version of the county's
scheme moves the weight of the hand-scored 矛盾纠纷排查化解 to five automatic indicators — screenings on
time (25 %), reported early (1/6), resolved in time (25 %), resolved in the village (1/6), petitions
in time (1/6) — the heart's total kept to the fen. Published periods keep the version they were
computed with; a county without a scheme yet starts from the new defaults."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

from minxin.assessment.migrations._versions import new_version

CENT = Decimal("0.01")
OLD = "mediate.disputes"
NOTE = ("新增矛盾纠纷模块的自动指标：按期排查率、早报告率、按期化解率、村级化解率、信访事项按期受理办结率"
        "（取代手工评分的“矛盾纠纷排查化解”）；公心的总权重不变。")
# the new indicator → (its part of the old weight, its target)
PARTS = {
    "mediate.screened": (Decimal(1) / 4, Decimal(100)),
    "mediate.early": (Decimal(1) / 6, Decimal(90)),
    "mediate.in_time": (Decimal(1) / 4, Decimal(90)),
    "mediate.in_village": (Decimal(1) / 6, Decimal(90)),
    "mediate.petitions": (Decimal(1) / 6, Decimal(100)),
}


def moved(weights: dict) -> dict:
    """The weights with OLD's split over the new indicators, rounded to the fen; what rounding leaves
    over goes to the first (screenings), so the sum is exactly OLD's."""
    weights = {code: dict(row) for code, row in weights.items()}
    old = weights.pop(OLD, None)
    if old is None:
        return weights
    whole = old["weight"]
    for code, (part, target) in PARTS.items():
        weights[code] = {"weight": (whole * part).quantize(CENT, rounding=ROUND_HALF_UP), "target": target,
                         "step": Decimal(0)}
    weights["mediate.screened"]["weight"] += whole - sum(weights[code]["weight"] for code in PARTS)
    return weights


def forward(apps, schema_editor):
    new_version(apps, note=NOTE, moved=moved, done_when="mediate.screened", needs=OLD)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0004_hearts_from_records")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
