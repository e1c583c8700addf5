"""Demo villages: under the real Yanhe township tree, or (for the prefecture's other counties) under
generated townships."""

from decimal import Decimal

from minxin.demo.names import TOWNSHIP_STEMS, VILLAGE_STEMS
from minxin.regions import codes, data
from minxin.regions.models import Region
from minxin.regions.services import region_seed_county


def _townships(rng, count: int) -> list[tuple[str, str]]:
    """`count` townships: a few 街道 (001–) and 乡 (201–) in a full county, the rest 镇 (101–)."""
    stems = rng.sample(TOWNSHIP_STEMS, count)
    streets, rural = (rng.randint(2, 4), rng.randint(1, 3)) if count >= 10 else (0, 0)
    kinds = [("街道", 1)] * streets + [("镇", 101)] * (count - streets - rural) + [("乡", 201)] * rural
    numbers = {1: 0, 101: 0, 201: 0}
    townships = []
    for stem, (suffix, first) in zip(stems, kinds, strict=True):
        townships.append((f"{first + numbers[first]:03d}", f"{stem}{suffix}"))
        numbers[first] += 1
    return townships


def generate(ctx) -> None:
    yanhe = ctx.county == data.COUNTY[0]
    if yanhe:
        county = region_seed_county()
        numbers = ctx.scale.townships or [digits for digits, _name in data.TOWNSHIPS]
    else:
        tree = _townships(ctx.rng, len(ctx.scale.townships) or len(data.TOWNSHIPS))
        county = region_seed_county((ctx.county, {c: n for c, n, _f in data.COUNTIES}[ctx.county]), tree)
        numbers = [digits for digits, _name in tree]
    codes_of = {number: f"{county.prefix}{number}000" for number in numbers}
    townships = {r.code: r for r in Region.objects.filter(code__in=codes_of.values())}
    villages = []
    for number in numbers:
        township = townships[codes_of[number]]
        count = ctx.rng.randint(*ctx.scale.villages_per_township)
        stems = ctx.rng.sample(VILLAGE_STEMS, count)
        if yanhe and number == "106":  # the article's 土地坳镇五七村 comes first
            stems = ["五七", *[stem for stem in stems if stem != "五七"][: count - 1]]
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
