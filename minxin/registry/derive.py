"""What the household row says about its members: head, search key, flags and care categories.

Pure functions over member-like objects (a Member, or the importer's parsed rows): anything with
name, relation, sex, birth_date, migrant, health, labour, disabled, dibao, extreme_support,
family_planning. Used by the services, the importer and the demo, so the rules live in one place.

Care rules (SPEC §4.2; 国务院关于加强农村留守儿童关爱保护工作的意见, 2016):
- 留守儿童: under 16, and every parent recorded in the household is away for work, or one is away
  and the other cannot care (serious illness, disability, or no labour ability).
  Parents of 之子/之女 are 户主 and 配偶; of grandchildren, the head's children and their spouses.
  A child whose parents are not in the household is not flagged (it is another category).
- 留守老人/空巢老人: 60 or older, and no child of theirs lives at home (children away for work, or
  none in the household).
- 留守妇女: a woman of 18–59 at home whose husband (head ↔ spouse, son ↔ daughter-in-law) is away.
"Away for work" means working outside the county (县外省内务工 / 省外务工).
"""

import datetime

from django.utils import timezone

from minxin.core.pinyin import pinyin_key
from minxin.registry.choices import AWAY, Health, Labour, Relation

R = Relation
CHILDREN_OF_HEAD = {R.SON, R.DAUGHTER}
CHILD_SPOUSES = {R.DAUGHTER_IN_LAW, R.SON_IN_LAW}
GRANDCHILDREN = {R.GRANDSON, R.GRANDDAUGHTER, R.DAUGHTERS_CHILD}


def age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def is_away(member) -> bool:
    return member.migrant in AWAY


def cannot_care(member) -> bool:
    return (member.disabled or member.health in (Health.SERIOUS, Health.DISABLED)
            or member.labour in (Labour.LOST, Labour.NONE))


def _parents(child, members):
    if child.relation in CHILDREN_OF_HEAD:
        wanted = {R.HEAD, R.SPOUSE}
    elif child.relation in GRANDCHILDREN:
        wanted = CHILDREN_OF_HEAD | CHILD_SPOUSES
    else:
        return []
    return [m for m in members if m.relation in wanted]


def _children(elder, members):
    if elder.relation in (R.HEAD, R.SPOUSE):
        wanted = CHILDREN_OF_HEAD | CHILD_SPOUSES
    elif elder.relation == R.PARENT:
        wanted = {R.HEAD, R.SPOUSE}
    elif elder.relation == R.GRANDPARENT:
        wanted = {R.PARENT}
    else:
        return []
    return [m for m in members if m.relation in wanted and m is not elder]


def _husband(woman, members):
    if woman.relation == R.SPOUSE:
        pool = [m for m in members if m.relation == R.HEAD and m.sex == "M"]
    elif woman.relation == R.HEAD:
        pool = [m for m in members if m.relation == R.SPOUSE and m.sex == "M"]
    elif woman.relation == R.DAUGHTER_IN_LAW:
        pool = [m for m in members if m.relation == R.SON]
    else:
        return None
    # With several sons we cannot tell whose wife she is: only when all of them are away.
    if pool and all(is_away(m) for m in pool):
        return pool[0]
    return pool[0] if len(pool) == 1 else None


def left_behind_child(member, members, today, age=None) -> bool:
    if (age if age is not None else age_on(member.birth_date, today)) >= 16:
        return False
    parents = _parents(member, members)
    if not parents or not any(is_away(p) for p in parents):
        return False
    return all(is_away(p) or cannot_care(p) for p in parents)


def left_behind_elderly(member, members, today, age=None) -> bool:
    if (age if age is not None else age_on(member.birth_date, today)) < 60 or is_away(member):
        return False
    return not any(not is_away(child) for child in _children(member, members))


def left_behind_woman(member, members, today, age=None) -> bool:
    if member.sex != "F" or is_away(member):
        return False
    if not 18 <= (age if age is not None else age_on(member.birth_date, today)) < 60:
        return False
    husband = _husband(member, members)
    return husband is not None and is_away(husband)


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
