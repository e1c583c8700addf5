"""The other nine counties of 铜仁市, for `minxin demo --scale prefecture` (SPEC §5: a prefecture is
ten counties, ~1.7 million households, ~6 million people, ~15,000 cadres).

Each county gets, at the county demo's density, what the prefecture's pages are made of: townships
(generated names; Yanhe keeps its real tree), villages, sending units, cadres and their
assignments, households and members, visits, needs, requests, liaison cards and village records.
Accounts, the fund, the rooms, the party branches and the assessment stay in Yanhe, the county
this deployment assesses (MINXIN_COUNTY_CODE). Rows go in with the raw bulk writer (a binary COPY
on PostgreSQL), as for one county.
"""

from dataclasses import replace

from minxin.demo import cadres, fieldwork, new_context, regions, registry
from minxin.regions import data


def generate(ctx) -> None:
    if not ctx.scale.prefecture:
        return
    for index, (code, _name, _former) in enumerate(data.COUNTIES):
        if code == ctx.county:
            continue
        county = replace(new_context(ctx.scale.name, ctx.seed * 100 + index), county=code,
                         id_numbers=ctx.id_numbers)
        for part in (regions, cadres, registry, fieldwork):
            part.generate(county)
        for key, value in county.counts.items():
            ctx.counts[key] = ctx.counts.get(key, 0) + value
    ctx.counts["counties"] = len(data.COUNTIES)
