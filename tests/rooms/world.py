"""Liaison rooms of the test world: per side, a room in the first village, opened this year (its
dues levied), a tranche received from the county, a working-fund spending and an evaluation — with
marker names."""

import datetime

from django.utils import timezone

from minxin.rooms import services
from minxin.rooms.models import Payer


def add_rooms(world) -> None:
    world.rooms = {}
    today = timezone.localdate()
    services.budget_allot(actor=None, county_code="520627000000", amount="1300000", allotted_on=today,
                          memo="县委组织部下达干群连心室建设经费")
    for side in world.villages:
        marker = world.markers[side][0][0]
        room = services.room_open(actor=None, village=world.village(side), opened_on=datetime.date(today.year, 1, 2),
                                  address=f"{marker}村委会一楼", equipment="桌椅、档案柜")
        county_due = room.dues.get(year=today.year, payer=Payer.COUNTY)
        receipt = services.receipt_record(actor=None, due=county_due, amount="3000", received_on=today,
                                          reference=f"{marker}县财政拨款")
        spending = services.spending_record(actor=None, room=room, kind="working", amount="120.50", spent_on=today,
                                            purpose=f"{marker}购置去向牌")
        construction = services.spending_record(actor=None, room=room, kind="construction", amount="50000",
                                                spent_on=today, purpose=f"{marker}说事室装修")
        evaluation = services.evaluation_record(
            actor=None, room=room, year=today.year, half=1, evaluated_on=max(datetime.date(today.year, 1, 2), today),
            scores={"premises": 18, "rules": 14, "duty": 13, "disclosure": 12, "service": 18, "records": 12},
            note=f"{marker}评估意见")
        world.rooms[side] = {"room": room, "receipt": receipt, "spending": spending, "construction": construction,
                             "evaluation": evaluation, "unit_due": room.dues.get(year=today.year, payer=Payer.UNIT)}
        world.markers[side] += [f"{marker}村委会一楼", f"{marker}购置去向牌", f"{marker}说事室装修", f"{marker}评估意见",
                                f"{marker}县财政拨款"]
