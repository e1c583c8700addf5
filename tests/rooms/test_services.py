"""Liaison rooms (issue 15.3): dues split 2:3:5 to the fen plus the provincial subsidy, tranches
never above what remains, spending never below zero, reversals, arrears by payer, idempotent money
forms, the semi-annual evaluation and its grade — each refusal with nothing written."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.models import AuditEvent
from minxin.ledger import services as ledger
from minxin.ledger.models import Account, Entry, Transaction
from minxin.ledger.services import Conflict
from minxin.rooms import books, selectors, services
from minxin.rooms.forms import RoomForm
from minxin.rooms.models import Due, Evaluation, Payer, Receipt, Room, Spending

pytestmark = pytest.mark.django_db
SCORES = {"premises": 18, "rules": 14, "duty": 13, "disclosure": 12, "service": 18, "records": 12}


def _today():
    return timezone.localdate()


def _room(world, side="tdw"):
    return world.rooms[side]["room"]


def _counts():
    return (Transaction.objects.count(), Entry.objects.count(), Receipt.objects.count(), Spending.objects.count(),
            Due.objects.count(), Evaluation.objects.count())


def _balance(account):
    account.refresh_from_db()
    assert account.balance_fen == ledger.balance_fen(account)
    return account.balance_fen


def test_opening_a_room_levies_its_year_split_2_3_5_and_the_provincial_subsidy_once(world):
    room = _room(world)
    dues = {due.payer: due for due in room.dues.filter(year=_today().year)}
    assert {payer: due.amount_fen for payer, due in dues.items()} == {
        "city": 2000_00, "county": 3000_00, "unit": 5000_00, "province": 20000_00}
    assert dues["unit"].sending_unit == world.units["tdw"]  # the First Secretary's unit pays the unit share
    assert services.levy(actor=None, room=room, year=_today().year) == list(room.dues.filter(year=_today().year))
    room_next = services.levy(actor=world.users["county_admin"], room=room, year=_today().year + 1)
    assert sorted(due.payer for due in room_next) == ["city", "county", "unit"]  # the subsidy is once per room
    assert _balance(books.pledged(room)) == -(30000_00 + 10000_00)
    assert _balance(books.receivable(room, "unit")) == 10000_00


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**13))
def test_the_2_3_5_split_adds_up_to_the_fen_for_any_amount(total):
    parts = services.shares(total)
    assert sum(parts.values()) == total
    for payer, weight in zip(("city", "county", "unit"), (2, 3, 5), strict=True):
        assert abs(parts[payer] * 10 - total * weight) < 10  # within one fen of the exact share


def test_a_tranche_is_never_above_what_remains_and_bad_amounts_change_nothing(world):
    room = _room(world)
    due = room.dues.get(year=_today().year, payer=Payer.COUNTY)  # 3,000 owed, 3,000 received by the world
    admin = world.users["county_admin"]
    before = _counts()
    with pytest.raises(DomainError, match="超过该笔应拨经费尚欠的 0.00 元"):
        services.receipt_record(actor=admin, due=due, amount="0.01", received_on=_today())
    city = room.dues.get(year=_today().year, payer=Payer.CITY)
    for amount, message in (("0", "大于零"), ("-5", "大于零"), ("10.001", "精确到分"), ("abc", "不是有效的数字"),
                            ("1e20", "超出"), ("2000.01", "尚欠的 2000.00 元")):
        with pytest.raises(DomainError, match=message):
            services.receipt_record(actor=admin, due=city, amount=amount, received_on=_today())
    with pytest.raises(DomainError, match="晚于今天"):
        services.receipt_record(actor=admin, due=city, amount="1", received_on=_today() + datetime.timedelta(days=1))
    assert _counts() == before
    services.receipt_record(actor=admin, due=city, amount="1500", received_on=_today())
    services.receipt_record(actor=admin, due=city, amount="500", received_on=_today())
    assert selectors.with_received(Due.objects.filter(pk=city.pk)).get().remaining_fen == 0
    assert _balance(books.fund(room)) == 3000_00 + 2000_00 - 120_50


def test_a_liaison_records_its_own_units_share_only(world):
    room = _room(world)
    unit_due = world.rooms["tdw"]["unit_due"]
    liaison, other = world.users["tdw_liaison"], world.users["gz_liaison"]
    receipt = services.receipt_record(actor=liaison, due=unit_due, amount="2500", received_on=_today(),
                                      reference="单位转账 001")
    assert receipt.recorded_by == liaison and receipt.due.sending_unit == world.units["tdw"]
    with pytest.raises(PermissionDenied):
        services.receipt_record(actor=liaison, due=room.dues.get(year=_today().year, payer=Payer.CITY), amount="1",
                                received_on=_today())
    with pytest.raises(DomainError):  # another unit's liaison: the room is out of its scope
        services.receipt_record(actor=other, due=unit_due, amount="1", received_on=_today())
    for persona in ("tdw_cadre", "tdw_admin", "county_auditor"):
        with pytest.raises(PermissionDenied):
            services.receipt_record(actor=world.users[persona], due=unit_due, amount="1", received_on=_today())
    rows = selectors.dues(user=liaison, outstanding=True)
    assert {due.payer for due in rows} == {"unit"} and rows.get().remaining_fen == 2500_00


def test_a_double_click_posts_once_and_a_reused_key_with_another_amount_is_refused(world):
    room = _room(world)
    city = room.dues.get(year=_today().year, payer=Payer.CITY)
    admin = world.users["county_admin"]
    first = services.receipt_record(actor=admin, due=city, amount="2000", received_on=_today(), idempotency_key="k1")
    before = _counts()
    again = services.receipt_record(actor=admin, due=city, amount="2000", received_on=_today(), idempotency_key="k1")
    assert again.pk == first.pk and _counts() == before  # answered although nothing remains now
    with pytest.raises(Conflict, match="另一笔不同的记账"):
        services.receipt_record(actor=admin, due=city, amount="1999", received_on=_today(), idempotency_key="k1")
    spent = services.spending_record(actor=world.users["tdw_cadre"], room=room, kind="working", amount="10",
                                     spent_on=_today(), purpose="打印公开栏", idempotency_key="k1")
    assert spent.transaction.idempotency_key != first.transaction.idempotency_key  # keys are each user's own
    assert services.spending_record(actor=world.users["tdw_cadre"], room=room, kind="working", amount="10",
                                    spent_on=_today(), purpose="打印公开栏", idempotency_key="k1").pk == spent.pk
    assert _counts() == (before[0] + 1, before[1] + 2, before[2], before[3] + 1, before[4], before[5])


def test_spending_never_takes_the_working_fund_or_the_construction_budget_below_zero(world):
    room = _room(world)
    cadre, admin = world.users["tdw_cadre"], world.users["county_admin"]
    before = _counts()
    with pytest.raises(DomainError, match="余额不足：五七村干群连心室工作经费可用 2879.50 元，本次需要 2879.51 元"):
        services.spending_record(actor=cadre, room=room, kind="working", amount="2879.51", spent_on=_today(),
                                 purpose="购置桌椅")
    with pytest.raises(PermissionDenied):  # construction money is the county's to spend
        services.spending_record(actor=cadre, room=room, kind="construction", amount="1", spent_on=_today(),
                                 purpose="装修")
    with pytest.raises(DomainError, match="建设经费预算可用 1200000.00 元"):
        services.spending_record(actor=admin, room=room, kind="construction", amount="1200000.01", spent_on=_today(),
                                 purpose="装修")
    for purpose in ("", "x" * 201, "含\x00字符"):
        with pytest.raises(DomainError):
            services.spending_record(actor=cadre, room=room, kind="working", amount="1", spent_on=_today(),
                                     purpose=purpose)
    assert _counts() == before
    services.spending_record(actor=cadre, room=room, kind="working", amount="2879.50", spent_on=_today(),
                             purpose="购置桌椅")
    assert _balance(books.fund(room)) == 0
    assert selectors.construction(user=admin) == {"county": "520627000000", "allotted": 1300000_00,
                                                  "spent": 100000_00, "available": 1200000_00}
    assert selectors.construction(user=world.users["tdw_admin"]) is None  # the county's budget is not a township's


def test_a_wrong_entry_is_reversed_never_edited_and_not_below_zero(world):
    room = _room(world)
    admin = world.users["county_admin"]
    receipt, spending = world.rooms["tdw"]["receipt"], world.rooms["tdw"]["spending"]
    with pytest.raises(PermissionDenied):
        services.entry_reverse(actor=world.users["tdw_cadre"], record=spending, reason="录错")
    services.entry_reverse(actor=admin, record=spending, reason="重复登记")
    assert _balance(books.fund(room)) == 3000_00
    with pytest.raises(DomainError, match="已经冲销过"):
        services.entry_reverse(actor=admin, record=spending, reason="再冲")
    services.spending_record(actor=admin, room=room, kind="working", amount="100", spent_on=_today(), purpose="茶水")
    before = _counts()
    with pytest.raises(DomainError, match="余额不足"):  # 100 of the 3,000 received is spent already
        services.entry_reverse(actor=admin, record=receipt, reason="金额录错")
    assert _counts() == before
    with pytest.raises(DomainError, match="冲销原因|请填写"):
        services.entry_reverse(actor=admin, record=receipt, reason="")
    assert AuditEvent.objects.filter(action="room.reverse", object_id=str(spending.pk)).count() == 1


def test_reversing_a_receipt_puts_the_arrears_back(world):
    room = _room(world)
    receipt = world.rooms["tdw"]["receipt"]
    services.entry_reverse(actor=world.users["county_admin"], record=world.rooms["tdw"]["spending"], reason="录错")
    services.entry_reverse(actor=world.users["county_admin"], record=receipt, reason="应为市级拨款")
    county = selectors.with_received(room.dues.filter(payer=Payer.COUNTY, year=_today().year)).get()
    assert (county.received_fen, county.remaining_fen) == (0, 3000_00)
    assert _balance(books.fund(room)) == 0 and _balance(books.receivable(room, "county")) == 3000_00


def test_arrears_are_totalled_by_payer_and_by_sending_unit(world):
    rows = selectors.dues(user=world.users["county_admin"], outstanding=True)
    totals = {(row["payer"], row["sending_unit__name"]): row["remaining"] for row in selectors.arrears_by_payer(rows)}
    assert totals == {("city", None): 4000_00, ("unit", "坳派出单位"): 5000_00, ("unit", "舟派出单位"): 5000_00,
                      ("province", None): 40000_00}
    township = selectors.dues(user=world.users["gz_admin"], outstanding=True)
    assert {due.room.village_id for due in township} == {world.village("gz").code}


def test_the_semi_annual_evaluation_grades_by_the_county_thresholds(world, settings):
    room, admin = _room(world), world.users["tdw_admin"]
    assert world.rooms["tdw"]["evaluation"].total == 87 and world.rooms["tdw"]["evaluation"].grade == "fair"
    year = _today().year - 1
    day = datetime.date(year, 12, 20)
    top = services.evaluation_record(actor=admin, room=room, year=year, half=2, evaluated_on=day,
                                     scores={**SCORES, "records": 15, "disclosure": 15})
    assert (top.total, top.grade) == (93, "good")
    settings.MINXIN_ROOM_GRADES = [95, 80, 60]
    low = services.evaluation_record(actor=admin, room=room, year=year, half=1, evaluated_on=day,
                                     scores={code: 0 for code in SCORES})
    assert (low.total, low.grade) == (0, "poor")
    before = _counts()
    bad = [
        ({"year": year, "half": 2, "scores": SCORES}, "已经评估过"),
        ({"year": year + 1, "half": 2, "scores": {**SCORES, "premises": 21}}, "0 到 20"),
        ({"year": year + 1, "half": 2, "scores": {**SCORES, "premises": -1}}, "0 到 20"),
        ({"year": year + 1, "half": 2, "scores": {**SCORES, "premises": 1.5}}, "整数"),
        ({"year": year + 1, "half": 2, "scores": {**SCORES, "premises": True}}, "整数"),
        ({"year": year + 1, "half": 2, "scores": {"premises": 10}}, "每一个评估项目"),
        ({"year": year + 1, "half": 3, "scores": SCORES}, "上半年或下半年"),
    ]
    for fields, message in bad:
        with pytest.raises(DomainError, match=message):
            services.evaluation_record(actor=admin, room=room, evaluated_on=_today(), **fields)
    with pytest.raises(DomainError, match="不能早于评估期的开始"):
        services.evaluation_record(actor=admin, room=room, year=year, half=2, evaluated_on=datetime.date(year, 6, 30),
                                   scores=SCORES)
    with pytest.raises(PermissionDenied):
        services.evaluation_record(actor=world.users["tdw_cadre"], room=room, year=year + 1, half=2,
                                   evaluated_on=_today(), scores=SCORES)
    assert _counts() == before


def test_one_room_per_village_in_scope_and_levies_follow_the_opening(world):
    admin = world.users["tdw_admin"]
    with pytest.raises(DomainError, match="已有干群连心室"):
        services.room_open(actor=admin, village=world.village("tdw"))
    with pytest.raises(DomainError, match="只能建在村"):
        services.room_open(actor=world.users["county_admin"], village=world.village("tdw").parent)
    with pytest.raises(DomainError, match="管辖范围"):
        services.room_open(actor=admin, village=world.village("gz", 1))
    planned = services.room_open(actor=admin, village=world.village("tdw", 1))
    assert not planned.dues.exists()
    with pytest.raises(DomainError, match="还没有启用日期"):
        services.levy(actor=admin, room=planned, year=_today().year)
    with pytest.raises(DomainError, match="晚于今天"):
        services.room_edit(actor=admin, room=planned, opened_on=_today() + datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="管辖范围"):  # the cadre serves in the first village only
        services.room_edit(actor=world.users["tdw_cadre"], room=planned, opened_on=_today())
    services.room_edit(actor=admin, room=planned, opened_on=_today(), standards={"signboard": True, "minutes": True})
    planned.refresh_from_db()
    assert planned.standards_met == 2 and planned.dues.filter(year=_today().year).count() == 4
    with pytest.raises(DomainError, match="清单中的项目"):
        services.room_edit(actor=admin, room=planned, standards={"swimming_pool": True})
    with pytest.raises(PermissionDenied):  # who pays is set by the township or county
        services.room_edit(actor=world.users["tdw_cadre"], room=_room(world), sending_unit=world.units["tdw"])
    services.room_edit(actor=world.users["tdw_clerk"], room=_room(world), disclosed_on=_today(), equipment="电脑一台")
    opened = _room(world).opened_on
    with pytest.raises(PermissionDenied):  # the opening date levies a year's funds: the township's or county's
        services.room_edit(actor=world.users["tdw_clerk"], room=_room(world), opened_on=datetime.date(2000, 1, 1))
    assert Room.objects.get(pk=_room(world).pk).opened_on == opened and not _room(world).dues.filter(year=2000).exists()
    assert "opened_on" not in RoomForm(instance=_room(world)).fields
    with pytest.raises(DomainError, match="年度须在启用年度"):
        services.levy(actor=admin, room=planned, year=_today().year - 1)
    assert services.levy_all(actor=world.users["county_admin"], year=_today().year + 1) == 3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["receive", "spend", "reverse"]), st.integers(min_value=1, max_value=600000)),
                max_size=12))
def test_any_sequence_of_receipts_spendings_and_reversals_keeps_balances_and_reconciles(world, steps):
    room = _room(world, "gz")
    admin = world.users["county_admin"]
    done = []
    for action, fen in steps:
        amount = Decimal(fen) / 100
        try:
            if action == "receive":
                due = selectors.with_received(room.dues.all()).filter(remaining_fen__gt=0).order_by("pk").first()
                if due is not None:
                    done.append(services.receipt_record(actor=admin, due=due, amount=amount, received_on=_today()))
            elif action == "spend":
                done.append(services.spending_record(actor=admin, room=room, kind="working", amount=amount,
                                                     spent_on=_today(), purpose="日常开支"))
            elif done:
                services.entry_reverse(actor=admin, record=done[fen % len(done)], reason="更正")
        except DomainError:
            pass  # refused (above what remains, below zero, reversed twice): nothing written, checked below
    for account in Account.objects.filter(code__startswith=f"room:{room.village_id}:"):
        assert account.allow_negative or account.balance_fen >= 0
    assert ledger.reconcile(fix=False) == []
    assert Entry.objects.aggregate(n=Sum("amount_fen"))["n"] == 0
    received = Receipt.objects.filter(due__room=room, transaction__reversed_by__isnull=True).aggregate(
        n=Sum("amount_fen"))["n"] or 0
    spent = Spending.objects.filter(room=room, kind="working", transaction__reversed_by__isnull=True).aggregate(
        n=Sum("amount_fen"))["n"] or 0
    assert _balance(books.fund(room)) == received - spent


def test_every_write_is_audited_and_room_rows_are_scoped(world):
    actions = set(AuditEvent.objects.filter(action__startswith="room.").values_list("action", flat=True))
    assert actions == {"room.open", "room.levy", "room.receipt", "room.spending", "room.budget", "room.evaluate"}
    assert list(Room.objects.visible_to(world.users["gz_clerk"])) == [_room(world, "gz")]
    assert not selectors.can_view(world.users["expert"])  # the expert has no business with the rooms


def test_a_retry_whose_first_call_committed_meanwhile_answers_that_call(world, monkeypatch):
    """Two requests with one key (a double click): the second checks for a replay before the first
    commits, then finds the first's transaction when it posts. It answers the first's record —
    not a second record on the same transaction (a 500) — and the budget is logged once."""
    admin, room = world.users["county_admin"], _room(world)
    spending = services.spending_record(actor=admin, room=room, kind="working", amount="10", spent_on=_today(),
                                        purpose="茶水", idempotency_key="twice-s")
    due = room.dues.get(year=_today().year, payer=Payer.CITY)
    receipt = services.receipt_record(actor=admin, due=due, amount="10", received_on=_today(), idempotency_key="twice-r")
    budget = services.budget_allot(actor=admin, county_code="520627000000", amount="100", allotted_on=_today(),
                                   memo="追加", idempotency_key="twice-b")
    counts = (Spending.objects.count(), Receipt.objects.count(), Transaction.objects.count(),
              AuditEvent.objects.filter(action="room.budget").count())
    monkeypatch.setattr(services.ledger, "replayed", lambda **posting: None)  # checked before the first committed
    assert services.spending_record(actor=admin, room=room, kind="working", amount="10", spent_on=_today(),
                                    purpose="茶水", idempotency_key="twice-s") == spending
    assert services.receipt_record(actor=admin, due=due, amount="10", received_on=_today(),
                                   idempotency_key="twice-r") == receipt
    assert services.budget_allot(actor=admin, county_code="520627000000", amount="100", allotted_on=_today(),
                                 memo="追加", idempotency_key="twice-b").pk == budget.pk
    assert counts == (Spending.objects.count(), Receipt.objects.count(), Transaction.objects.count(),
                      AuditEvent.objects.filter(action="room.budget").count())
