"""The party module in the test world: per side, in the first village, a household of villagers
(three party members, an applicant, a young person, a child), the branch with its secretary, a
member meeting, a case at the activist stage whose year is up (two reviews), a reserve cadre, a
survey, a manual flag, today's warning, a rectification with an item and a month's progress, and a
proposed demonstration site — with marker names."""

import datetime

from django.utils import timezone

from minxin.party import services, services_case, services_rect
from minxin.party.models import Step
from minxin.registry import services as registry
from tests.world import make_id_number

PEOPLE = [("党员甲", "19700105", "head"), ("党员乙", "19750310", "spouse"), ("党员丙", "19800720", "son"),
          ("申请人", "19950101", "daughter"), ("青年", "20000606", "son"), ("少年", "20120909", "grandson")]


def add_party(world) -> None:
    world.party = {}
    today = timezone.localdate()
    for index, side in enumerate(world.villages):
        marker = world.markers[side][0][0]
        village = world.village(side)
        name, birth, _relation = PEOPLE[0]
        household = registry.household_create(
            actor=None, village=village, number=f"DJ{village.code}01", group="1组",
            head={"name": f"{marker}{name}", "id_number": make_id_number(birth, 801 + 10 * index)})
        people = {name: household.members.get()}
        for offset, (name, birth, relation) in enumerate(PEOPLE[1:], start=1):
            household.refresh_from_db()
            people[name] = registry.member_save(actor=None, household=household, version=household.version,
                                                id_number=make_id_number(birth, 801 + 10 * index + offset),
                                                name=f"{marker}{name}", relation=relation, migrant="")
        branch = services.branch_save(actor=None, village=village, name=f"{marker}村党支部",
                                      founded_on=datetime.date(1985, 7, 1), joint_unit=world.units[side])
        members = [services.member_add(actor=None, branch=branch, person=people[name], joined_on=datetime.date(2001, 7, 1))
                   for name in ("党员甲", "党员乙", "党员丙")]
        post = services.post_save(actor=None, branch=branch, committee="party", title="secretary",
                                  term_start=2021, holder=people["党员甲"], since=datetime.date(2021, 3, 15))
        contact = services.contact_add(actor=None, branch=branch, member=members[1],
                                       household=world.registry[side]["household"], since=today)
        event = services.event_record(actor=None, branch=branch, kind="member_meeting", held_on=today,
                                      topic=f"{marker}党员大会", attendees=members[:2])
        applied = today - datetime.timedelta(days=420)
        case = services_case.case_open(actor=None, branch=branch, person=people["申请人"], applied_on=applied)
        for kind, on in ((Step.Kind.TALK, applied + datetime.timedelta(days=10)),
                         (Step.Kind.ACTIVIST, applied + datetime.timedelta(days=30)),
                         (Step.Kind.REVIEW, applied + datetime.timedelta(days=200)),
                         (Step.Kind.REVIEW, applied + datetime.timedelta(days=380))):
            services_case.step_record(actor=None, case=case, kind=kind, on=on)
        reserve = services.reserve_save(actor=None, village=village, person=people["青年"], pool="reserve",
                                        since=today - datetime.timedelta(days=30), training=f"{marker}跟班学习",
                                        mentor=members[0])
        survey = services.survey_record(actor=None, branch=branch, held_on=today, respondents=40, satisfied=30,
                                        dissatisfied=4)
        flag = services.flag_raise(actor=None, branch=branch, level=2, reason=f"{marker}信访苗头", raised_on=today)
        services_rect.warnings_store(actor=None, branches=[branch], day=today)
        rect = services_rect.rectification_list(actor=None, branch=branch, year=today.year, listed_on=today,
                                                reasons=f"{marker}组织涣散", leader="县委副书记", unit=world.units[side])
        item = services_rect.item_add(actor=None, rect=rect, problem=f"{marker}整改问题", measure="选优配强",
                                      owner="组织委员", deadline=today + datetime.timedelta(days=60))
        progress = services_rect.progress_record(actor=None, rect=rect, month=today, note=f"{marker}本月进展")
        site = services.site_propose(actor=None, branch=branch, year=today.year, feature=f"{marker}示范特色")
        world.party[side] = {"branch": branch, "members": members, "people": people, "post": post, "event": event, "contact": contact,
                             "case": case, "reserve": reserve, "survey": survey, "flag": flag, "rect": rect,
                             "item": item, "progress": progress, "site": site}
        world.markers[side] += [f"{marker}村党支部", f"{marker}党员大会", f"{marker}申请人", f"{marker}整改问题",
                                f"{marker}本月进展", f"{marker}示范特色", f"{marker}信访苗头", f"{marker}组织涣散"]
