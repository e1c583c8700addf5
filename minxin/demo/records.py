"""The records the learn, plan, pair and livelihood hearts are scored from (issue 19.3): each
checklist's history with gaps closed through the year, the year before's income of registered
households, study and training sessions, and a development plan per village. Its own random
stream: the rest of the demo stays as it was."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from minxin.cadres.models import StudyAttendance, StudySession
from minxin.registry.io import bulk
from minxin.registry.models import Checklist, ChecklistChange, Income, PlanItem, VillagePlan

ITEMS = ("food", "clothing", "education", "medical", "housing", "water")
STUDY = [
    ("collective", "学习贯彻党的二十大精神专题学习", "县委组织部", Decimal(4)),
    ("training", "乡村振兴政策与驻村工作方法培训", "县委党校", Decimal(8)),
    ("training", "农村电商与特色产业发展培训", "县商务局", Decimal(6)),
    ("collective", "学习“十颗心”工作法经验交流会", "乡镇党委", Decimal(3)),
]
OWN_STUDY = [
    ("consult", "向老支书请教村情和产业发展", "村老支书", Decimal(2)),
    ("consult", "到种养大户家请教养殖技术", "种养大户", Decimal("1.5")),
    ("online", "贵州网络干部学院在线课程", "贵州网络干部学院", Decimal(3)),
    ("consult", "向村会计了解集体经济账目", "村会计", Decimal(1)),
    ("online", "学习强国专题学习", "学习强国", Decimal(2)),
]
PLAN_ITEMS = [
    ("infrastructure", "硬化通组路"), ("infrastructure", "建设村级卫生室"), ("infrastructure", "改造安全饮水管网"),
    ("industry", "发展生态茶园"), ("industry", "建设村集体养牛场"), ("industry", "建设空心李产业基地"),
    ("industry", "成立农民专业合作社"), ("livelihood", "完成危房改造"), ("livelihood", "实施农村改厕"),
    ("governance", "修订村规民约"), ("governance", "建设新时代文明实践站"), ("party", "规范村级党组织活动阵地"),
]


def generate(ctx) -> None:
    rng = random.Random(ctx.seed + 9)
    today = timezone.localdate()
    ctx.counts.update(checklist_changes=_checklist_history(rng, today), earlier_incomes=_earlier_incomes(rng),
                      study_sessions=_study(ctx, rng, today), village_plans=_plans(ctx, rng, today))


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _checklist_history(rng, today) -> int:
    """Each checklist's first check (未核查 items have no history); and, for one met household in six,
    one item found 未保障 at that check and closed during the past year."""
    rows = []
    for household_id, checked_on, *values in Checklist.objects.values_list("household_id", "checked_on", *ITEMS):
        first = _at(checked_on - datetime.timedelta(days=rng.randint(400, 700)))
        found = dict(zip(ITEMS, values, strict=True))
        met = [item for item, value in found.items() if value == "met"]
        if met and rng.random() < 1 / 6:
            item = rng.choice(met)
            found[item] = "gap"
            closed = today - datetime.timedelta(days=rng.randint(5, 360))
            rows.append((household_id, item, "gap", "met", _at(closed)))
        rows.extend((household_id, item, "", value, first) for item, value in found.items() if value)
    bulk.insert_rows(ChecklistChange, ["household_id", "item", "before", "after", "changed_at"], rows)
    return len(rows)


def _earlier_incomes(rng) -> int:
    """The year before the recorded one: most registered households earned less then (income grows)."""
    rows = []
    now = timezone.now()
    for household_id, year, persons, wage, business, transfer, assets, costs in Income.objects.values_list(
            "household_id", "year", "persons", "wage", "business", "transfer", "assets", "costs"):
        factor = Decimal(rng.choice(["0.78", "0.84", "0.9", "0.95", "1.06"]))
        rows.append((now, now, household_id, year - 1, persons, (wage * factor).quantize(Decimal("0.01")),
                     (business * factor).quantize(Decimal("1")), transfer, assets, costs))
    bulk.insert_rows(Income, ["created_at", "updated_at", "household_id", "year", "persons", "wage", "business",
                              "transfer", "assets", "costs"], rows)
    return len(rows)


def _study(ctx, rng, today) -> int:
    """A township session each quarter for all its cadres, and each cadre's own study and talks."""
    by_township: dict[str, list] = {}
    for cadre in ctx.cadres:
        by_township.setdefault(cadre.region_code[:9], []).append(cadre)
    sessions, attendees = [], []
    for township in sorted(by_township):
        team = by_township[township]
        for weeks_ago in (4, 17, 30, 43):
            kind, title, organiser, hours = rng.choice(STUDY)
            held = today - datetime.timedelta(weeks=weeks_ago, days=rng.randint(0, 20))
            sessions.append(StudySession(title=title, kind=kind, held_on=held, hours=hours, organiser=organiser,
                                         region_code=township + "000"))
            attendees.append([c for c in team if rng.random() < 0.9])
    for cadre in ctx.cadres:
        for _n in range(rng.randint(2, 7)):
            kind, title, organiser, hours = rng.choice(OWN_STUDY)
            held = today - datetime.timedelta(days=rng.randint(1, 360))
            sessions.append(StudySession(title=title, kind=kind, held_on=held, hours=hours, organiser=organiser,
                                         note="记录了请教的要点和下一步打算。" if kind == "consult" else "",
                                         region_code=cadre.region_code))
            attendees.append([cadre])
    StudySession.objects.bulk_create(sessions, batch_size=2000)
    StudyAttendance.objects.bulk_create([StudyAttendance(session=session, cadre=cadre)
                                         for session, team in zip(sessions, attendees, strict=True)
                                         for cadre in team], batch_size=5000)
    return len(sessions)


def _plans(ctx, rng, today) -> int:
    """A three-year plan per village (one in twenty has none yet): items due through the plan's
    years, most of those already due completed."""
    plans, items = [], []
    for village in ctx.villages:
        if rng.random() < 0.05:
            continue
        start = today.year - 1
        plan = VillagePlan(village=village, title=f"{village.name}{start}—{start + 2}年发展规划", start_year=start,
                           end_year=start + 2, approved_on=datetime.date(start, 3, rng.randint(1, 28)),
                           summary="立足村情，以产业发展为重点，补齐基础设施短板，提升村级治理水平。")
        plans.append(plan)
        for category, title in rng.sample(PLAN_ITEMS, rng.randint(6, 10)):
            due = datetime.date(start, 6, 30) + datetime.timedelta(days=rng.randint(0, 900))
            item = PlanItem(plan=plan, title=title, category=category, due_on=due)
            roll = rng.random()
            if due <= today:
                if roll < 0.72:
                    item.status, item.done_on = "done", min(today, due - datetime.timedelta(days=rng.randint(-20, 60)))
                elif roll < 0.95:
                    item.status = "active"
                    item.progress_note = "资金已到位，正在施工。"
                else:
                    item.status = "dropped"
                    item.progress_note = "经村民代表大会讨论调整，不再实施。"
            elif roll < 0.35:
                item.status, item.progress_note = "active", "已完成前期调研和选址。"
            items.append(item)
    VillagePlan.objects.bulk_create(plans, batch_size=1000)
    for item in items:
        item.plan_id = item.plan.pk
    PlanItem.objects.bulk_create(items, batch_size=2000)
    return len(plans)
