"""Demo liaison rooms: one per village (a few not yet opened), opened over the last two years, most
standards met; the county's 1.3-million construction budget and each room's construction spending;
every year's dues since opening, paid in tranches — the past years in full, this year's mostly, some
units behind; a few working-fund spendings a year; an evaluation for every finished half year. The
money goes through the rooms' services, so every yuan is a ledger transaction like any other. The
first village (the demo accounts' own) has an open unit share and its current half year unevaluated.
Own random stream."""

import datetime
import random

from django.conf import settings
from django.utils import timezone

from minxin.core.errors import DomainError
from minxin.ledger.money import to_yuan
from minxin.rooms import services
from minxin.rooms.checklist import RUBRIC, STANDARD_CODES
from minxin.rooms.models import Payer, Room

COUNTY = "520627000000"
PURPOSES = ["购置去向牌和值班表", "印制村务公开栏内容", "说事室桌椅", "办公耗材", "群众说事茶水", "档案盒和资料柜",
            "便民服务代办邮寄费"]
EQUIPMENT = "办公桌椅、档案柜、电脑、打印机、便民服务台"


def _day(rng, year: int, start_month: int, end_month: int, latest: datetime.date) -> datetime.date:
    day = datetime.date(year, rng.randint(start_month, end_month), rng.randint(1, 28))
    return min(day, latest)


def _open(rng, village, index: int, today: datetime.date) -> Room:
    planned = index > 0 and rng.random() < 0.04
    opened = None if planned else _day(rng, today.year - rng.choice([1, 2]), 3, 11, today)
    met = {code: index == 0 or rng.random() < 0.85 for code in STANDARD_CODES}
    return services.room_open(
        actor=None, village=village, opened_on=opened, address=f"{village.name}村委会办公楼一楼", equipment=EQUIPMENT,
        area=rng.choice([40, 60, 80, 120]), standards=met,
        disclosed_on=None if planned else today - datetime.timedelta(days=rng.randint(5, 120)))


def _pay(rng, room: Room, today: datetime.date, first: bool) -> int:
    """Every year's dues since the opening, and tranches against them: past years in full (two
    tranches), this year's mostly."""
    for year in range(room.opened_on.year + 1, today.year + 1):
        services.levy(actor=None, room=room, year=year)
    receipts = 0
    for due in room.dues.select_related("room__village").order_by("year", "payer"):
        current = due.year == today.year
        if current and (first and due.payer == Payer.UNIT or rng.random() < 0.25):
            continue  # not yet received
        halves = [due.amount_fen // 2, due.amount_fen - due.amount_fen // 2]
        if current and rng.random() < 0.3:
            halves = halves[:1]
        for part, fen in enumerate(halves):
            day = _day(rng, due.year, 3 + part * 5, 6 + part * 5, today)
            services.receipt_record(actor=None, due=due, amount=to_yuan(fen), received_on=day,
                                    reference=f"拨款{due.year}-{room.pk}-{due.payer}-{part + 1}")
            receipts += 1
    return receipts


def _spend(rng, room: Room, today: datetime.date) -> int:
    spent = 0
    for year in range(room.opened_on.year, today.year + 1):
        for _n in range(rng.randint(1, 3)):
            try:
                services.spending_record(actor=None, room=room, kind="working", amount=rng.randint(80, 900),
                                         spent_on=_day(rng, year, 4, 12, today), purpose=rng.choice(PURPOSES))
            except DomainError:
                break  # the working fund would go below zero: the room waits for its next tranche
            spent += 1
    return spent


def _evaluate(rng, room: Room, today: datetime.date, first: bool) -> int:
    done = 0
    year, half = room.opened_on.year, 1 if room.opened_on.month <= 6 else 2
    while True:
        end = datetime.date(year, 6, 30) if half == 1 else datetime.date(year, 12, 31)
        if end >= today or (first and end >= today - datetime.timedelta(days=190)):
            return done
        quality = rng.random()
        scores = {code: max(0, most - rng.randint(0, int(most * (0.5 if quality < 0.1 else 0.25))))
                  for code, _label, most in RUBRIC}
        services.evaluation_record(actor=None, room=room, year=year, half=half,
                                   evaluated_on=min(end + datetime.timedelta(days=rng.randint(1, 25)), today),
                                   scores=scores, note="阵地规范，值班值守到位" if sum(scores.values()) >= 90 else "")
        done += 1
        year, half = (year, 2) if half == 1 else (year + 1, 1)


def generate(ctx) -> None:
    rng = random.Random(ctx.seed + 15)
    today = timezone.localdate()
    budget = settings.MINXIN_ROOM_CONSTRUCTION_BUDGET
    services.budget_allot(actor=None, county_code=COUNTY, amount=budget,
                          allotted_on=datetime.date(today.year - 2, 2, 20), memo="县委组织部下达干群连心室建设经费")
    per_room = budget * 100 // max(len(ctx.villages), 1) // 100  # whole yuan, never above the budget
    counts = {"rooms": 0, "room_receipts": 0, "room_spendings": 0, "room_evaluations": 0}
    for index, village in enumerate(ctx.villages):
        room = _open(rng, village, index, today)
        counts["rooms"] += 1
        if room.opened_on is None:
            continue
        services.spending_record(actor=None, room=room, kind="construction",
                                 amount=per_room - rng.randint(0, per_room // 5), spent_on=room.opened_on,
                                 purpose="干群连心室标准化建设")
        counts["room_receipts"] += _pay(rng, room, today, index == 0)
        counts["room_spendings"] += _spend(rng, room, today)
        counts["room_evaluations"] += _evaluate(rng, room, today, index == 0)
    ctx.counts.update(counts)
