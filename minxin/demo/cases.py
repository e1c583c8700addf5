"""Demo dispute cases and petitions for a year: most cases mediated within the month in the village,
some escalated to the township, a few failed or overdue; petitions at every stage of the 信访工作条例,
a few late, a few backlog cases with their leaders. The first village and township (the demo clerk's,
cadre's and township admin's) always have something due this week. Own random stream; bulk inserts."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from minxin.disputes import deadlines
from minxin.disputes.models import Dispute, DisputeParty, DisputeStep, Petition, PetitionStep
from minxin.fieldwork.models import Visit
from minxin.registry.models import Member

TITLES = {
    "house": ["宅基地界址纠纷", "建房滴水纠纷"], "neighbour": ["排水沟堵塞纠纷", "牲畜损毁庄稼纠纷", "通行道路纠纷"],
    "forest": ["山林界址纠纷", "林木采伐纠纷"], "contract_land": ["土地流转租金纠纷", "承包地调整纠纷"],
    "family": ["赡养老人纠纷", "婚姻家庭纠纷"], "labour": ["务工工资拖欠纠纷"], "damages": ["交通事故赔偿纠纷"],
    "village_affairs": ["村务公开争议"],
}
PETITIONS = [("demand", "要求硬化通组路"), ("demand", "反映低保评定不公"), ("demand", "要求解决饮水困难"),
             ("appeal", "对危房改造补助认定不服"), ("suggestion", "建议增设公交站点"), ("accusation", "反映村干部优亲厚友")]
MEASURES = ["安排网格员稳控双方情绪，约定调解前不得动工", "分别上门做思想工作，防止矛盾激化"]
FINDINGS = ["现场查看界址，查阅林权证和原始协议", "询问双方及见证人，核实争议事实"]


def _later(rng, day: datetime.date, low: int, high: int, today: datetime.date) -> datetime.date:
    return min(day + datetime.timedelta(days=rng.randint(low, high)), today)


def _members_by_village(villages) -> dict[str, list[tuple[int, str]]]:
    found = defaultdict(list)
    rows = Member.objects.filter(village_code__in=[v.code for v in villages], relation="head").values_list(
        "village_code", "id", "name").order_by("id")
    for code, pk, name in rows.iterator(chunk_size=5000):
        if len(found[code]) < 40:
            found[code].append((pk, name))
    return found


def _case(rng, ctx, village, today, *, recent: bool, mediation_visits) -> tuple[Dispute, list]:
    """A case and its steps (as (step, day, note) tuples), drawn for a village."""
    category = rng.choice(list(TITLES))
    reported = today - datetime.timedelta(days=rng.randint(0, 25) if recent else rng.randint(31, 360))
    arose = reported - datetime.timedelta(days=rng.choice([0, 1, 1, 2, 3, 5, 9]))
    dispute = Dispute(village=village, title=rng.choice(TITLES[category]), category=category,
                      summary="双方因" + rng.choice(TITLES[category]).removesuffix("纠纷") + "发生争执，经排查发现并登记。",
                      intake=rng.choice(["active", "active", "application", "referral"]),
                      risk=rng.choice(["blue", "yellow", "yellow", "yellow", "orange", "red"]), arose_on=arose,
                      reported_on=reported, due_on=deadlines.dispute_due(reported))
    if mediation_visits and rng.random() < 0.3:
        dispute.source_visit_id = rng.choice(mediation_visits)
    steps = [("report", reported, dispute.title)]
    day = reported
    stop = rng.randint(0, 4) if recent else (4 if rng.random() < 0.93 else rng.randint(1, 3))
    if rng.random() < 0.12:
        day = _later(rng, day, 0, 3, today)
        dispute.level, dispute.escalated_on = Dispute.Level.TOWNSHIP, day
        dispute.escalation_reason = "涉及人数多，村级调解未果，上报乡镇司法所"
        steps.append(("escalate", day, dispute.escalation_reason))
    for index, (step, state) in enumerate([("assign", "assigned"), ("prevent", "prevented"),
                                           ("investigate", "investigated"), ("resolve", "resolved")]):
        if index >= stop:
            break
        day = _later(rng, day, 1, 9 if step == "resolve" else 4, today)
        dispute.state = state
        note = {"assign": "指定调解员", "prevent": rng.choice(MEASURES), "investigate": rng.choice(FINDINGS)}.get(step, "")
        if step == "assign":
            dispute.mediator = ctx.faker.name()
        elif step == "prevent":
            dispute.measures = note
        elif step == "investigate":
            dispute.findings = note
        else:
            dispute.result = rng.choices(["success", "failed", "terminated"], [85, 10, 5])[0]
            dispute.concluded_on, dispute.due_on = day, None
            note = dispute.mediation_record = "组织双方面对面调解，讲清法律政策，" + (
                "双方达成一致" if dispute.result == "success" else "双方分歧较大，告知其可通过诉讼解决")
            if dispute.result == "success":
                dispute.agreement = rng.choice(["written", "written", "oral"])
                dispute.agreement_terms = "双方互谅互让，按现场确认的界址为准，一方赔偿另一方损失"
                dispute.amount = Decimal(rng.choice([0, 200, 500, 800, 1500, 3000]))
                dispute.perform_by = day + datetime.timedelta(days=15)
        steps.append((step, day, note))
    if dispute.result == "success" and (today - day).days > 20:
        dispute.performed_on = _later(rng, day, 1, 15, today)
        dispute.follow_up_on = _later(rng, dispute.performed_on, 1, 10, today)
        dispute.follow_up_note = "回访双方，协议已履行，未出现反复"
        steps += [("perform", dispute.performed_on, "已按协议履行"), ("follow_up", dispute.follow_up_on,
                                                                    dispute.follow_up_note)]
        if dispute.agreement == "written" and rng.random() < 0.2:
            dispute.judicial_applied_on = _later(rng, day, 3, 20, today)
            dispute.judicial_court = "沿河土家族自治县人民法院"
            steps.append(("judicial", dispute.judicial_applied_on, ""))
    return dispute, sorted(steps, key=lambda s: s[1])


def _parties(rng, ctx, dispute, members) -> list[DisputeParty]:
    chosen = rng.sample(members, min(2, len(members))) if members else []
    rows = [DisputeParty(dispute=dispute, side=side, member_id=pk, name=name)
            for side, (pk, name) in zip(("first", "second"), chosen, strict=False)]
    if len(rows) < 2 or rng.random() < 0.25:
        rows = rows[:1] + [DisputeParty(dispute=dispute, side="second", name=ctx.faker.name(),
                                        phone=f"139{rng.randint(10000000, 99999999)}", address="邻县")]
    if rows[0].side != "first":
        rows[0].side = "first"
    return rows


def _home_village(ctx):
    """The demo clerk's and cadre's village: the first of 土地坳镇 (as the demo accounts pick it)."""
    return next((v for v in ctx.villages if v.parent_id == "520627106000"), ctx.villages[0])


def _disputes(rng, ctx, today) -> int:
    members = _members_by_village(ctx.villages)
    visits = defaultdict(list)
    for code, pk in Visit.objects.filter(kind=Visit.Kind.MEDIATION).values_list("village_id", "id").iterator():
        visits[code].append(pk)
    first = _home_village(ctx)
    cases = []
    for village in sorted(ctx.villages, key=lambda v: v != first):
        count = rng.choices([0, 1, 2, 3, 4], [15, 30, 30, 15, 10])[0] + (2 if village == first else 0)
        for index in range(count):
            recent = index == 0 and village == first or rng.random() < 0.12
            cases.append(_case(rng, ctx, village, today, recent=recent, mediation_visits=visits.get(village.code)))
    # the first village always has a case due this week (the demo clerk's and cadre's inbox)
    due_soon, _steps = cases[0]
    due_soon.reported_on = due_soon.arose_on = today - datetime.timedelta(days=26)
    due_soon.state, due_soon.level, due_soon.due_on = "assigned", "village", deadlines.dispute_due(
        due_soon.reported_on)
    due_soon.mediator, due_soon.result, due_soon.concluded_on = "村调委会主任", "", None
    cases[0] = (due_soon, [("report", due_soon.reported_on, due_soon.title),
                           ("assign", due_soon.reported_on + datetime.timedelta(days=1), "指定调解员")])
    Dispute.objects.bulk_create([case for case, _steps in cases], batch_size=2000)
    parties, steps = [], []
    for case, case_steps in cases:
        parties += _parties(rng, ctx, case, members.get(case.village_id, []))
        steps += [DisputeStep(dispute=case, step=step, done_on=day, note=note) for step, day, note in case_steps]
    DisputeParty.objects.bulk_create(parties, batch_size=5000)
    DisputeStep.objects.bulk_create(steps, batch_size=5000)
    return len(cases)


def _petition(rng, ctx, region, today, *, age: int, undecided: bool = False) -> tuple[Petition, list]:
    nature, title = rng.choice(PETITIONS)
    received = today - datetime.timedelta(days=age)
    petition = Petition(region=region, petitioner=ctx.faker.name(), phone=f"137{rng.randint(10000000, 99999999)}",
                        persons=rng.choice([1, 1, 1, 2, 5]), channel=rng.choice(["visit", "letter", "online", "phone"]),
                        nature=nature, title=title, content=f"信访人{title}，请求有关部门尽快解决。", received_on=received,
                        due_on=deadlines.after(received, deadlines.ACCEPT_DAYS))
    steps = [("register", received, "")]
    decided = received + datetime.timedelta(days=rng.choice([2, 5, 8, 12, 14, 18]))
    if decided > today or undecided:
        return petition, steps
    if rng.random() < 0.08:
        petition.state, petition.decided_on, petition.due_on = "rejected", decided, None
        petition.decision_note = "属于诉讼事项，已告知信访人依法向人民法院起诉"
        return petition, steps + [("reject", decided, petition.decision_note)]
    petition.state, petition.decided_on, petition.handler = "accepted", decided, "乡镇人民政府"
    petition.handling_due = petition.due_on = deadlines.after(decided, deadlines.HANDLE_DAYS)
    steps.append(("accept", decided, "属本级职责范围，予以受理"))
    replied = decided + datetime.timedelta(days=rng.choice([10, 25, 40, 55, 58, 65]))
    if replied > today:
        return petition, steps
    petition.state, petition.replied_on, petition.due_on = "replied", replied, None
    petition.result = rng.choice(["supported", "supported", "partly", "not_supported"])
    petition.reply = "经调查核实，已书面答复信访人处理意见"
    steps.append(("reply", replied, petition.reply))
    if petition.result != "supported" and rng.random() < 0.3 and replied + datetime.timedelta(days=10) <= today:
        requested = replied + datetime.timedelta(days=rng.randint(5, 25))
        if requested <= today:
            petition.state, petition.review_requested_on = "review_requested", requested
            petition.due_on = deadlines.after(requested, deadlines.REVIEW_DAYS)
            steps.append(("request_review", requested, "信访人不服答复意见，请求复查"))
            reviewed = requested + datetime.timedelta(days=rng.randint(10, 28))
            if reviewed <= today:
                petition.state, petition.reviewed_on, petition.due_on = "reviewed", reviewed, None
                petition.review_note = "维持原处理意见"
                steps.append(("review", reviewed, petition.review_note))
    elif (today - replied).days > 30:
        petition.state, petition.closed_on = "closed", replied + datetime.timedelta(days=31)
        steps.append(("close", petition.closed_on, "答复后三十日内未请求复查，息诉罢访"))
    return petition, steps


def _petitions(rng, ctx, today) -> int:
    townships = defaultdict(list)
    for village in ctx.villages:
        townships[village.parent_id].append(village)
    home = _home_village(ctx)
    rows = [_petition(rng, ctx, home, today, age=10, undecided=True)]  # the demo township admin's: due this week
    for _code, villages in sorted(townships.items()):
        for _n in range(rng.randint(5, 12)):
            rows.append(_petition(rng, ctx, rng.choice(villages), today, age=rng.randint(3, 360)))
    for petition, _steps in rows:
        if petition.state not in ("closed", "rejected") and rng.random() < 0.1:
            petition.backlog_leader = rng.choice(["乡党委书记", "乡长", "分管政法副书记"])
            petition.backlog_deadline = today + datetime.timedelta(days=rng.randint(-10, 60))
            petition.strategy = "领导包案，定期接访，逐项落实化解措施"
    Petition.objects.bulk_create([petition for petition, _steps in rows], batch_size=2000)
    PetitionStep.objects.bulk_create([PetitionStep(petition=petition, step=step, done_on=day, note=note)
                                      for petition, steps in rows for step, day, note in steps], batch_size=5000)
    return len(rows)


def generate(ctx) -> None:
    rng = random.Random(ctx.seed + 16)
    today = timezone.localdate()
    ctx.counts.update(disputes=_disputes(rng, ctx, today), petitions=_petitions(rng, ctx, today))
