"""What a year of real use leaves in the records besides the counts (issue 19.7): each village's file
(infrastructure, 两委, branch, liaison room), the named participants of meetings, a few visit photos
(small generated pictures), and the township's import of its 建档立卡 sheet. Its own random stream:
the rest of the demo stays as it was."""

import math
import random
import struct
import zlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models import Sum
from django.utils import timezone

from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.fieldwork.models import Meeting, Participant, Visit, VisitPhoto
from minxin.registry.io.checks import Checked
from minxin.registry.io.layout import Header
from minxin.registry.io.notes import layout_notes
from minxin.registry.models import Household, ImportJob, VillageFile

MAX_PHOTOS = 120
PICTURES = 6


def generate(ctx) -> None:
    rng = random.Random(ctx.seed + 10)
    ctx.counts.update(village_files=_village_files(ctx, rng), meeting_participants=_participants(ctx, rng),
                      visit_photos=_photos(rng), import_jobs=_imports(ctx))


def _imports(ctx) -> int:
    """Each township account's import of its sheet at the start of the year, as the import page lists it
    (the file itself is gone: an upload is deleted once read)."""
    jobs = []
    for user in User.objects.filter(role=Role.TOWNSHIP_ADMIN).order_by("pk"):
        households = Household.objects.filter(village__code__startswith=user.scope_id[:9])
        count, people = households.count(), households.aggregate(n=Sum("member_count"))["n"] or 0
        read = Checked()  # how the importer read the sheet: a title above the header, a total below
        read.header = Header(2, [], complete=True, above=[(1, "title", "沿河土家族自治县建档立卡贫困人口信息表")])
        read.skipped = {"total": [people + 3]}
        jobs.append(ImportJob(
            created_by=user, region_code=user.scope_id, file_name=f"{timezone.localdate().year}年建档立卡户信息表.xlsx",
            stored_path="", state=ImportJob.State.DONE, progress=100, rows_total=people,
            finished_at=timezone.now(), sheet="", layout=layout_notes(read, None),
            counts={"rows": people, "households_in_file": count, "households_invalid": 0,
                    "households_created": 0, "households_updated": 0, "households_unchanged": count,
                    "members_created": 0, "members_updated": 0, "members_unchanged": people},
            message="没有需要更改的数据（与档案一致）。"))
    ImportJob.objects.bulk_create(jobs)
    return len(jobs)


def _village_files(ctx, rng) -> int:
    files = []
    for village in ctx.villages:
        members = [ctx.faker.name() for _ in range(5)]
        party = rng.randint(18, 70)
        files.append(VillageFile(
            village=village,
            road=f"通组硬化路 {rng.randint(4, 15)} 条、共 {rng.randint(8, 40)} 公里，串户路基本硬化",
            water=f"集中供水，自来水入户率 {rng.randint(92, 100)}%",
            electricity="农网改造已完成，动力电通达各组",
            broadband=rng.choice(["4G 全覆盖，光纤到村委会", "4G 全覆盖，光纤到组", "5G 覆盖村委会周边，光纤到组"]),
            clinic=f"标准化村卫生室 1 个，乡村医生 {rng.randint(1, 3)} 名",
            collective_income=Decimal(rng.randint(50, 600) * 1000),
            committees=(f"党支部书记、村委会主任：{members[0]}\n副主任：{members[1]}\n"
                        f"委员：{members[2]}、{members[3]}、{members[4]}"),
            party_branch=f"村党支部，党员 {party} 名（女党员 {rng.randint(2, party // 4)} 名），下设党小组 {rng.randint(2, 5)} 个",
            liaison_room=rng.choice(["设在村委会一楼，每周一、四由驻村干部值班", "设在村便民服务中心，工作日轮流值班"]),
        ))
    VillageFile.objects.bulk_create(files, batch_size=1000)
    return len(files)


def _participants(ctx, rng) -> int:
    """Three to eight named participants per meeting: heads of households of its village."""
    heads: dict[str, list] = {}
    for pk, village_id, name in Household.objects.values_list("pk", "village_id", "head_name").order_by("pk"):
        heads.setdefault(village_id, []).append((pk, name))
    rows = []
    for meeting_id, village_id in Meeting.objects.values_list("pk", "village_id").order_by("pk"):
        known = heads.get(village_id) or []
        for household_id, name in rng.sample(known, min(len(known), rng.randint(3, 8))):
            rows.append(Participant(meeting_id=meeting_id, name=name or ctx.faker.name(), household_id=household_id))
    Participant.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _photos(rng) -> int:
    """One visit in forty, at most MAX_PHOTOS, with a small picture of hills under the sky (a few
    pictures drawn once, each stored as its own file)."""
    visits = list(Visit.objects.order_by("pk").values_list("pk", flat=True))
    chosen = sorted(rng.sample(visits, min(MAX_PHOTOS, len(visits), max(4, len(visits) // 40))))
    pictures = [_picture(rng) for _ in range(min(PICTURES, len(chosen)))]
    for visit in Visit.objects.filter(pk__in=chosen).order_by("pk"):
        data = rng.choice(pictures)
        photo = VisitPhoto(visit=visit, content_type="image/png", size=len(data))
        photo.image.save("photo.png", ContentFile(data), save=True)
    return len(chosen)


def _picture(rng, width: int = 160, height: int = 120) -> bytes:
    """A PNG (RGB, 8 bits): a sky fading to the horizon and two ridges of green hills."""
    phase, ridge = rng.random() * 6.3, rng.randint(50, 75)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter: none
        for x in range(width):
            near = ridge + 18 + 10 * math.sin(x / 13 + phase * 2)
            far = ridge + 12 * math.sin(x / 23 + phase)
            if y > near:
                pixel = (46, 110 + (y * 40) // height, 52)
            elif y > far:
                pixel = (90, 140, 100)
            else:
                pixel = (150 + y, 190 + y // 2, 235)
            row += bytes(min(255, channel) for channel in pixel)
        rows.append(bytes(row))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))
