"""The industry heart from the fund's records (issue 15.2): a new version of the county's scheme
moves the weight of the hand-scored 产业项目谋划与推进 to three automatic indicators — projects applied
(1/5), approved (2/5) and running (2/5) — the heart's total kept to the fen (the rounding remainder
to the first). Published periods keep the version they were computed with; a county without a
scheme yet starts from the new defaults."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

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
    Scheme = apps.get_model("assessment", "Scheme")
    SchemeWeight = apps.get_model("assessment", "SchemeWeight")
    latest = Scheme.objects.order_by("-version").first()
    if latest is None:
        return
    weights = {row.indicator: {"weight": row.weight, "target": row.target, "step": row.step}
               for row in SchemeWeight.objects.filter(scheme=latest)}
    if OLD not in weights:
        return
    rules = {field.name: getattr(latest, field.name) for field in Scheme._meta.concrete_fields
             if field.name not in ("id", "version", "note", "created_at", "created_by")}
    scheme = Scheme.objects.create(version=latest.version + 1, note=NOTE, created_by=None, **rules)
    SchemeWeight.objects.bulk_create([SchemeWeight(scheme=scheme, indicator=code, **row)
                                      for code, row in sorted(moved(weights).items())])


class Migration(migrations.Migration):
    dependencies = [("assessment", "0006_livelihood_rooms")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
