"""A small, fixed world for tests: two townships with named people in each.

Side "tdw" is 土地坳镇 (520627106), side "gz" is 官舟镇 (520627105). Every object of a side carries a
marker string in its name, so a page can be searched for anything leaking from the other side.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from stdnum.cn import ric

from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.cadres.models import Assignment, Cadre, Insurance, LeaveRequest, SendingUnit
from minxin.cadres.services_study import study_session_save
from minxin.core.pinyin import pinyin_key
from minxin.disputes.models import Screening
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.regions.services import region_seed_county

PASSWORD = "Test-Password-2026"
COUNTY = "520627000000"
SIDES = {
    "tdw": {"township": "520627106000", "villages": [("201", "五七村"), ("202", "茶园村")], "marker": "坳"},
    "gz": {"township": "520627105000", "villages": [("201", "龙门村"), ("202", "新场村")], "marker": "舟"},
}


def make_id_number(birth: str, seq: int, area: str = "520627") -> str:
    body = f"{area}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class World:
    villages: dict = field(default_factory=dict)  # side -> [Region, Region]
    units: dict = field(default_factory=dict)  # side -> SendingUnit
    cadres: dict = field(default_factory=dict)  # side -> [Cadre, ...] (first three in the first village)
    assignments: dict = field(default_factory=dict)
    leaves: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # persona name -> User
    study: dict = field(default_factory=dict)  # side -> a study session its first cadre attended
    markers: dict = field(default_factory=dict)  # side -> list of strings only that side's objects show

    def village(self, side: str, index: int = 0) -> Region:
        return self.villages[side][index]


def _user(world, name, role, scope_code, **extra) -> User:
    user = User(username=name, role=role, scope_id=scope_code, full_name=name, **extra)
    user.set_password(PASSWORD)
    user.save()
    world.users[name] = user
    return user


def build_world() -> World:
    region_seed_county()
    world = World()
    today = timezone.localdate()
    seq = 0
    for side, spec in SIDES.items():
        township = Region.objects.get(code=spec["township"])
        villages = [
            Region.objects.create(code=f"{township.prefix}{digits}", name=name, level=codes.VILLAGE,
                                  parent=township, kind=Region.Kind.VILLAGE, terrain="mountain", households=100)
            for digits, name in spec["villages"]
        ]
        world.villages[side] = villages
        marker = spec["marker"]
        unit = SendingUnit.objects.create(name=f"{marker}派出单位", level="county", kind="party_gov",
                                          county_code=COUNTY)
        world.units[side] = unit
        cadres, assignments = [], []
        for index, role in enumerate([Assignment.Role.FIRST_SECRETARY, Assignment.Role.TEAM_LEADER,
                                      Assignment.Role.TEAM_MEMBER]):
            seq += 2
            name = f"{marker}干部{'甲乙丙'[index]}"
            cadre = Cadre.objects.create(
                name=name, sex="M", birth_date=datetime.date(1985, 5, 1),
                id_number=make_id_number("19850501", seq + 1), phone=f"1390000{seq:04d}", sending_unit=unit,
                region_code=villages[0].code, name_pinyin=pinyin_key(name),
            )
            cadres.append(cadre)
            assignments.append(Assignment.objects.create(
                cadre=cadre, village=villages[0], role=role, start_date=today - datetime.timedelta(days=100)))
            Insurance.objects.create(cadre=cadre, insurer="人寿", policy_number=f"P{side}{index}",
                                     start_date=today - datetime.timedelta(days=10),
                                     end_date=today + datetime.timedelta(days=300))
        world.cadres[side], world.assignments[side] = cadres, assignments
        world.markers[side] = [c.name for c in cadres] + [unit.name] + [v.name for v in villages]

    # Personas: every role, in both townships where the role is township- or village-scoped.
    _user(world, "county_admin", Role.COUNTY_ADMIN, COUNTY)
    _user(world, "county_supervisor", Role.SUPERVISOR, COUNTY)
    _user(world, "county_auditor", Role.AUDITOR, COUNTY)
    _user(world, "expert", Role.EXPERT, COUNTY)
    for side, spec in SIDES.items():
        _user(world, f"{side}_admin", Role.TOWNSHIP_ADMIN, spec["township"])
        _user(world, f"{side}_supervisor", Role.SUPERVISOR, spec["township"])
        _user(world, f"{side}_auditor", Role.AUDITOR, spec["township"])
        _user(world, f"{side}_clerk", Role.VILLAGE_CLERK, world.village(side).code)
        cadre_user = _user(world, f"{side}_cadre", Role.CADRE, spec["township"])
        first = world.cadres[side][0]
        first.user = cadre_user
        first.save()
        _user(world, f"{side}_liaison", Role.SENDING_UNIT, COUNTY, sending_unit=world.units[side])
        world.leaves[side] = LeaveRequest.objects.create(
            cadre=first, village_code=world.village(side).code, start_date=today, end_date=today,
            days=1, reason="看病", approval_level="township", requested_by=world.users[f"{side}_admin"])
        marker = spec["marker"]
        world.study[side] = study_session_save(actor=None, title=f"{marker}学习会", kind="collective", held_on=today,
                                               hours="2", attendees=[first])
        world.markers[side].append(f"{marker}学习会")
        Screening.objects.create(village=world.village(side), screened_on=today - datetime.timedelta(days=20), found=1,
                                 note=f"{marker}排查纠纷")
        world.markers[side].append(f"{marker}排查纠纷")
    from tests.fieldwork.world import add_fieldwork

    add_fieldwork(world)  # households and field records per side (world.fieldwork)
    from tests.registry.world import add_registry

    add_registry(world)  # a household with marker names, its registration and an import job per side
    from tests.disputes.world import add_disputes

    add_disputes(world)  # a dispute case and a petition per side
    from tests.rooms.world import add_rooms

    add_rooms(world)  # a liaison room per side with its money and an evaluation
    from tests.fund.world import add_fund

    add_fund(world)  # the fund: a contribution, the expert pool, an application per side under review
    from tests.party.world import add_party

    add_party(world)  # the party branch of each side's first village, its records and a rectification
    return world


# Which sides each persona may see. County-wide personas see both.
PERSONA_SIDES = {
    "county_admin": {"tdw", "gz"}, "county_supervisor": {"tdw", "gz"}, "county_auditor": {"tdw", "gz"},
    "expert": {"tdw", "gz"},
    **{f"{side}_{kind}": {side} for side in SIDES
       for kind in ("admin", "supervisor", "auditor", "clerk", "cadre", "liaison")},
}
# Which sides' townships each persona may see: village-scoped personas see no township.
PERSONA_TOWNSHIP_SIDES = {
    persona: (set() if persona.endswith(("_clerk", "_cadre", "_liaison")) else sides)
    for persona, sides in PERSONA_SIDES.items()
}
