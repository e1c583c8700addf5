"""Deterministic demo data at four scales (DESIGN §4: `minxin demo --scale … --seed …`).

Each part is a module with a `generate(ctx)` function; `build` runs them in order. The demo writes
in bulk for speed (the county scale is hundreds of thousands of rows) and records one
`demo.load` audit event for the whole load instead of one per row.
"""

import random
from dataclasses import dataclass, field

from faker import Faker

from minxin.regions import data


@dataclass(frozen=True)
class Scale:
    name: str
    townships: list[str]  # three-digit township numbers; empty = all 23
    villages_per_township: tuple[int, int]
    households_per_village: tuple[int, int]
    cadres_per_village: tuple[int, int]
    prefecture: bool = False  # the other nine counties of 铜仁市 too (demo.prefecture)


SCALES = {
    "tiny": Scale("tiny", ["106"], (2, 2), (28, 32), (3, 3)),
    "small": Scale("small", ["106", "105"], (4, 4), (230, 270), (3, 4)),
    "county": Scale("county", [], (17, 22), (330, 420), (3, 4)),
    "prefecture": Scale("prefecture", [], (17, 22), (330, 420), (3, 4), prefecture=True),
}


@dataclass
class Context:
    scale: Scale
    seed: int
    rng: random.Random
    faker: Faker
    county: str = data.COUNTY[0]  # the county being generated
    id_numbers: set = field(default_factory=set)  # every ID number made so far (shared by the counties)
    villages: list = field(default_factory=list)
    units: list = field(default_factory=list)
    unit_staff: dict = field(default_factory=dict)  # sending unit id → its helping staff
    cadres: list = field(default_factory=list)
    accounts: list = field(default_factory=list)  # (username, password, role label, scope name)
    counts: dict = field(default_factory=dict)


def new_context(scale: str, seed: int) -> Context:
    faker = Faker("zh_CN")
    faker.seed_instance(seed)
    return Context(scale=SCALES[scale], seed=seed, rng=random.Random(seed), faker=faker)


def build(scale: str, seed: int) -> Context:
    from django.db import transaction

    from minxin.core.audit import audit_record
    from minxin.demo import (
        accounts,
        assessment,
        cadres,
        cases,
        disputes,
        fieldwork,
        fund,
        party,
        prefecture,
        records,
        regions,
        registry,
        rooms,
        year,
    )
    from minxin.registry.io.bulk import analyze, paused_gc

    ctx = new_context(scale, seed)
    with paused_gc(), transaction.atomic():
        for part in (regions, cadres, registry, fieldwork, records, accounts, year, disputes, cases, rooms, fund,
                     party, assessment, prefecture):
            part.generate(ctx)
        audit_record(actor=None, action="demo.load", object_type="demo", object_repr=f"{scale} seed={seed}",
                     region_code="520627000000", after=ctx.counts)
    analyze()
    return ctx
