"""The hearts that records now score (issue 19.3): a new version of the county's scheme moves the
weight of the hand-scored 学习培训与虚心求教 to study hours, splits the plan's manual weight between the
plan's quality (still scored by hand) and its items' completion, and gives the pair and livelihood
hearts their new automatic indicators from their own weight — each heart keeps its total. Published
periods keep the version they were computed with; a county without a scheme yet starts from the new
defaults."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

from minxin.assessment.migrations._versions import new_version

CENT = Decimal("0.01")
NOTE = ("新增自动指标：参加学习培训学时（取代手工评分的“学习培训与虚心求教”）、村发展规划事项完成率、"
        "结对户人均纯收入增长户比例、结对贫困户脱贫率、两不愁三保障问题清零率；各颗心的总权重不变。")
TARGETS = {"learn.hours": Decimal(12), "plan.items": Decimal(90), "pair.income": Decimal(80),
           "pair.exit": Decimal(100), "livelihood.gaps": Decimal(100)}
# heart's existing indicators → the new ones and the share of the heart's weight each takes
SPLITS = [
    (("pair.coverage", "pair.paired", "pair.help"), {"pair.income": Decimal("0.2"), "pair.exit": Decimal("0.2")}),
    (("livelihood.answered", "livelihood.response", "livelihood.needs"), {"livelihood.gaps": Decimal("0.3")}),
]


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _moved(weights: dict) -> dict:
    weights = {code: dict(row) for code, row in weights.items()}
    study = weights.pop("learn.study", None)
    if study is not None:
        weights["learn.hours"] = {**study, "target": TARGETS["learn.hours"], "step": Decimal(0)}
    if "plan.plan" in weights:
        whole = weights["plan.plan"]["weight"]
        weights["plan.plan"]["weight"] = _round(whole * Decimal("0.4"))
        weights["plan.items"] = {"weight": whole - weights["plan.plan"]["weight"], "target": TARGETS["plan.items"],
                                 "step": Decimal(0)}
    for old, new in SPLITS:
        present = [code for code in old if code in weights]
        total = sum((weights[code]["weight"] for code in present), Decimal(0))
        if not present:
            continue
        for code, part in new.items():
            weights[code] = {"weight": _round(total * part), "target": TARGETS[code], "step": Decimal(0)}
        kept = total - sum(weights[code]["weight"] for code in new)
        for code in present:
            weights[code]["weight"] = _round(weights[code]["weight"] * kept / total) if total else Decimal(0)
        largest = max(present, key=lambda code: weights[code]["weight"])
        weights[largest]["weight"] += kept - sum(weights[code]["weight"] for code in present)
    return weights


def forward(apps, schema_editor):
    new_version(apps, note=NOTE, moved=_moved, done_when="learn.hours")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0003_pledge_delivery")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
