"""The fund in the test world: a contribution, a pool of seven experts (the expert persona among
them; one tied to the tdw village, one of the gz sending unit), and per side an application posted
for notice whose period has ended, with a panel of five that includes the expert persona — each with
marker names."""

import datetime

from django.utils import timezone

from minxin.fund import services
from minxin.fund.models import Application, Expert, PanelSeat
from minxin.fund.rules import CHECKLIST_CODES

COUNTY = "520627000000"


def apply(world, side, *, title=None, lines=None, kind="productive", household=None):
    """A village application of `side` taken through submission and the township's check."""
    marker = world.markers[side][0][0]
    village = world.village(side)
    application = services.application_save(
        actor=None, village=village, title=title or f"{marker}村蜂蜜合作社", beneficiary="household" if household else "village",
        household_id=household.pk if household else None, kind=kind, plan="购置蜂箱 200 箱，合作社统一养殖销售",
        mechanism="带动 20 户贫困户入社分红", targets="户均增收 3000 元", beneficiaries=20,
        lines=lines if lines is not None else [services.Line("equipment", "蜂箱 200 个", "40000"),
                                               services.Line("training", "养蜂技术培训", "5000")])
    today = timezone.localdate()
    services.application_submit(actor=None, application=application, on=today)
    return services.application_check(actor=None, application=application, on=today,
                                      results={code: True for code in CHECKLIST_CODES})


def noticed(application, days_ago=12):
    """Post it, then move its notice into the past (the period ended yesterday or earlier)."""
    today = timezone.localdate()
    services.notice_start(actor=None, application=application, on=today)
    start = today - datetime.timedelta(days=days_ago)
    Application.objects.filter(pk=application.pk).update(notice_from=start, notice_until=services.notice_end(start))
    application.refresh_from_db()
    return application


def add_fund(world) -> None:
    world.fund = {}
    services.contribution_record(actor=None, county_code=COUNTY, source="enterprise", donor="沿河茶业有限公司",
                                 amount="200000", received_on=timezone.localdate(), receipt_no="JZ-0001")
    persona = Expert.objects.create(county_code=COUNTY, name="评审专家甲", organisation="县农业农村局",
                                    user=world.users["expert"])
    pool = [persona] + [Expert.objects.create(county_code=COUNTY, name=f"专家{n}", organisation="县林业局")
                        for n in range(2, 6)]
    tied = Expert.objects.create(county_code=COUNTY, name="回避专家", organisation="乡农技站")
    tied.tied_villages.add(world.village("tdw"))
    unit = Expert.objects.create(county_code=COUNTY, name="单位专家", organisation="舟派出单位",
                                 sending_unit=world.units["gz"])
    world.fund["experts"] = {"persona": persona, "pool": pool, "tied": tied, "unit": unit}
    for side in world.villages:
        application = noticed(apply(world, side))
        PanelSeat.objects.bulk_create([PanelSeat(application=application, expert=expert) for expert in pool])
        draft = services.application_save(
            actor=None, village=world.village(side), title=f"{world.markers[side][0][0]}村辣椒烘干", beneficiary="village",
            kind="productive", plan="建烘干房一座", mechanism="收购贫困户辣椒", targets="带动 30 户", beneficiaries=30,
            lines=[services.Line("facilities", "烘干房设备", "30000")])
        world.fund[side] = {"application": application, "draft": draft}
        world.markers[side] += [application.title, draft.title]
