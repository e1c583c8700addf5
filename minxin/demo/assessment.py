"""Demo pledges, supervision and a published quarter (runs after the accounts exist).

Every cadre files a pledge for the year (most before the deadline, some late, a few not at all),
the townships make them public; each village gets a quarterly inspection in the last complete
quarter with manual scores for the manual indicators and, now and then, a finding (an unexcused
absence or a rectification task). The last complete quarter is then computed and published with
the same services the county uses, so the demo opens on a real ranking and bulletin.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.assessment import engine, services
from minxin.assessment import indicators as registry
from minxin.assessment.models import (
    Consequence,
    Finding,
    IndicatorScore,
    Inspection,
    ManualScore,
    Pledge,
    PledgeBoard,
    PledgeDelivery,
    PledgeItem,
    Rectification,
)
from minxin.assessment.window import Window

ITEMS = [
    ("settle", "每月在村工作不少于 20 天", "月均在村天数 ≥ 20"),
    ("pair", "走访全村农户，结对户每季度至少走访 1 次", "入户走访覆盖率 ≥ 80%"),
    ("care", "关爱留守老人和儿童，组织亲情视频聊天", "每季度不少于 3 次"),
    ("publicize", "召开院坝会宣讲政策", "每季度不少于 2 次"),
    ("livelihood", "群众诉求 7 天内答复", "按时答复率 ≥ 95%"),
    ("industry", "组织农村电商培训", "全年不少于 4 期"),
    ("organize", "培养入党积极分子", "全年不少于 2 名"),
]


def last_complete_quarter(today: datetime.date) -> Window:
    quarter = (today.month - 1) // 3  # the one before the current quarter
    return Window(today.year, quarter) if quarter else Window(today.year - 1, 4)


def generate(ctx) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    admin = User.objects.get(username="admin")
    window = last_complete_quarter(today)
    due = timezone.make_aware(datetime.datetime(window.year, 3, 31, 18))
    pledges, boards = [], set()
    for cadre in ctx.cadres:
        roll = rng.random()
        if roll < 0.04:
            continue  # no pledge: plan.pledge scores 0
        late = roll < 0.12
        submitted = due + datetime.timedelta(days=rng.randint(1, 40)) if late else \
            due - datetime.timedelta(days=rng.randint(5, 80))
        pledges.append(Pledge(cadre=cadre, year=window.year, village_id=cadre.region_code,
                              status=Pledge.Status.PUBLIC, submitted_at=submitted,
                              published_at=submitted + datetime.timedelta(days=3)))
        boards.add(cadre.region_code)
    Pledge.objects.bulk_create(pledges, batch_size=2000)
    PledgeBoard.objects.bulk_create([PledgeBoard(village_id=code) for code in sorted(boards)])
    items = [PledgeItem(pledge=p, heart=h, text=t, measure=m, position=n)
             for p in pledges for n, (h, t, m) in enumerate(rng.sample(ITEMS, 4))]
    PledgeItem.objects.bulk_create(items, batch_size=5000)

    counts = add_quarter_supervision(window, rng)
    period = services.period_assess(actor=admin, quarter=window.code)
    services.period_publish(actor=admin, period=period)
    # Own random stream: the pledges' audiences and the use of results came later, and leave the
    # rest of the demo as it was.
    extra = random.Random(ctx.seed + 7)
    deliveries = _deliveries(pledges, extra, admin)
    later = random.Random(ctx.seed + 11)  # the year-end review, appeals and a recall came later still
    reviewed = _reviews(items, later)
    appeals = _appeals(period, later, admin)
    grades = services.grades_compute(actor=admin, year=window.year)  # proposals, the 优秀 cap applied
    uses = _uses_of_results(period, extra, admin) + _recall(period, admin)
    ctx.counts.update(pledges=len(pledges), **counts, assessed_cadres=period.results.count(),
                      pledge_deliveries=deliveries, pledge_items_reviewed=reviewed, appeals=appeals,
                      annual_grades=len(grades), uses_of_results=uses)


REVIEW_EVIDENCE = {
    "fulfilled": "对照承诺逐项核实：走访台账、会议记录和群众评议均已兑现。",
    "partly": "已推进但未全部完成：部分事项受资金和季节影响顺延。",
    "not": "核实未兑现：台账记录不足，群众评议反映未落实。",
}


def _reviews(items, rng) -> int:
    """The township's year-end review (年终评诺) of nine pledge items in ten."""
    township = User.objects.filter(role=Role.TOWNSHIP_ADMIN).order_by("pk").first()
    reviewed_at = timezone.now()
    done = []
    for item in items:
        if rng.random() < 0.9:
            item.result = rng.choices(["fulfilled", "partly", "not"], [75, 20, 5])[0]
            item.evidence, item.reviewed_by, item.reviewed_at = REVIEW_EVIDENCE[item.result], township, reviewed_at
            done.append(item)
    PledgeItem.objects.bulk_update(done, ["result", "evidence", "reviewed_by", "reviewed_at"], batch_size=2000)
    return len(done)


def _appeals(period, rng, admin) -> int:
    """The demo cadre's appeals against three of its lowest scores: one upheld (the score corrected
    and the ranks recomputed), one rejected, one still pending."""
    scores = list(IndicatorScore.objects.filter(result__period=period, result__cadre__user__isnull=False,
                                                score__isnull=False).select_related("result__cadre__user")
                  .order_by("score", "pk")[:3])
    for index, score in enumerate(scores):
        appeal = services.appeal_file(actor=score.result.cadre.user, score=score,
                                      reason="本季度有走访和会议记录未及时同步，请核实后更正得分。")
        if index == 0:
            services.appeal_decide(actor=admin, appeal=appeal, upheld=True, corrected_score=min(100, score.score + 20),
                                   decision="经核实，离线记录已同步入库，申诉成立，更正得分。")
        elif index == 1:
            services.appeal_decide(actor=admin, appeal=appeal, upheld=False,
                                   decision="经核实，得分按当时已入库记录计算无误，申诉不成立。")
    return len(scores)


def _recall(period, admin) -> int:
    """The lowest-ranked cadre without a login of its own is recalled (召回), its posting ended."""
    last = (period.results.filter(cadre__user__isnull=True).select_related("cadre")
            .order_by("-rank_county", "pk").first())
    if last is None:
        return 0
    services.consequence_record(actor=admin, cadre=last.cadre, year=period.year, kind=Consequence.Kind.RECALL,
                                title="召回并调整驻村人选", decided_on=timezone.localdate(),
                                basis=f"{period}考核全县排名末位（总分 {last.total}），经约谈后仍未整改到位")
    return 1


def _deliveries(pledges, rng, admin) -> int:
    """Most pledges were filed with the county leading group, the unit and the township."""
    rows = []
    for pledge in pledges:
        for audience, share in (("county", 0.9), ("unit", 0.85), ("township", 0.95)):
            if rng.random() < share:
                day = timezone.localdate(pledge.submitted_at) + datetime.timedelta(days=rng.randint(0, 10))
                rows.append(PledgeDelivery(pledge=pledge, audience=audience, recorded_by=admin,
                                           delivered_on=min(day, timezone.localdate())))
    PledgeDelivery.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _uses_of_results(period, rng, admin) -> int:
    """The county used the published quarter: the best commended, a few recommended for promotion
    (the article reports 9 in a year, at county scale), the weakest held to account."""
    ranked = list(period.results.select_related("cadre").order_by("rank_county"))
    if not ranked:
        return 0
    n = len(ranked)
    chosen = [(r, Consequence.Kind.COMMENDATION, "“十颗心”最美第一书记", "季度考核全县排名前列")
              for r in ranked[:max(2, n // 40)]]
    chosen += [(r, Consequence.Kind.PROMOTION, "推荐提拔使用", "驻村期间考核优秀，群众公认")
               for r in rng.sample(ranked[:max(5, n // 10)], min(len(ranked), max(1, round(n * 9 / 1300))))]
    chosen += [(r, Consequence.Kind.ACCOUNTABILITY, "诫勉谈话", "季度考核排名靠后，走访和在村天数不达标")
               for r in ranked[-max(1, n // 300):]]
    rows = [Consequence(cadre=r.cadre, village_code=r.village_code, year=period.year, kind=kind, title=title,
                        basis=f"{period}：{basis}（总分 {r.total}）", recorded_by=admin,
                        decided_on=timezone.localdate() - datetime.timedelta(days=rng.randint(0, 20)))
            for r, kind, title, basis in chosen]
    Consequence.objects.bulk_create(rows)
    return len(rows)


def add_quarter_supervision(window: Window, rng) -> dict:
    """A quarterly inspection per village in `window`, manual scores for every cadre of its team
    on every manual indicator, and a few findings (also used by bench/assessment.py)."""
    supervisors = list(User.objects.filter(role__in=[Role.SUPERVISOR, Role.COUNTY_ADMIN]).order_by("pk"))
    manual = [i.code for i in registry.registered() if not i.is_auto]
    by_village: dict[str, list] = {}
    for cadre_id, code in engine.build_cohort(window).village_of.items():
        by_village.setdefault(code, []).append(cadre_id)
    inspections = []
    for code in sorted(by_village):
        day = window.start + datetime.timedelta(days=rng.randint(20, window.days - 5))
        inspections.append(Inspection(kind=rng.choice([Inspection.Kind.QUARTERLY, Inspection.Kind.CROSS]),
                                      village_id=code, date=day, inspector=rng.choice(supervisors),
                                      summary="季度督查：查阅台账、入户回访、现场抽查在岗情况"))
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    scores, findings = [], []
    for inspection in inspections:
        for cadre in by_village[inspection.village_id]:
            base = rng.gauss(82, 8)
            for code in manual:
                value = max(40.0, min(100.0, base + rng.gauss(0, 5)))
                scores.append(ManualScore(inspection=inspection, cadre_id=cadre, indicator=code,
                                          score=Decimal(f"{value:.1f}")))
            if rng.random() < 0.03:
                findings.append(Finding(inspection=inspection, cadre_id=cadre, indicator="settle.absence",
                                        severity=Finding.Severity.SERIOUS, unexcused_absence=True,
                                        text="抽查时不在村，未履行请假手续"))
            elif rng.random() < 0.08:
                findings.append(Finding(inspection=inspection, cadre_id=cadre, indicator="learn.diary",
                                        text="民情日记记录不全，需补充"))
    ManualScore.objects.bulk_create(scores, batch_size=5000)
    Finding.objects.bulk_create(findings, batch_size=2000)
    Rectification.objects.bulk_create([
        Rectification(finding=f, deadline=f.inspection.date + datetime.timedelta(days=30),
                      status=Rectification.Status.DONE if rng.random() < 0.6 else Rectification.Status.OPEN)
        for f in findings if not f.unexcused_absence])
    return {"inspections": len(inspections), "manual_scores": len(scores), "findings": len(findings)}
