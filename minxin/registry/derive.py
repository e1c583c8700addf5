"""What the household row says about its members: head, search key, flags and care categories.

Pure functions over member-like objects (a Member, or the importer's parsed rows): anything with
name, relation, sex, birth_date, migrant, health, labour, disabled, dibao, extreme_support,
family_planning. Used by the services, the importer and the demo, so the rules live in one place.

Care rules (SPEC §4.2; 国务院关于加强农村留守儿童关爱保护工作的意见, 2016; 民政部 2017 on 留守老人):
- 留守儿童: under 16, and every parent of theirs in the household is away for work, or one is away
  and the other cannot care (serious illness, disability, or no labour ability). A child whose
  parents are not in the household is not flagged (it is another category).
- 留守老人/空巢老人: 60 or older, at home, and none of their children in the household lives at
  home (children away for work, or none in the household; in-laws at home do not count).
- 留守妇女: a woman of 18–59 at home whose husband in the household is away.
"Away for work" means working outside the county (县外省内务工 / 省外务工).

Relations are recorded relative to the head (之子, 之孙女…). They are resolved into a small family
graph: who can be whose parent and spouse (a 之孙子 is the child of a 之子 and his wife, a 之外孙子女
of a 之女 and her husband; a parent is at least 15 years older than the child). Where several
people could be a member's parent (two sons, each with children), the rule holds only if it holds
for all of them, so a flag is never raised on a guess; a care override (with its reason) settles
such a household by hand.
"""

import datetime

from django.utils import timezone

from minxin.core.pinyin import pinyin_key
from minxin.registry.choices import AWAY, Health, Labour, Relation

R = Relation
# A member's possible parents, by the member's relation to the head.
PARENTS = {
    R.SON: {R.HEAD, R.SPOUSE}, R.DAUGHTER: {R.HEAD, R.SPOUSE},
    R.GRANDSON: {R.SON, R.DAUGHTER_IN_LAW}, R.GRANDDAUGHTER: {R.SON, R.DAUGHTER_IN_LAW},
    R.DAUGHTERS_CHILD: {R.DAUGHTER, R.SON_IN_LAW},
    R.HEAD: {R.PARENT}, R.SIBLING: {R.PARENT}, R.PARENT: {R.GRANDPARENT},
}
# A member's possible spouses.
SPOUSES = {
    R.HEAD: {R.SPOUSE}, R.SPOUSE: {R.HEAD}, R.SON: {R.DAUGHTER_IN_LAW}, R.DAUGHTER_IN_LAW: {R.SON},
    R.DAUGHTER: {R.SON_IN_LAW}, R.SON_IN_LAW: {R.DAUGHTER}, R.PARENT: {R.PARENT}, R.GRANDPARENT: {R.GRANDPARENT},
}
MIN_PARENT_AGE_GAP = 15


def age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def is_away(member) -> bool:
    return member.migrant in AWAY


def cannot_care(member) -> bool:
    return (member.disabled or member.health in (Health.SERIOUS, Health.DISABLED)
            or member.labour in (Labour.LOST, Labour.NONE))


def _older_by_a_generation(parent, child) -> bool:
    """By birth years, not dates: a member entered with a chosen birth date must not tell, through the
    flags derived here, the month and day of a parent's (the hidden digits of a masked ID number)."""
    if parent.birth_date is None or child.birth_date is None:
        return True
    return child.birth_date.year - parent.birth_date.year >= MIN_PARENT_AGE_GAP


def parents_of(member, members) -> list:
    wanted = PARENTS.get(member.relation, set())
    return [m for m in members if m is not member and m.relation in wanted and _older_by_a_generation(m, member)]


def children_of(member, members) -> list:
    return [m for m in members if m is not member and member.relation in PARENTS.get(m.relation, set())
            and _older_by_a_generation(member, m)]


def spouses_of(member, members) -> list:
    wanted = SPOUSES.get(member.relation, set())
    return [m for m in members if m is not member and m.relation in wanted and (m.sex != member.sex or not m.sex)]


def left_behind_child(member, members, today, age=None) -> bool:
    if (age if age is not None else age_on(member.birth_date, today)) >= 16:
        return False
    parents = parents_of(member, members)
    if not parents or not any(is_away(p) for p in parents):
        return False
    return all(is_away(p) or cannot_care(p) for p in parents)


def left_behind_elderly(member, members, today, age=None) -> bool:
    if (age if age is not None else age_on(member.birth_date, today)) < 60 or is_away(member):
        return False
    return not any(not is_away(child) for child in children_of(member, members))


def left_behind_woman(member, members, today, age=None) -> bool:
    if member.sex != "F" or is_away(member):
        return False
    if not 18 <= (age if age is not None else age_on(member.birth_date, today)) < 60:
        return False
    # With several possible husbands (two sons, one daughter-in-law) only when all of them are away.
    husbands = [m for m in spouses_of(member, members) if m.sex == "M"]
    return bool(husbands) and all(is_away(h) for h in husbands)


CARE_RULES = {"child": left_behind_child, "elderly": left_behind_elderly, "women": left_behind_woman}


def care_members(members, today=None) -> dict[str, list]:
    """Category → the members it applies to (for the household page)."""
    today = today or timezone.localdate()
    return {category: [m for m in members if rule(m, members, today)] for category, rule in CARE_RULES.items()}


def household_fields(members, overrides: dict | None = None, today=None) -> dict:
    """The derived Household columns for these members (`overrides`: category → bool).

    Runs once per household in a 170,000-household import: ages are computed once, and a rule is
    only tried on the members its age band allows.
    """
    today = today or timezone.localdate()
    members = list(members)
    head = None
    keys = []
    care = {"child": False, "elderly": False, "women": False}
    dibao = extreme = disabled = family_planning = False
    for m in members:
        if m.relation == R.HEAD:
            head = m
        keys.append(m.name)
        keys.append(pinyin_key(m.name))
        dibao = dibao or m.dibao
        extreme = extreme or m.extreme_support
        disabled = disabled or m.disabled
        family_planning = family_planning or m.family_planning
        age = age_on(m.birth_date, today)
        if age < 16:
            care["child"] = care["child"] or left_behind_child(m, members, today, age)
        elif age >= 60:
            care["elderly"] = care["elderly"] or left_behind_elderly(m, members, today, age)
        elif age >= 18 and m.sex == "F":
            care["women"] = care["women"] or left_behind_woman(m, members, today, age)
    care.update(overrides or {})
    return {
        "head_name": head.name if head else "",
        "name_pinyin": pinyin_key(head.name) if head else "",
        "search_key": " ".join(keys)[:1000],
        "member_count": len(members),
        "has_dibao": bool(dibao),
        "has_extreme": bool(extreme),
        "has_disabled": bool(disabled),
        "has_family_planning": bool(family_planning),
        "care_child": care["child"],
        "care_elderly": care["elderly"],
        "care_women": care["women"],
    }


DERIVED_FIELDS = list(household_fields([]).keys())
