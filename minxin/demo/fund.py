"""Demo precision poverty fund: two years of contributions (government, enterprises, society), a pool
of experts (the demo expert among them, some tied to villages or units), and applications from about
a third of the villages at every stage — drafts, returned, waiting for the township, posted, scored,
approved and paid in tranches, closed, rejected. Money goes through the fund's services (every yuan a
ledger transaction); the past dates of notices are written afterwards, and panels are drawn from the
demo's own random stream, so a seed always gives the same fund. The first village (the demo
accounts') has one of each thing waiting: a check for the township, a decision for the county, a
score for the expert, an advance to pay."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from minxin.accounts.models import User
from minxin.fund import services, services_grant
from minxin.fund.models import Application, Expert, PanelSeat
from minxin.fund.rules import CHECKLIST_CODES, RUBRIC_CODES, points
from minxin.ledger.money import to_yuan
from minxin.registry.models import Household

COUNTY = "520627000000"
DONORS = [("government", "县财政局"), ("government", "市乡村振兴局"), ("enterprise", "沿河茶业有限公司"),
          ("enterprise", "乌江生态农业公司"), ("enterprise", "贵州某电力公司"), ("society", "县慈善总会"),
          ("society", "爱心人士联合捐赠")]
ORGANISATIONS = ["县农业农村局", "县林业局", "县畜牧发展中心", "县财政局", "县乡村振兴局", "县农技推广站", "县市场监管局",
                 "铜仁学院农学系", "县审计局", "县供销社"]
PROJECTS = [("productive", "village", "{v}生态茶园提质增效", [("seedlings", "茶苗", 30000), ("materials", "有机肥", 12000)]),
            ("productive", "village", "{v}肉牛养殖合作社", [("seedlings", "能繁母牛", 60000), ("facilities", "标准化圈舍", 40000)]),
            ("productive", "village", "{v}食用菌种植基地", [("facilities", "钢架大棚", 45000), ("training", "种植技术培训", 5000)]),
            ("productive", "household", "{h}养羊增收", [("seedlings", "种羊 10 只", 12000)]),
            ("productive", "party_member", "{h}电商小店", [("equipment", "冷藏柜和打包设备", 8000), ("training", "电商培训", 2000)]),
            ("relief", "household", "{h}因病致贫生活救助", [("relief", "生活救助金", 5000)])]
STATES = ["closed", "closed", "approved_paid", "approved", "notice_scored", "notice", "checked", "submitted",
          "returned", "draft", "rejected"]


def _day(rng, start: datetime.date, low: int, high: int) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(low, high))


def _experts(rng, ctx) -> list[Expert]:
    experts = []
    for n in range(15):
        expert = services.expert_save(actor=None, county_code=COUNTY, name=ctx.faker.name(),
                                      organisation=ORGANISATIONS[n % len(ORGANISATIONS)],
                                      specialty=rng.choice(["种植", "养殖", "财务", "农产品营销", "农村金融"]),
                                      sending_unit=rng.choice(ctx.units) if n % 5 == 4 else None,
                                      tied_villages=rng.sample(ctx.villages, k=min(2, len(ctx.villages)))
                                      if n % 3 == 2 else ())
        experts.append(expert)
    demo_expert = User.objects.filter(username="expert").first()
    if demo_expert is not None:
        experts[0].user = demo_expert
        experts[0].save(update_fields=["user"])
        experts[0].tied_villages.clear()
    return experts


def _contributions(rng, today: datetime.date) -> int:
    count = 0
    for year in (today.year - 1, today.year):
        for n, (source, donor) in enumerate(DONORS):
            amount = {"government": 800000, "enterprise": 200000, "society": 50000}[source] * rng.randint(1, 3)
            day = min(datetime.date(year, 1 + n, rng.randint(1, 25)), today)
            services.contribution_record(actor=None, county_code=COUNTY, source=source, donor=donor, amount=amount,
                                         received_on=day, receipt_no=f"JZ{year}-{n + 1:03d}")
            count += 1
    return count


def _draw(rng, application: Application, persona: Expert | None) -> list[PanelSeat]:
    pool = services_grant.eligible(application)
    chosen = rng.sample(pool, 5)
    if persona is not None and persona in pool and persona not in chosen:
        chosen[0] = persona
    return [PanelSeat.objects.create(application=application, expert=expert) for expert in chosen]


def _score(rng, seats, skip: Expert | None = None) -> None:
    """Every seat scored, but `skip`'s (the demo expert's, left for it to score)."""
    for seat in seats:
        if skip is not None and seat.expert_id == skip.pk:
            continue
        levels = {code: rng.randint(2, 5) for code in RUBRIC_CODES}
        PanelSeat.objects.filter(pk=seat.pk).update(
            levels=levels, total=sum((points(code, level) for code, level in levels.items()), Decimal(0)),
            scored_at=timezone.now(), comment=rng.choice(["方案可行", "带贫机制清楚", "预算略高，建议压减", ""]))


def _application(rng, village, today: datetime.date, state: str, households, persona, first: bool) -> None:
    kind, beneficiary, title, lines = rng.choice(PROJECTS)
    household = rng.choice(households) if beneficiary != "village" and households else None
    if household is None:
        beneficiary = "village"
        title = "{v}" + title.split("}", 1)[1] if title.startswith("{h}") else title
    application = services.application_save(
        actor=None, village=village, title=title.format(v=village.name, h=household.head_name[:1] + "某户" if household
                                                        else ""),
        beneficiary=beneficiary, household_id=household.pk if household else None, kind=kind,
        plan="按照“村社合一”模式实施，统一采购、统一技术、统一销售", mechanism="贫困户以土地和劳动力入股，保底分红加务工收入",
        targets="带动贫困户户均年增收 2000 元以上", beneficiaries=rng.randint(5, 60),
        lines=[services.Line(category, item, amount) for category, item, amount in lines])
    if state == "draft":
        return
    ages = {"closed": (150, 600), "approved_paid": (150, 600), "approved": (45, 80), "rejected": (45, 80),
            "notice_scored": (45, 80)}
    submitted = today - datetime.timedelta(days=rng.randint(*ages.get(state, (20, 40))))
    services.application_submit(actor=None, application=application, on=submitted)
    if state == "submitted":
        return
    checked = _day(rng, submitted, 1, 5)
    passed = state != "returned"
    services.application_check(actor=None, application=application, on=checked,
                               results={code: passed or code != "budget" for code in CHECKLIST_CODES},
                               notes={} if passed else {"budget": "单价偏高，请核实后重报"})
    if state in ("returned", "checked"):
        return
    services.notice_start(actor=None, application=application, on=today)
    notice_from = _day(rng, checked, 1, 3)
    until = services.notice_end(notice_from)
    if state == "notice" and first:
        notice_from, until = today - datetime.timedelta(days=2), services.notice_end(today - datetime.timedelta(days=2))
    Application.objects.filter(pk=application.pk).update(notice_from=notice_from, notice_until=until)
    application.refresh_from_db()
    seats = _draw(rng, application, persona)
    if state == "notice":
        _score(rng, seats, skip=persona)
        return
    _score(rng, seats)
    if state == "notice_scored":
        return
    decided = _day(rng, until, 1, 6)
    approve = state != "rejected"
    services_grant.decide(actor=None, application=application, on=decided, approve=approve,
                          amount=to_yuan(application.requested_fen * rng.choice([8, 9, 10]) // 10) if approve
                          else None, direction="同意，专款专用，按方案实施" if approve else "带贫机制不明确，不予支持")
    application.refresh_from_db()
    if state in ("rejected", "approved"):
        return
    plan = services_grant.planned(application)
    paid_on = _day(rng, application.decision_notice_until, 1, 10)
    services_grant.tranche_pay(actor=None, application=application, stage="advance",
                               amount=to_yuan(plan["advance"]), paid_on=min(paid_on, today))
    if state == "approved_paid":
        return
    done = min(_day(rng, paid_on, 30, 90), today)
    services_grant.tranche_pay(actor=None, application=application, stage="completion",
                               amount=to_yuan(plan["completion"]), paid_on=done)
    accepted = min(_day(rng, done, 5, 20), today)
    services_grant.application_accept(actor=None, application=application, on=accepted)
    services_grant.tranche_pay(actor=None, application=application, stage="acceptance",
                               amount=to_yuan(plan["acceptance"]), paid_on=min(_day(rng, accepted, 1, 10), today))


def generate(ctx) -> None:
    rng = random.Random(ctx.seed + 17)
    today = timezone.localdate()
    contributions = _contributions(rng, today)
    experts = _experts(rng, ctx)
    persona = experts[0] if experts[0].user_id else None
    count = 0
    for index, village in enumerate(ctx.villages):
        first = index == 0
        if not first and rng.random() > 0.3:
            continue
        households = list(Household.objects.filter(village=village).order_by("pk")[:50])
        states = ["submitted", "notice", "notice_scored", "approved", "closed"] if first \
            else rng.sample(STATES, rng.randint(1, 2))
        for state in states:
            _application(rng, village, today, state, households, persona, first)
            count += 1
    ctx.counts.update(fund_contributions=contributions, fund_experts=len(experts), fund_applications=count)
