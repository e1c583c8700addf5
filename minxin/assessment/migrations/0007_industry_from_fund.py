"""The industry heart from the fund's records (issue 15.2): a new version of the county's scheme
moves the weight of the hand-scored 产业项目谋划与推进 to three automatic indicators — projects applied
(1/5), approved (2/5) and running (2/5) — the heart's total kept to the fen (the rounding remainder
to the first). Published periods keep the version they were computed with; a county without a
scheme yet starts from the new defaults."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

from minxin.assessment.migrations._versions import new_version

CENT = Decimal("0.01")
OLD = "industry.projects"
NOTE = "新增扶贫基金模块的自动指标：项目申报数、获批数、在建项目数（取代手工评分的“产业项目谋划与推进”）；上心的总权重不变。"
PARTS = {"industry.applied": Decimal(1) / 5, "industry.approved": Decimal(2) / 5, "industry.running": Decimal(2) / 5}


def moved(weights: dict) -> dict:
    weights = {code: dict(row) for code, row in weights.items()}
    old = weights.pop(OLD, None)
    if old is None:
        return weights
    whole = old["weight"]
    for code, part in PARTS.items():
        weights[code] = {"weight": (whole * part).quantize(CENT, rounding=ROUND_HALF_UP), "target": Decimal(1),
                         "step": Decimal(0)}
    weights["industry.applied"]["weight"] += whole - sum(weights[code]["weight"] for code in PARTS)
    return weights


def forward(apps, schema_editor):
    new_version(apps, note=NOTE, moved=moved, done_when="industry.applied", needs=OLD)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0006_livelihood_rooms")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
