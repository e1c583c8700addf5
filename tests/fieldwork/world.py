"""Field-work objects for the shared test world (tests/world.py calls `add_fieldwork`).

Per side: households in the first village (head names carry the side's marker), a visit with a
need, a meeting, a family call, a diary entry, a villager request and a liaison card — each with
the marker in a visible field, so a list leaking the other side is caught by the matrix.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from minxin.fieldwork.models import (
    DiaryEntry,
    FamilyCall,
    LiaisonCard,
    Meeting,
    Need,
    VillagerRequest,
    Visit,
    VisitPhoto,
)
from minxin.registry.models import Helper, Household

# A valid 1×1 PNG (each chunk's length and CRC right: photos are parsed, fieldwork.photos).
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082")


def make_households(world, side: str, count: int = 4, *, village_index: int = 0) -> list[Household]:
    marker = world.markers[side][0][0]  # the side's one-character marker (坳 / 舟)
    village = world.village(side, village_index)
    start = Household.objects.filter(number__startswith=f"FW{village.code}").count()
    rows = [Household(village=village, number=f"FW{village.code}{index:03d}", group=f"{index % 3 + 1}组",
                      head_name=f"{marker}户主{index}", name_pinyin=f"hz{index}",
                      care_elderly=index == 1, care_child=index == 2) for index in range(start, start + count)]
    return Household.objects.bulk_create(rows)


def add_fieldwork(world) -> None:
    world.fieldwork = {}
    now = timezone.now()
    for side in world.villages:
        marker = world.markers[side][0][0]
        village = world.village(side)
        cadre = world.cadres[side][0]
        user = world.users[f"{side}_cadre"]
        households = make_households(world, side)
        Helper.objects.create(household=households[0], name=cadre.name, cadre=cadre)
        visit = Visit.objects.create(
            village=village, recorded_by=user, cadre=cadre, household=households[0],
            occurred_at=now - datetime.timedelta(days=2), kind=Visit.Kind.HOME, notes=f"{marker}走访日记")
        need = Need.objects.create(village=village, household=households[0], visit=visit, category="water",
                                   text=f"{marker}饮水困难", recorded_by=user, raised_at=visit.occurred_at)
        meeting = Meeting.objects.create(
            village=village, recorded_by=user, cadre=cadre, category="lecture", kind="law",
            occurred_at=now - datetime.timedelta(days=3), place="村委会", topic=f"{marker}法治讲座", attendance=40)
        call = FamilyCall.objects.create(
            village=village, recorded_by=user, cadre=cadre, left_behind_name=f"{marker}奶奶",
            left_behind_kind="elderly", relative_name=f"{marker}儿子", relative_place="浙江宁波",
            occurred_at=now - datetime.timedelta(days=4), minutes=20)
        diary = DiaryEntry.objects.create(village=village, recorded_by=user, cadre=cadre, text=f"{marker}日记正文",
                                          occurred_at=now - datetime.timedelta(days=1))
        card = LiaisonCard.objects.create(village=village, household=households[1], issued_by=user)
        request = VillagerRequest.objects.create(
            village=village, household=households[1], card=card, source="card", text=f"{marker}路灯坏了",
            submitted_at=now - datetime.timedelta(days=10))
        photo = VisitPhoto(visit=visit, content_type="image/png", size=len(TINY_PNG))
        photo.image.save(f"{photo.uuid}.png", ContentFile(TINY_PNG), save=False)
        photo.save()
        world.fieldwork[side] = {
            "households": households, "visit": visit, "need": need, "meeting": meeting, "call": call,
            "diary": diary, "card": card, "request": request, "photo": photo,
        }
        world.markers[side] += [f"{marker}户主0", f"{marker}饮水困难", f"{marker}法治讲座", f"{marker}奶奶",
                                f"{marker}日记正文", f"{marker}路灯坏了"]
