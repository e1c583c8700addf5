"""Demo field work: visits (about one per household per year at county scale), meetings, lectures,
trainings, family calls, diary entries, needs, villager requests and liaison cards.

Rows are built as tuples from the seeded random generator (UUIDs and card tokens too, so a seed
always gives the same data) and written with the registry's raw bulk writer: the county scale is
several hundred thousand rows and must load in well under a minute. Demo card tokens are
reproducible from the seed; real cards get tokens from `secrets` (LiaisonCard.token's default).
"""

import base64
import datetime
import uuid

from django.utils import timezone

from minxin.fieldwork.models import (
    DiaryEntry,
    FamilyCall,
    LiaisonCard,
    Meeting,
    Need,
    VillagerRequest,
    Visit,
)
from minxin.fieldwork.models.followup import REFERENCE_ALPHABET, REFERENCE_LENGTH
from minxin.registry.io import bulk
from minxin.registry.models import Household

# How many visits a household gets in the past year: weights for 0, 1, 2, 3 (mean ≈ 1.15, and
# about one household in six is never visited, so the coverage lists have something to show).
VISITS_PER_HOUSEHOLD = ([0, 1, 2, 3], [17, 50, 26, 7])
VISIT_KINDS = (["home", "pairing", "care", "policy", "mediation", "follow_up"], [45, 20, 10, 12, 5, 8])
NOTES = ["了解家庭收入和务工情况。", "询问老人身体状况，叮嘱按时服药。", "宣讲医保和养老保险缴费政策。",
         "查看住房安全情况，屋顶无漏雨。", "了解孩子上学情况，提醒申请教育资助。", "协调邻里用水纠纷，双方达成一致。",
         "回访上次反映的饮水问题，已解决。", "帮助联系合作社收购农产品。", "核实低保家庭人口变化。"]
HELP = ["", "", "帮助办理医保缴费。", "联系技能培训名额。", "送去种苗和化肥。", "代办残疾人证申请。"]
NEED_TEXTS = {"income": "想外出务工，希望介绍工作", "industry": "想发展养殖，缺少技术和资金", "housing": "房屋年久，雨季漏水",
              "medical": "慢性病买药报销不方便", "education": "孩子上高中，学费有压力", "water": "旱季饮水不够",
              "road": "入户路泥泞，希望硬化", "security": "老人想了解养老保险补缴", "dispute": "与邻居宅基地有争议",
              "policy": "想了解易地搬迁政策"}
REQUEST_TEXTS = ["组里路灯坏了，晚上出行不便。", "希望修一下村口的排水沟。", "想咨询小额信贷怎么申请。",
                 "家里老人腿脚不便，想申请轮椅。", "自来水压力小，高处用不上水。", "想参加电商培训。"]
MEETING_TOPICS = {"meeting": ["产业路修建议事", "村规民约修订", "低保评议", "人居环境整治"],
                  "lecture": ["党的二十大精神宣讲", "乡村振兴政策解读", "孝老爱亲身边好人", "防范电信诈骗", "土地承包法解读"],
                  "training": ["网店开设与运营", "农村淘宝代购代销", "茶叶种植技术", "家政服务技能", "电工技能"]}
PLACES = ["村委会会议室", "院坝", "新时代文明实践站", "村小学", "电商服务站"]
CITIES = ["浙江宁波", "广东东莞", "广东深圳", "福建厦门", "贵州贵阳", "江苏苏州", "上海"]


def _uuid(rng) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _token(rng) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).rstrip(b"=").decode()


def _when(rng, now, days):
    """A time in the past `days` days, in working hours (Asia/Shanghai), never in the future."""
    local = timezone.localtime(now) - datetime.timedelta(days=rng.randint(0, days))
    moment = local.replace(hour=rng.randint(8, 19), minute=rng.randint(0, 59), second=0, microsecond=0)
    return min(moment, now - datetime.timedelta(minutes=5))


def generate(ctx) -> None:
    rng, now = ctx.rng, timezone.now()
    teams = {}
    for cadre in ctx.cadres:
        teams.setdefault(cadre.region_code, []).append(cadre.pk)
    households = list(Household.objects.filter(village_id__in=[v.code for v in ctx.villages])
                      .order_by("id").values_list("id", "village_id", "care_child", "care_elderly", "care_women"))
    # tiny/small keep fewer visits so that the coverage lists are not all green.
    visit_weights = [30, 45, 20, 5] if ctx.scale.townships else VISITS_PER_HOUSEHOLD[1]
    visits, needs, requests, cards = [], [], [], []
    need_visits = []  # the uuid of the visit each need was voiced on
    visit_fields = ["uuid", "created_at", "updated_at", "village_id", "device_time", "received_at", "late", "cadre_id",
                    "household_id", "occurred_at", "kind", "notes", "help_given"]
    for hid, village, care_child, care_elderly, care_women in households:
        team = teams.get(village)
        if team:
            count = rng.choices(VISITS_PER_HOUSEHOLD[0], visit_weights)[0]
            for _ in range(count):
                when = _when(rng, now, 364)
                kind = "care" if (care_child or care_elderly or care_women) and rng.random() < 0.5 else \
                    rng.choices(*VISIT_KINDS)[0]
                late = rng.random() < 0.01
                received = when + datetime.timedelta(days=rng.randint(4, 9) if late else 0,
                                                     minutes=rng.randint(1, 600))
                visits.append((_uuid(rng), received, received, village, when, min(received, now), late,
                               rng.choice(team), hid, when, kind, rng.choice(NOTES), rng.choice(HELP)))
                if rng.random() < 0.05:
                    category = rng.choice(list(NEED_TEXTS))
                    closed = rng.random() < 0.55
                    need_visits.append(visits[-1][0])
                    needs.append((_uuid(rng), now, now, village, hid, category, NEED_TEXTS[category],
                                  "closed" if closed else rng.choice(["open", "in_progress"]), when,
                                  when + datetime.timedelta(days=rng.randint(3, 40)) if closed else None,
                                  "已协调解决。" if closed else ""))
        if rng.random() < 0.9:
            cards.append((now, now, village, hid, _token(rng), _when(rng, now, 500), None))
        if rng.random() < 0.03:
            requests.append(_request(rng, now, village, hid, "card" if rng.random() < 0.6 else "visit"))
    bulk.insert_rows(Visit, visit_fields, visits)
    visit_ids = _ids_by_uuid(need_visits)
    bulk.insert_rows(Need, ["uuid", "created_at", "updated_at", "village_id", "household_id", "category", "text",
                            "status", "raised_at", "closed_at", "progress", "visit_id"],
                     [(*need, visit_ids[key]) for need, key in zip(needs, need_visits, strict=True)])
    bulk.insert_rows(VillagerRequest, ["uuid", "created_at", "updated_at", "village_id", "household_id", "source",
                                       "text", "status", "submitted_at", "answer", "answered_at", "closed_at",
                                       "satisfaction", "contact_name", "contact_phone", "assigned_at", "reference"],
                     requests)
    # Cards are written before meetings so that issuance (not meeting noise) fixes the card ids.
    bulk.insert_rows(LiaisonCard, ["created_at", "updated_at", "village_id", "household_id", "token", "issued_at",
                                   "revoked_at"], cards)
    meetings, calls, diary = _village_records(ctx, rng, now, teams)
    _analyze()
    ctx.counts.update(visits=len(visits), needs=len(needs), villager_requests=len(requests),
                      liaison_cards=len(cards), meetings=meetings, family_calls=calls, diary_entries=diary)


def _ids_by_uuid(keys: list[str]) -> dict[str, int]:
    """The ids of visits just bulk-inserted, by their uuid (hex)."""
    ids: dict[str, int] = {}
    for start in range(0, len(keys), 2000):
        for key, pk in Visit.objects.filter(uuid__in=keys[start:start + 2000]).values_list("uuid", "id"):
            ids[key.hex] = pk
    return ids


def assign_requests(ctx) -> None:
    """Requests past "new" were handed to the township's administrator (called once accounts exist)."""
    from minxin.accounts.models import User
    from minxin.accounts.roles import Role

    for user in User.objects.filter(role=Role.TOWNSHIP_ADMIN).select_related("scope"):
        VillagerRequest.objects.filter(village__code__startswith=user.scope.prefix, assigned_at__isnull=False,
                                       assignee__isnull=True).update(assignee=user)


def _analyze() -> None:
    """Fresh statistics after a bulk load: PostgreSQL would otherwise plan the coverage queries on
    empty-table estimates (a hash anti-join over every visit in the county) until autovacuum runs."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tables = [Visit._meta.db_table, Need._meta.db_table, VillagerRequest._meta.db_table,
              LiaisonCard._meta.db_table, Household._meta.db_table, "registry_helper"]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _request(rng, now, village, hid, source):
    submitted = _when(rng, now, 200)
    stage = rng.random()
    answered = submitted + datetime.timedelta(hours=rng.randint(2, 24 * 12)) if stage > 0.2 else None
    answered = answered if answered is None or answered < now else None
    closed = answered + datetime.timedelta(days=rng.randint(1, 10)) if answered and stage > 0.45 else None
    closed = closed if closed is None or closed < now else None
    status = "closed" if closed else ("answered" if answered else "new")
    return (_uuid(rng), now, now, village, hid, source, rng.choice(REQUEST_TEXTS), status, submitted,
            "已安排人员处理，请留意。" if answered else "", answered, closed,
            rng.choice(["satisfied", "satisfied", "basic", "dissatisfied"]) if closed else "", "", "", answered,
            "".join(rng.choice(REFERENCE_ALPHABET) for _position in range(REFERENCE_LENGTH)))


def _village_records(ctx, rng, now, teams) -> tuple[int, int, int]:
    """Meetings, lectures and trainings (≈ 11 a village a year at county scale), family calls and
    the cadres' diary entries."""
    meetings, calls, diary = [], [], []
    per_village = {"small": 14, "tiny": 10}.get(ctx.scale.name, 11)
    for village in ctx.villages:
        team = teams.get(village.code)
        if not team:
            continue
        for _ in range(per_village):
            category = rng.choices(["meeting", "lecture", "training"], [40, 45, 15])[0]
            kind = rng.choice(Meeting.KINDS_BY_CATEGORY[category])
            when = _when(rng, now, 364)
            meetings.append((_uuid(rng), now, now, village.code, when, when, False, category, str(kind),
                             rng.choice(team), when, rng.choice(PLACES), rng.choice(MEETING_TOPICS[category]),
                             rng.randint(15, 120), ""))
        for _ in range(rng.randint(4, 10)):
            when = _when(rng, now, 364)
            calls.append((_uuid(rng), now, now, village.code, when, when, False, rng.choice(team),
                          ctx.faker.name(), rng.choice(["elderly", "elderly", "child", "woman"]),
                          ctx.faker.name(), rng.choice(CITIES), when, rng.randint(8, 45)))
        for cadre in team:
            for _ in range(rng.randint(15, 30)):
                when = _when(rng, now, 364)
                diary.append((_uuid(rng), now, now, village.code, when, when, False, cadre, when,
                              rng.choice(NOTES)))
    common = ["uuid", "created_at", "updated_at", "village_id", "device_time", "received_at", "late"]
    bulk.insert_rows(Meeting, [*common, "category", "kind", "cadre_id", "occurred_at", "place", "topic", "attendance",
                               "notes"], meetings)
    bulk.insert_rows(FamilyCall, [*common, "cadre_id", "left_behind_name", "left_behind_kind", "relative_name",
                                  "relative_place", "occurred_at", "minutes"], calls)
    bulk.insert_rows(DiaryEntry, [*common, "cadre_id", "occurred_at", "text"], diary)
    return len(meetings), len(calls), len(diary)
