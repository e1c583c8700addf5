"""The organize heart from the party module's records (issue 17.7): a new version of the county's
scheme moves the weight of the hand-scored 村党组织建设 to organisational life held (3/5) and the
branch's warning standing (2/5), and that of 培养积极分子和后备干部 to activists and targets developed
(3/5) and reserve cadres (2/5) — each part rounded to the fen, the remainder to the first, so the
heart keeps its total. Published periods keep the version they were computed with; a county without
a scheme yet starts from the new defaults."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

from minxin.assessment.migrations._versions import new_version

CENT = Decimal("0.01")
MOVES = {
    "organize.branch": {"organize.life": Decimal(3) / 5, "organize.standing": Decimal(2) / 5},
    "organize.pipeline": {"organize.developed": Decimal(3) / 5, "organize.reserve": Decimal(2) / 5},
}
TARGETS = {"organize.life": Decimal(100), "organize.standing": Decimal(100), "organize.developed": Decimal(1),
           "organize.reserve": Decimal(2)}
NOTE = ("新增基层党建模块的自动指标：组织生活按期开展率、党组织预警状况（取代手工评分的“村党组织建设”），确定入党积极分子和发展对象、"
        "后备干部和领头雁（取代“培养积极分子和后备干部”）；倾心的总权重不变。")


def moved(weights: dict) -> dict:
    weights = {code: dict(row) for code, row in weights.items()}
    for old, parts in MOVES.items():
        row = weights.pop(old, None)
        if row is None:
            continue
        whole = row["weight"]
        for code, part in parts.items():
            weights[code] = {"weight": (whole * part).quantize(CENT, rounding=ROUND_HALF_UP), "target": TARGETS[code],
                             "step": Decimal(0)}
        first = next(iter(parts))
        weights[first]["weight"] += whole - sum(weights[code]["weight"] for code in parts)
    return weights


def forward(apps, schema_editor):
    new_version(apps, note=NOTE, moved=moved, done_when="organize.life", needs="organize.branch")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0007_industry_from_fund")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
