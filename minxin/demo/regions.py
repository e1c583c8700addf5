"""Demo villages under the real Yanhe township tree."""

from decimal import Decimal

from minxin.demo.names import VILLAGE_STEMS
from minxin.regions import codes, data
from minxin.regions.models import Region
from minxin.regions.services import region_seed_county


def generate(ctx) -> None:
    region_seed_county()
    numbers = ctx.scale.townships or [digits for digits, _name in data.TOWNSHIPS]
    townships = {r.code: r for r in Region.objects.filter(code__in=[data.township_code(n) for n in numbers])}
    villages = []
    for number in numbers:
        township = townships[data.township_code(number)]
        count = ctx.rng.randint(*ctx.scale.villages_per_township)
        stems = ctx.rng.sample(VILLAGE_STEMS, count)
        if number == "106" and "五七" in stems:  # the article's 土地坳镇五七村 comes first
            stems.remove("五七")
        if number == "106":
            stems = ["五七", *stems[: count - 1]]
        is_subdistrict = codes.township_kind(township.code) == "subdistrict"
        for index, stem in enumerate(stems):
            # 街道 have 社区 (001–199); towns and 乡 have 村委会 (200–399).
            suffix = 1 + index if is_subdistrict else 201 + index
            villages.append(Region(
                code=f"{township.prefix}{suffix:03d}",
                name=f"{stem}{'社区' if is_subdistrict else '村'}",
                level=codes.VILLAGE,
                kind=Region.Kind.COMMUNITY if is_subdistrict else Region.Kind.VILLAGE,
                parent=township,
                is_poor=not is_subdistrict and ctx.rng.random() < 0.45,
                terrain="flat" if is_subdistrict else ctx.rng.choices(["mountain", "hill", "flat"], [6, 3, 1])[0],
                distance_km=Decimal(ctx.rng.randint(5, 250)) / 10 if not is_subdistrict else Decimal("1.5"),
                # Planned size; the registry part generates exactly this many households.
                households=(households := ctx.rng.randint(*ctx.scale.households_per_village)),
                population=round(households * ctx.rng.uniform(3.3, 3.8)),
            ))
    Region.objects.bulk_create(villages, batch_size=1000)
    ctx.villages = villages
    ctx.counts["townships"] = len(numbers)
    ctx.counts["villages"] = len(villages)
