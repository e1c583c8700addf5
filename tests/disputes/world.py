"""Disputes and petitions of the test world: per side, a case with a villager of the registry and an
outsider as its parties, and a petition registered and accepted — each with marker names."""

import datetime

from django.utils import timezone

from minxin.disputes import services_case, services_petition


def add_disputes(world) -> None:
    world.disputes = {}
    today = timezone.localdate()
    for side in world.villages:
        marker = world.markers[side][0][0]
        village = world.village(side)
        member = world.registry[side]["member"]
        dispute = services_case.dispute_open(
            actor=None, village=village, title=f"{marker}宅基地纠纷", summary="两户因宅基地界址争执", intake="active",
            category="house", risk="yellow", arose_on=today - datetime.timedelta(days=5),
            reported_on=today - datetime.timedelta(days=4), visit_id=world.fieldwork[side]["visit"].pk,
            parties=[services_case.Party(side="first", member_id=member.pk),
                     services_case.Party(side="second", name=f"{marker}外村人", phone="13912345678")])
        petition = services_petition.petition_register(
            actor=None, region=village, petitioner=f"{marker}信访人", phone="13712345678", channel="visit",
            nature="demand", title=f"{marker}修路诉求", content="请求硬化通组路",
            received_on=today - datetime.timedelta(days=3))
        petition = services_petition.petition_step(actor=None, petition=petition, step="accept",
                                                   done_on=today - datetime.timedelta(days=2), handler="乡交通站")
        world.disputes[side] = {"dispute": dispute, "petition": petition,
                                "party": dispute.parties.get(side="second")}
        world.markers[side] += [f"{marker}宅基地纠纷", f"{marker}外村人", f"{marker}修路诉求", f"{marker}信访人"]
