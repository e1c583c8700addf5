"""The ledger (issue 15.1): balanced, append-only, never below zero, idempotent, reversible, and
reconciled — with the database itself refusing what the services would, on SQLite and PostgreSQL."""

import itertools
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minxin.core.errors import DomainError
from minxin.ledger import money, services
from minxin.ledger.models import Account, Entry, Transaction

COUNTY = "520627000000"


def _accounts(prefix=None):
    prefix = prefix or uuid.uuid4().hex[:8]
    donors = services.account_open(code=f"{prefix}:donors", name="捐赠收入", kind="income", region_code=COUNTY,
                                   allow_negative=True)
    fund = services.account_open(code=f"{prefix}:fund", name="扶贫基金", kind="asset", region_code=COUNTY)
    return donors, fund


def _give(donors, fund, fen, key=None):
    return services.post(actor=None, kind="contribution", memo="企业捐赠", region_code=COUNTY,
                         legs=[(fund, fen), (donors, -fen)], idempotency_key=key)


@pytest.mark.django_db
def test_a_balanced_transaction_moves_both_balances_and_a_reversal_undoes_it():
    donors, fund = _accounts()
    posted = _give(donors, fund, 10_000_00)
    fund.refresh_from_db()
    assert posted.posted and fund.balance_fen == 10_000_00 == services.balance_fen(fund)
    undone = services.reverse(actor=None, original=posted)
    fund.refresh_from_db()
    assert fund.balance_fen == 0 and undone.reverses == posted and undone.kind == "contribution.reversal"
    with pytest.raises(DomainError, match="已经冲销过"):
        services.reverse(actor=None, original=posted)
    with pytest.raises(DomainError, match="冲销凭证不能再冲销"):
        services.reverse(actor=None, original=undone)


@pytest.mark.django_db
def test_no_account_that_must_stay_positive_goes_below_zero_and_nothing_is_written():
    donors, fund = _accounts()
    _give(donors, fund, 100_00)
    paid = services.account_open(code=f"{fund.code}:paid", name="已拨付", kind="expense", region_code=COUNTY,
                                 allow_negative=True)
    before = (Transaction.objects.count(), Entry.objects.count())
    with pytest.raises(DomainError, match="余额不足：扶贫基金可用 100.00 元，本次需要 100.01 元"):
        services.post(actor=None, kind="grant", memo="拨付", region_code=COUNTY, legs=[(paid, 100_01), (fund, -100_01)])
    assert (Transaction.objects.count(), Entry.objects.count()) == before
    for legs, message in (([(paid, 1)], "2 到"), ([(paid, 5), (fund, -4)], "借贷不平"), ([(paid, 0), (fund, 0)], "不能为零")):
        with pytest.raises(DomainError, match=message):
            services.post(actor=None, kind="grant", memo="拨付", region_code=COUNTY, legs=legs)


@pytest.mark.django_db
def test_a_retried_request_posts_once_and_a_reused_key_with_another_payload_is_refused():
    donors, fund = _accounts()
    first = _give(donors, fund, 500_00, key="req-1")
    again = _give(donors, fund, 500_00, key="req-1")
    fund.refresh_from_db()
    assert again.pk == first.pk and fund.balance_fen == 500_00
    with pytest.raises(services.Conflict, match="另一笔不同的记账") as refused:
        _give(donors, fund, 600_00, key="req-1")
    assert refused.value.status == 409 and Transaction.objects.filter(idempotency_key="req-1").count() == 1


def _raw_refused(sql, params):
    """Run raw SQL in a savepoint; answer whether the database refused it."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_the_ledger_or_post_an_unbalanced_transaction():
    donors, fund = _accounts()
    posted = _give(donors, fund, 100_00)
    entry = posted.entries.first()
    assert _raw_refused("UPDATE ledger_entry SET amount_fen = amount_fen + 1 WHERE id = %s", [entry.pk])
    assert _raw_refused("DELETE FROM ledger_entry WHERE id = %s", [entry.pk])
    assert _raw_refused("UPDATE ledger_transaction SET memo = 'x' WHERE id = %s", [posted.pk])
    assert _raw_refused("DELETE FROM ledger_transaction WHERE id = %s", [posted.pk])
    assert _raw_refused("INSERT INTO ledger_entry (transaction_id, account_id, amount_fen) VALUES (%s, %s, 5)",
                        [posted.pk, fund.pk])
    # A draft whose entries do not sum to zero cannot be posted.
    draft = Transaction.objects.create(kind="x", memo="x", region_code=COUNTY, occurred_on="2026-01-01")
    Entry.objects.bulk_create([Entry(transaction=draft, account=fund, amount_fen=5),
                               Entry(transaction=draft, account=donors, amount_fen=-4)])
    assert _raw_refused("UPDATE ledger_transaction SET posted = %s WHERE id = %s", [True, draft.pk])
    with pytest.raises(DatabaseError), transaction.atomic():  # nor through the ORM
        Transaction.objects.filter(pk=posted.pk).update(memo="改")
    # Nor can a fund's cached balance be set below zero, by anyone.
    assert _raw_refused("UPDATE ledger_account SET balance_fen = -1 WHERE id = %s", [fund.pk])
    assert Entry.objects.get(pk=entry.pk).amount_fen == entry.amount_fen


@pytest.mark.django_db
def test_reconcile_rebuilds_a_wrong_cached_balance_and_says_so(capsys):
    donors, fund = _accounts()
    _give(donors, fund, 300_00)
    Account.objects.filter(pk=fund.pk).update(balance_fen=250_00)
    with pytest.raises(SystemExit) as failed:
        call_command("reconcile")
    assert failed.value.code == 1 and "cached 250.00 ≠ entries 300.00 (rebuilt)" in capsys.readouterr().err
    fund.refresh_from_db()
    assert fund.balance_fen == 300_00
    from minxin.core.models import AuditEvent

    event = AuditEvent.objects.get(action="ledger.reconcile", object_id=str(fund.pk))
    assert (event.before, event.after) == ({"balance_fen": 250_00}, {"balance_fen": 300_00})
    call_command("reconcile")
    assert "reconciled" in capsys.readouterr().out


@pytest.mark.django_db
def test_reconcile_sums_the_entries_only_once_it_holds_the_accounts(monkeypatch):
    """A posting that commits while reconcile waits for its locks is in the sums it compares with: a
    sum taken before the lock would "rebuild" the balance without it, and money could be spent twice."""
    donors, fund = _accounts()
    _give(donors, fund, 300_00)
    lock = Account.objects.select_for_update

    def posting_meanwhile(*args, **kwargs):
        _give(donors, fund, 100_00)  # commits just before reconcile gets the lock
        monkeypatch.setattr(Account.objects, "select_for_update", lock)
        return lock(*args, **kwargs)

    monkeypatch.setattr(Account.objects, "select_for_update", posting_meanwhile)
    assert services.reconcile() == []
    fund.refresh_from_db()
    assert fund.balance_fen == 400_00 == services.balance_fen(fund)


@pytest.mark.parametrize(("value", "message"), [
    ("0", "大于零"), ("-1", "大于零"), ("0.001", "精确到分"), ("NaN", "有限"), ("1e30", "范围"), ("abc", "有效的数字"),
    ("Infinity", "有限")])
def test_amounts_are_refused_not_rounded(value, message):
    with pytest.raises(DomainError, match=message):
        money.to_fen(value)


def test_yuan_and_fen():
    assert money.to_fen("10000") == 1_000_000 and money.to_fen(Decimal("0.01")) == 1
    assert money.to_yuan(1_000_001) == Decimal("10000.01")


@given(total=st.integers(min_value=0, max_value=10**13), weights=st.lists(st.integers(0, 20), min_size=1, max_size=6)
       .filter(lambda w: sum(w) > 0))
def test_a_split_adds_up_to_the_fen_for_any_amount(total, weights):
    parts = money.split(total, weights)
    assert sum(parts) == total and all(part >= 0 for part in parts)
    whole = sum(weights)
    assert all(abs(part * whole - total * w) < whole for part, w in zip(parts, weights, strict=True))


def test_the_2_3_5_split_of_a_room_working_fund():
    assert money.split(1_000_000, [2, 3, 5]) == [200_000, 300_000, 500_000]
    assert money.split(1, [2, 3, 5]) == [0, 0, 1] and money.split(7, [2, 3, 5]) == [1, 2, 4]


OPS = st.lists(st.tuples(st.sampled_from(["give", "grant", "tranche", "reverse"]), st.integers(1, 50_000),
                         st.integers(0, 1000)), min_size=1, max_size=25)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_any_sequence_keeps_every_balance_non_negative_and_the_ledger_balanced(ops):
    """Contributions, grants (fund → a grant's reserve), tranches (a reserve → paid out) and reversals
    in any order: refused where they would overdraw, and otherwise every balance stays ≥ 0, the
    balances sum to zero and reconcile finds nothing."""
    prefix = uuid.uuid4().hex[:8]
    donors, fund = _accounts(prefix)
    paid = services.account_open(code=f"{prefix}:paid", name="已拨付", kind="expense", region_code=COUNTY,
                                 allow_negative=True)
    grants, posted = [], []
    for op, fen, pick in ops:
        try:
            if op == "give":
                posted.append(_give(donors, fund, fen))
            elif op == "grant":
                grant = services.account_open(code=f"{prefix}:grant:{len(grants)}", name="项目资金", kind="asset",
                                              region_code=COUNTY)
                grants.append(grant)
                posted.append(services.post(actor=None, kind="grant", memo="项目批复", region_code=COUNTY,
                                            legs=[(grant, fen), (fund, -fen)]))
            elif op == "tranche" and grants:
                grant = grants[pick % len(grants)]
                posted.append(services.post(actor=None, kind="tranche", memo="分期拨付", region_code=COUNTY,
                                            legs=[(paid, fen), (grant, -fen)]))
            elif op == "reverse" and posted:
                services.reverse(actor=None, original=posted[pick % len(posted)])
        except DomainError as refused:
            assert refused.code in ("insufficient", "already_reversed", "reversal_of_reversal")
    accounts = Account.objects.filter(code__startswith=prefix)
    assert all(a.balance_fen >= 0 for a in accounts if not a.allow_negative)
    assert sum(a.balance_fen for a in accounts) == 0
    assert all(a.balance_fen == services.balance_fen(a) for a in accounts)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the in-memory SQLite test database locks whole tables; this race runs in make test's "
                           "PostgreSQL pass (on SQLite, BEGIN IMMEDIATE serialises the writers)")
def test_twenty_racing_disbursements_never_overdraw_the_fund():
    """20 threads each pay 10 yuan out of a fund holding 95: nine succeed, the fund keeps 5 yuan."""
    donors, fund = _accounts()
    paid = services.account_open(code=f"{fund.code}:paid", name="已拨付", kind="expense", region_code=COUNTY,
                                 allow_negative=True)
    _give(donors, fund, 95_00)
    outcomes, barrier = [], threading.Barrier(20)
    counter = itertools.count()

    def disburse():
        barrier.wait()
        try:
            services.post(actor=None, kind="tranche", memo="拨付", region_code=COUNTY, legs=[(paid, 10_00), (fund, -10_00)],
                          idempotency_key=f"race-{next(counter)}")
            outcomes.append("ok")
        except DomainError as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=disburse) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fund.refresh_from_db()
    assert outcomes.count("ok") == 9 and outcomes.count("insufficient") == 11
    assert fund.balance_fen == 5_00 == services.balance_fen(fund)
