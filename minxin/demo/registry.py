"""Demo households and members (一户一表) for every village: exactly its planned number of households.

At county scale this is ~170,000 households and ~600,000 people (SPEC §5), so rows are built as
tuples and written with the registry's raw bulk writer; names come from pools (one Faker call per
pool entry, not per person) and pinyin is computed once per distinct name (core.pinyin cache).
"""

import datetime
import math
import random
from decimal import Decimal

from django.utils import timezone

from minxin.core.pinyin import pinyin_key
from minxin.core.sealing import seal, seal_with_digests
from minxin.regions.models import Region
from minxin.registry import derive
from minxin.registry.io import bulk
from minxin.registry.io.importer import Person
from minxin.registry.models import Checklist, Helper, Household, Income, Member, Registration

SURNAMES = (["田"] * 12 + ["杨"] * 10 + ["张"] * 8 + ["冉"] * 7 + ["崔"] * 6 + ["覃"] * 6 + ["何"] * 5 + ["王"] * 5
            + ["李"] * 5 + ["陈"] * 4 + ["刘"] * 4 + ["黄"] * 3 + ["吴"] * 3 + ["谢"] * 3 + ["侯"] * 3 + ["安"] * 2
            + ["邓"] * 2 + ["向"] * 2 + ["杜"] * 2 + ["袁"] * 2 + ["付"] * 2 + ["罗"] * 2 + ["周"] * 2 + ["胡"] * 2
            + ["赵", "孙", "徐", "朱", "高", "林", "郑", "梁", "宋", "唐", "许", "韩", "冯", "曹", "彭", "曾", "肖", "蒋"])
ETHNICITIES = ["土家族"] * 13 + ["汉族"] * 4 + ["苗族"] * 2 + ["仡佬族"]
CAUSES = (["illness"] * 25 + ["disability"] * 10 + ["education"] * 8 + ["disaster"] * 3 + ["land"] * 4 + ["water"] * 3
          + ["skills"] * 12 + ["labour"] * 10 + ["capital"] * 15 + ["transport"] * 5 + ["motivation"] * 3 + ["other"] * 2)
STATUSES = ["exited"] * 85 + ["not_exited"] * 3 + ["monitored"] * 7 + ["returned"] * 1 + ["cancelled"] * 4
ATTRIBUTES = ["general"] * 70 + ["dibao"] * 22 + ["extreme"] * 8
# (lat, lon) ranges inside each county of 铜仁市, apart from each other; the demo's villages lie in them.
COUNTY_BOXES = {
    "520602": ((27.60, 27.82), (109.05, 109.30)), "520603": ((27.40, 27.58), (109.10, 109.35)),
    "520621": ((27.60, 27.90), (108.70, 108.98)), "520622": ((27.15, 27.35), (108.80, 109.02)),
    "520623": ((27.35, 27.65), (108.05, 108.40)), "520624": ((27.80, 28.05), (108.10, 108.33)),
    "520625": ((27.92, 28.18), (108.36, 108.62)), "520626": ((28.12, 28.40), (107.95, 108.25)),
    "520627": ((28.25, 28.85), (108.25, 108.65)), "520628": ((27.95, 28.40), (109.05, 109.40)),
}


class Pools:
    """Given names by sex, built once from Faker; surnames weighted like the county's."""

    def __init__(self, ctx, size=300):
        def given(full):
            return full[1:] if len(full) > 1 else full
        self.male = sorted({given(ctx.faker.name_male()) for _ in range(size)})
        self.female = sorted({given(ctx.faker.name_female()) for _ in range(size)})
        self.helpers = [ctx.faker.name() for _ in range(60)]

    def name(self, rng, sex, surname=None):
        return (surname or rng.choice(SURNAMES)) + rng.choice(self.male if sex == "M" else self.female)


def _school(age):
    if age < 3:
        return "", "", "none"
    if age < 6:
        return "preschool", "preschool", "preschool"
    if age < 12:
        return "primary", "primary", "primary"
    if age < 15:
        return "junior", "junior", "junior"
    if age < 18:
        return "junior", "senior", "senior"
    return None, "none", None


def _person(rng, people, pools, today, *, relation, sex, age, surname=None):
    birth = datetime.date(today.year - age, today.month, min(today.day, 28)) - datetime.timedelta(
        days=rng.randint(0, 364))
    p = Person(id_number=people.id_number(birth=birth, sex=sex), sex=sex, birth_date=birth, relation=relation,
               name=pools.name(rng, sex, surname))
    edu, school, _ = _school(age)
    p.education = edu if edu is not None else rng.choices(
        ["illiterate", "primary", "junior", "senior", "vocational", "college"],
        [3, 6, 7, 2, 1, 1] if age >= 50 else [1, 3, 10, 5, 3, 3])[0]
    p.school_status = school
    roll = rng.random()
    p.health = "healthy" if roll < 0.85 else "chronic" if roll < 0.93 else "serious" if roll < 0.96 else "disabled"
    p.disabled = p.health == "disabled"
    if age < 16 or p.health in ("serious", "disabled"):
        p.labour = "none" if age < 16 else rng.choice(["lost", "weak"])
    elif age >= 65:
        p.labour = rng.choice(["weak", "lost", "none"])
    else:
        p.labour = "skilled" if rng.random() < 0.15 else "ordinary"
    p.migrant, p.migrant_months = "", None
    if 18 <= age < 56 and p.labour in ("ordinary", "skilled"):
        roll = rng.random()
        p.migrant = "outside" if roll < 0.32 else "province" if roll < 0.47 else "county" if roll < 0.57 else "none"
        if p.migrant in ("outside", "province", "county"):
            p.migrant_months = rng.randint(6, 12)
    p.family_planning = rng.random() < 0.02
    p.dibao = p.extreme_support = False
    return p


def _family(rng, people, pools, today):
    """A household's members, head first: head, spouse, children, grandchildren, a parent."""
    head_age = rng.randint(28, 82)
    head_sex = "M" if rng.random() < 0.86 else "F"
    surname = rng.choice(SURNAMES)
    members = [_person(rng, people, pools, today, relation="head", sex=head_sex, age=head_age, surname=surname)]
    if rng.random() < (0.88 if head_age < 70 else 0.6):
        members.append(_person(rng, people, pools, today, relation="spouse", sex="F" if head_sex == "M" else "M",
                               age=max(20, head_age + rng.randint(-6, 3))))
    n_children = rng.choices([0, 1, 2, 3], [15, 32, 40, 13])[0] if head_age < 75 else rng.choice([0, 0, 1])
    for _ in range(n_children):
        child_age = head_age - rng.randint(22, 32)
        if child_age < 0:
            continue
        sex = "M" if rng.random() < 0.53 else "F"
        members.append(_person(rng, people, pools, today, relation="son" if sex == "M" else "daughter", sex=sex,
                               age=child_age, surname=surname))
        if child_age >= 24 and sex == "M" and rng.random() < 0.45:
            members.append(_person(rng, people, pools, today, relation="daughter_in_law", sex="F",
                                   age=child_age + rng.randint(-3, 2)))
            for _g in range(rng.choice([0, 1, 1, 2])):
                g_age = child_age - rng.randint(22, 30)
                if g_age >= 0:
                    gsex = "M" if rng.random() < 0.53 else "F"
                    members.append(_person(rng, people, pools, today, relation="grandson" if gsex == "M" else
                                           "granddaughter", sex=gsex, age=g_age, surname=surname))
    if head_age < 55 and rng.random() < 0.22:
        members.append(_person(rng, people, pools, today, relation="parent", sex=rng.choice("MF"),
                               age=min(95, head_age + rng.randint(22, 32))))
    return members


def _hamlets(seed, code, lat0: float, lon0: float, count: int) -> list[tuple[float, float]]:
    """The centres of a village's groups: spread round the village's centre, a few hundred metres
    apart, the same for a seed (an rng of their own, so the rest of the demo draws as before)."""
    rng = random.Random(f"{seed}-{code}-groups")
    centres = []
    for n in range(count):
        angle = 2 * math.pi * n / count + rng.uniform(-0.3, 0.3)
        radius = rng.uniform(0.004, 0.009)
        centres.append((lat0 + radius * math.sin(angle), lon0 + radius * 1.15 * math.cos(angle)))
    return centres


def _centre(seed, code):
    """A village's centre: near its township's (a township's villages lie together, as on the ground)."""
    (lat0, lat1), (lon0, lon1) = COUNTY_BOXES[code[:6]]
    township = random.Random(f"{seed}-{code[:9]}")
    lat, lon = township.uniform(lat0 + 0.04, lat1 - 0.04), township.uniform(lon0 + 0.04, lon1 - 0.04)
    rng = random.Random(f"{seed}-{code}")
    return lat + rng.uniform(-0.035, 0.035), lon + rng.uniform(-0.04, 0.04)


def generate(ctx) -> None:
    rng, people, today, now = ctx.rng, ctx.people, timezone.localdate(), timezone.now()
    pools = Pools(ctx)
    helper_rng = random.Random(ctx.seed + 6)
    cadres_by_village = {}
    for cadre in ctx.cadres:
        cadres_by_village.setdefault(cadre.region_code, []).append(cadre)
    total = sum(v.households for v in ctx.villages)
    household_ids = iter(bulk.allocate_ids(Household, total))
    households, members, registrations, incomes, checklists, helpers = [], [], [], [], [], []
    h_fields = ["id", "created_at", "updated_at", "village_id", "number", "group", "address", "phone", "lat", "lon",
                "version", *derive.DERIVED_FIELDS]
    m_fields = ["created_at", "updated_at", "household_id", "village_code", "name", "name_pinyin", "id_number",
                "id_number_hash", "id_number_tail", "sex", "birth_date", "relation", "ethnicity", "education", "school_status", "health",
                "labour", "migrant", "migrant_months", "medical_insurance", "pension_insurance", "dibao",
                "extreme_support", "disabled", "family_planning", "party_member"]

    def flush(final=False):
        if len(members) >= 50_000 or final:
            bulk.insert_rows(Household, h_fields, households)
            bulk.insert_rows(Member, m_fields, members)
            households.clear()
            members.clear()

    registered_count = registered_people = population_total = 0
    for village in ctx.villages:
        lat0, lon0 = _centre(ctx.seed, village.code)
        n_groups = rng.randint(4, 12)
        hamlets = _hamlets(ctx.seed, village.code, lat0, lon0, n_groups)
        share = 0.08 if village.kind == Region.Kind.COMMUNITY else (0.38 if village.is_poor else 0.245)
        population = 0
        for index in range(village.households):
            hid = next(household_ids)
            family = _family(rng, people, pools, today)
            ethnicity = rng.choice(ETHNICITIES)
            # Registered households are smaller than average (elderly, ill, few workers).
            registered = rng.random() < share * (1.3 if len(family) <= 3 else 0.7)
            attribute = rng.choice(ATTRIBUTES) if registered else ""
            for p in family:
                p.dibao = attribute == "dibao" or (not registered and rng.random() < 0.03)
                p.extreme_support = attribute == "extreme" and p.relation == "head"
            fields = derive.household_fields(family, None, today)
            # A village group (村民小组) is a hamlet of its own: its households gather round its centre.
            located = rng.random() >= 0.015
            offset = (rng.gauss(0, 0.0015), rng.gauss(0, 0.0018)) if located else None
            group = rng.randint(1, n_groups)
            hamlet = hamlets[group - 1]
            coords = (None, None) if offset is None else (
                Decimal(f"{hamlet[0] + offset[0]:.6f}"), Decimal(f"{hamlet[1] + offset[1]:.6f}"))
            households.append((hid, now, now, village.code, f"{village.code}{index + 1:04d}",
                               f"{group}组", "", seal(people.mobile(), "phone") if rng.random() < 0.7 else "",
                               coords[0], coords[1], 1, *(fields[n] for n in derive.DERIVED_FIELDS)))
            for p in family:
                members.append((now, now, hid, village.code, p.name, pinyin_key(p.name),
                                *seal_with_digests(p.id_number, "id_number"), p.sex, p.birth_date, p.relation, ethnicity, p.education, p.school_status, p.health,
                                p.labour, p.migrant, p.migrant_months, True, p.birth_date.year < today.year - 16,
                                p.dibao, p.extreme_support, p.disabled, p.family_planning,
                                p.relation == "head" and rng.random() < 0.08))
            population += len(family)
            if registered:
                registered_count += 1
                registered_people += len(family)
                year = rng.choice([2014, 2014, 2014, 2015, 2015, 2016, 2017])
                status = rng.choice(STATUSES)
                causes = rng.sample(CAUSES, 3)
                others = list(dict.fromkeys(c for c in causes[1:rng.randint(1, 3)] if c != causes[0]))
                registrations.append((now, now, hid, year, attribute, status,
                                      rng.randint(year + 1, 2020) if status == "exited" else None, causes[0],
                                      *(others + ["", ""])[:2]))
                wage = Decimal(rng.randint(0, 40000)) + Decimal(rng.randint(0, 99)) / 100
                incomes.append((now, now, hid, today.year - 1, len(family), wage, Decimal(rng.randint(0, 8000)),
                                Decimal(rng.randint(500, 6000)), Decimal(rng.randint(0, 500)), Decimal(rng.randint(0, 3000))))
                checklists.append((now, now, hid, "met", "met", "met" if rng.random() < 0.97 else "gap", "met",
                                   "met" if rng.random() < 0.98 else "gap", "met" if rng.random() < 0.95 else "gap",
                                   today - datetime.timedelta(days=rng.randint(10, 300)), ""))
                team = cadres_by_village.get(village.code) or []
                if team:
                    cadre = rng.choice(team)
                    helpers.append((hid, cadre.name, cadre.pk, None))
                if not team or rng.random() < 0.3:
                    # The second helper: a staff member of a unit serving the village, or (rarely) a
                    # person who is neither, typed. Its own stream keeps the rest of the demo as it was.
                    typed = rng.choice(pools.helpers)
                    staff = [s for c in team for s in ctx.unit_staff.get(c.sending_unit_id, [])]
                    if staff and helper_rng.random() < 0.85:
                        member = helper_rng.choice(staff)
                        helpers.append((hid, member.name, None, member.pk))
                    else:
                        helpers.append((hid, typed, None, None))
            flush()
        village.population = population
        population_total += population
    flush(final=True)
    bulk.insert_rows(Registration, ["created_at", "updated_at", "household_id", "year", "attribute", "status",
                                    "exit_year", "main_cause", "other_cause_1", "other_cause_2"], registrations)
    bulk.insert_rows(Income, ["created_at", "updated_at", "household_id", "year", "persons", "wage", "business",
                              "transfer", "assets", "costs"], incomes)
    bulk.insert_rows(Checklist, ["created_at", "updated_at", "household_id", "food", "clothing", "education", "medical",
                                 "housing", "water", "checked_on", "note"], checklists)
    bulk.insert_rows(Helper, ["household_id", "name", "cadre_id", "staff_id"], _unique_helpers(helpers))
    Region.objects.bulk_update(ctx.villages, ["population"], batch_size=500)
    ctx.counts.update(households=total, people=population_total, registered_households=registered_count,
                      registered_people=registered_people)


def _unique_helpers(rows):
    seen = set()
    for household_id, name, cadre_id, staff_id in rows:
        if (household_id, name) not in seen:
            seen.add((household_id, name))
            yield household_id, name, cadre_id, staff_id
