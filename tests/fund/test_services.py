"""The fund (issue 15.2, 15.4): contributions, applications through the township's check and the
public notice, the negative list on every budget line, the expert panel with recusal, the rubric and
the (trimmed) mean, the county's decision and the tranches — every refusal with nothing written, the
fund never below zero, every yuan reconciled."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minxin.core.errors import DomainError, PermissionDenied
from minxin.fund import books, selectors, services, services_grant
from minxin.fund.models import Application, Contribution, PanelSeat, Tranche
from minxin.ledger import services as ledger
from minxin.ledger.models import Entry, Transaction
from minxin.ledger.services import Conflict
from tests.fund.world import apply, noticed

pytestmark = pytest.mark.django_db
COUNTY = "520627000000"
TOP = {"feasibility": 5, "effect": 5, "sustainability": 5, "budget": 5}


def _today():
    return timezone.localdate()


def _counts():
    return (Transaction.objects.count(), Entry.objects.count(), Contribution.objects.count(),
            Application.objects.count(), Tranche.objects.count(), PanelSeat.objects.filter(scored_at__isnull=False)
            .count())


def _available():
    account = books.available(COUNTY)
    account.refresh_from_db()
    assert account.balance_fen == ledger.balance_fen(account)
    return account.balance_fen


def _score_all(application, levels=None):
    for seat in application.seats.select_related("expert"):
        if seat.expert.user is None:
            seat.expert.user = _expert_user(seat.expert)
            seat.expert.save()
        services_grant.score_submit(actor=seat.expert.user, application=application, levels=levels or TOP)


def _expert_user(expert):
    from minxin.accounts.models import User

    return User.objects.create(username=f"expert{expert.pk}", role="expert", scope_id=COUNTY, full_name=expert.name)


def _approved(world, side="tdw", amount="45000"):
    application = world.fund[side]["application"]
    _score_all(application)
    return services_grant.decide(actor=world.users["county_admin"], application=application, on=_today(), approve=True,
                                 amount=amount, direction="同意，专款专用")


def test_contributions_are_exact_unique_and_idempotent(world):
    admin = world.users["county_admin"]
    assert _available() == 200000_00
    before = _counts()
    for amount, message in (("0", "大于零"), ("-1", "大于零"), ("0.001", "精确到分"), ("1e30", "超出")):
        with pytest.raises(DomainError, match=message):
            services.contribution_record(actor=admin, county_code=COUNTY, source="society", donor="张三",
                                         amount=amount, received_on=_today(), receipt_no="JZ-9")
    with pytest.raises(DomainError, match="已登记过"):
        services.contribution_record(actor=admin, county_code=COUNTY, source="society", donor="张三", amount="10",
                                     received_on=_today(), receipt_no="JZ-0001")
    with pytest.raises(DomainError, match="管辖范围"):
        services.contribution_record(actor=admin, county_code="520626000000",
                                     source="society", donor="张三", amount="10", received_on=_today(),
                                     receipt_no="JZ-9")
    with pytest.raises(PermissionDenied):
        services.contribution_record(actor=world.users["tdw_admin"], county_code=COUNTY, source="society",
                                     donor="张三", amount="10", received_on=_today(), receipt_no="JZ-9")
    assert _counts() == before
    first = services.contribution_record(actor=admin, county_code=COUNTY, source="society", donor="爱心人士",
                                         amount="1000.50", received_on=_today(), receipt_no="JZ-2",
                                         idempotency_key="c-1")
    assert services.contribution_record(actor=admin, county_code=COUNTY, source="society", donor="爱心人士",
                                        amount="1000.50", received_on=_today(), receipt_no="JZ-2",
                                        idempotency_key="c-1").pk == first.pk
    with pytest.raises(Conflict):
        services.contribution_record(actor=admin, county_code=COUNTY, source="society", donor="爱心人士",
                                     amount="1000.51", received_on=_today(), receipt_no="JZ-3", idempotency_key="c-1")
    assert _available() == 201000_50


def test_every_budget_line_is_checked_against_the_negative_list(world):
    before = _counts()
    cases = [
        ([services.Line("equipment", "蜂箱", "100"), services.Line("vehicles", "运输设备", "10")], "第 2 条预算"),
        ([services.Line("equipment", "购买办公用车一辆", "80000")], "负面清单（用车）"),
        ([services.Line("other", "给村干部配手机", "3000")], "负面清单（手机）"),
        ([services.Line("other", "偿还合作社贷款债务", "3000")], "债务"),
        ([services.Line("buildings", "村部装修", "3000")], "楼堂馆所"),
        ([services.Line("equipment", "蜂箱", "0")], "第 1 条预算：金额必须大于零"),
        ([services.Line("equipment", "蜂箱", "1.005")], "第 1 条预算：金额最多精确到分"),
        ([services.Line("nonsense", "蜂箱", "1")], "支出类别不正确"),
        ([], "至少填写一条"),
    ]
    for lines, message in cases:
        with pytest.raises(DomainError, match=message):
            apply(world, "tdw", lines=lines)
    assert _counts() == before


def test_the_application_moves_only_along_its_path(world):
    admin, clerk, township = world.users["county_admin"], world.users["tdw_clerk"], world.users["tdw_admin"]
    draft = services.application_save(
        actor=clerk, village=world.village("tdw"), title="养牛", beneficiary="village", kind="productive", plan="p",
        mechanism="m", targets="t", beneficiaries=3, lines=[services.Line("seedlings", "能繁母牛 5 头", "50000")])
    assert draft.requested_fen == 50000_00 and draft.number.startswith(str(_today().year))
    with pytest.raises(DomainError, match="只有待乡镇审核"):
        services.application_check(actor=township, application=draft, on=_today(), results={})
    with pytest.raises(DomainError, match="只有乡镇审核通过"):
        services.notice_start(actor=admin, application=draft, on=_today())
    services.application_submit(actor=clerk, application=draft, on=_today())
    with pytest.raises(DomainError, match="只有拟报或被退回"):
        services.application_submit(actor=clerk, application=draft, on=_today())
    with pytest.raises(PermissionDenied):
        services.application_check(actor=clerk, application=draft, on=_today(), results={})
    failed = {code: code != "budget" for code in services.CHECKLIST_CODES}
    with pytest.raises(DomainError, match="写明理由"):
        services.application_check(actor=township, application=draft, on=_today(), results=failed)
    returned = services.application_check(actor=township, application=draft, on=_today(), results=failed,
                                          notes={"budget": "母牛单价偏高"})
    assert returned.state == "returned" and returned.check_result["budget"] == {"passed": False, "note": "母牛单价偏高"}
    services.application_save(actor=clerk, village=world.village("tdw"), title="养牛", beneficiary="village",
                              kind="productive", plan="p", mechanism="m", targets="t", beneficiaries=3,
                              lines=[services.Line("seedlings", "能繁母牛 5 头", "45000")], application=returned)
    services.application_submit(actor=clerk, application=returned, on=_today())
    checked = services.application_check(actor=township, application=returned, on=_today(),
                                         results={code: True for code in services.CHECKLIST_CODES})
    with pytest.raises(DomainError, match="过去的日期"):
        services.notice_start(actor=admin, application=checked, on=_today() - datetime.timedelta(days=1))
    posted = services.notice_start(actor=admin, application=checked, on=_today())
    assert posted.notice_until == _today() + datetime.timedelta(days=9)  # ten days in all
    with pytest.raises(DomainError, match="只有拟报或被退回"):
        services.application_save(actor=clerk, village=world.village("tdw"), title="改", beneficiary="village",
                                  kind="productive", plan="p", mechanism="m", targets="t", beneficiaries=3,
                                  lines=[services.Line("seedlings", "牛", "1")], application=posted)
    services.objection_record(actor=admin, application=posted, received_on=_today(), content="受益户名单有误")
    with pytest.raises(DomainError, match="公示期内"):
        services.objection_record(actor=admin, application=posted, received_on=_today() - datetime.timedelta(days=1),
                                  content="迟到的异议")


def test_the_panel_is_drawn_among_those_who_need_not_recuse_and_never_smaller(world, settings):
    admin = world.users["county_admin"]
    application = noticed(apply(world, "tdw", title="坳村茶叶加工"))
    experts = world.fund["experts"]
    eligible = services_grant.eligible(application)
    assert experts["tied"] not in eligible and experts["unit"] in eligible and len(eligible) == 6
    gz = noticed(apply(world, "gz", title="舟村辣椒种植"))
    assert experts["unit"] not in services_grant.eligible(gz) and experts["tied"] in services_grant.eligible(gz)
    settings.MINXIN_FUND_PANEL_SIZE = 7
    with pytest.raises(DomainError, match="只有 6 名，不足 7 名"):
        services_grant.panel_draw(actor=admin, application=application)
    settings.MINXIN_FUND_PANEL_SIZE = 4
    with pytest.raises(DomainError, match="奇数"):
        services_grant.panel_draw(actor=admin, application=application)
    assert not application.seats.exists()
    settings.MINXIN_FUND_PANEL_SIZE = 5
    seats = services_grant.panel_draw(actor=admin, application=application)
    assert len(seats) == 5 and experts["tied"].pk not in {seat.expert_id for seat in seats}
    with pytest.raises(DomainError, match="已抽取"):
        services_grant.panel_draw(actor=admin, application=application)


def test_experts_score_once_on_the_rubric_and_only_where_they_sit(world):
    application = world.fund["tdw"]["application"]
    expert = world.users["expert"]
    before = _counts()
    for levels, message in (({**TOP, "budget": 6}, "1 到 5"), ({**TOP, "budget": 0}, "1 到 5"),
                            ({**TOP, "budget": "5"}, "1 到 5"), ({"feasibility": 5}, "每一项")):
        with pytest.raises(DomainError, match=message):
            services_grant.score_submit(actor=expert, application=application, levels=levels)
    assert _counts() == before
    seat = services_grant.score_submit(actor=expert, application=application,
                                       levels={"feasibility": 4, "effect": 3, "sustainability": 2, "budget": 1})
    assert seat.total == Decimal("42.50")  # 30×3/4 + 30×2/4 + 20×1/4 + 0
    with pytest.raises(DomainError, match="不能重复评分"):
        services_grant.score_submit(actor=expert, application=application, levels=TOP)
    other = noticed(apply(world, "tdw", title="坳村养鸡"))
    with pytest.raises(DomainError, match="不是这个申报的评审专家"):
        services_grant.score_submit(actor=expert, application=other, levels=TOP)
    assert list(selectors.applications(user=expert)) == [world.fund["gz"]["application"], application]
    # tied to the village after being drawn: refused at scoring
    gz_application = world.fund["gz"]["application"]
    world.fund["experts"]["persona"].tied_villages.add(world.village("gz"))
    with pytest.raises(DomainError, match="须回避"):
        services_grant.score_submit(actor=expert, application=gz_application, levels=TOP)


def test_the_aggregate_is_the_mean_or_the_trimmed_mean(settings):
    scores = [Decimal(x) for x in ("90", "80", "70", "60", "10")]
    settings.MINXIN_FUND_AGGREGATE = "trimmed"
    assert services_grant.aggregate(scores) == Decimal("70.00")  # (80+70+60)/3
    assert services_grant.aggregate(scores[:3]) == Decimal("80.00")  # fewer than five: the mean
    settings.MINXIN_FUND_AGGREGATE = "mean"
    assert services_grant.aggregate(scores) == Decimal("62.00")
    assert services_grant.aggregate([]) is None


def test_the_decision_waits_for_the_notice_and_the_scores_and_the_fund_covers_it(world):
    admin = world.users["county_admin"]
    application = world.fund["tdw"]["application"]
    before = _counts()
    with pytest.raises(DomainError, match="专家评分尚未全部完成（0/5）"):
        services_grant.decide(actor=admin, application=application, on=_today(), approve=True, amount="100",
                              direction="同意")
    _score_all(application)
    Application.objects.filter(pk=application.pk).update(notice_until=_today())
    application.refresh_from_db()
    with pytest.raises(DomainError, match="公示期满后"):
        services_grant.decide(actor=admin, application=application, on=_today(), approve=True, amount="100",
                              direction="同意")
    Application.objects.filter(pk=application.pk).update(notice_until=_today() - datetime.timedelta(days=1))
    application.refresh_from_db()
    with pytest.raises(DomainError, match="不能超过申请金额 45000.00 元"):
        services_grant.decide(actor=admin, application=application, on=_today(), approve=True, amount="45000.01",
                              direction="同意")
    assert _counts()[:2] == before[:2]
    decided = services_grant.decide(actor=admin, application=application, on=_today(), approve=True, amount="40000",
                                    direction="同意，专款专用")
    assert decided.state == "approved" and _available() == 160000_00
    assert decided.decision_notice_until == _today() + datetime.timedelta(days=9)
    with pytest.raises(DomainError, match="只有公示和评审中"):
        services_grant.decide(actor=admin, application=decided, on=_today(), approve=True, amount="1", direction="再批")


def test_a_grant_above_the_available_balance_is_refused(world):
    admin = world.users["county_admin"]
    services.contribution_record(actor=admin, county_code=COUNTY, source="government", donor="县财政",
                                 amount="1", received_on=_today(), receipt_no="JZ-X")
    big = world.fund["gz"]["application"]
    Application.objects.filter(pk=big.pk).update(requested_fen=300000_00)
    big.refresh_from_db()
    _score_all(big)
    before = _counts()
    with pytest.raises(DomainError, match="余额不足：精准扶贫基金可用余额可用 200001.00 元，本次需要 250000.00 元"):
        services_grant.decide(actor=admin, application=big, on=_today(), approve=True, amount="250000",
                              direction="同意")
    assert _counts() == before and Application.objects.get(pk=big.pk).state == "notice"


def test_tranches_follow_the_notice_their_order_their_shares_and_never_exceed_the_grant(world):
    admin = world.users["county_admin"]
    application = _approved(world)
    with pytest.raises(DomainError, match="期满后才能拨付"):
        services_grant.tranche_pay(actor=admin, application=application, stage="advance", amount="1", paid_on=_today())
    Application.objects.filter(pk=application.pk).update(
        decided_on=_today() - datetime.timedelta(days=20), decision_notice_until=_today() - datetime.timedelta(days=11))
    application.refresh_from_db()
    assert services_grant.planned(application) == {"advance": 22500_00, "completion": 18000_00, "acceptance": 4500_00}
    with pytest.raises(DomainError, match="请先拨付“预拨”"):
        services_grant.tranche_pay(actor=admin, application=application, stage="completion", amount="1",
                                   paid_on=_today())
    with pytest.raises(DomainError, match="到“预拨”为止累计拨付不能超过 22500.00 元"):  # the rest is held back
        services_grant.tranche_pay(actor=admin, application=application, stage="advance", amount="22500.01",
                                   paid_on=_today())
    services_grant.tranche_pay(actor=admin, application=application, stage="advance", amount="22500", paid_on=_today(),
                               idempotency_key="t-1")
    again = services_grant.tranche_pay(actor=admin, application=application, stage="advance", amount="22500",
                                       paid_on=_today(), idempotency_key="t-1")
    assert application.tranches.count() == 1 and again.stage == "advance"
    with pytest.raises(DomainError, match="已拨付"):
        services_grant.tranche_pay(actor=admin, application=application, stage="advance", amount="1", paid_on=_today())
    with pytest.raises(DomainError, match="累计拨付不能超过 40500.00 元"):
        services_grant.tranche_pay(actor=admin, application=application, stage="completion", amount="18000.01",
                                   paid_on=_today())
    services_grant.tranche_pay(actor=admin, application=application, stage="completion", amount="18000",
                               paid_on=_today())
    with pytest.raises(DomainError, match="验收合格后"):
        services_grant.tranche_pay(actor=admin, application=application, stage="acceptance", amount="1",
                                   paid_on=_today())
    services_grant.application_accept(actor=admin, application=application, on=_today())
    with pytest.raises(DomainError, match="超过该项目尚未拨付的 4500.00 元"):
        services_grant.tranche_pay(actor=admin, application=application, stage="acceptance", amount="4500.01",
                                   paid_on=_today())
    services_grant.tranche_pay(actor=admin, application=application, stage="acceptance", amount="4000",
                               paid_on=_today())  # 500 of the retention withheld: it goes back to the fund
    application.refresh_from_db()
    assert application.state == "closed" and services_grant.paid_fen(application) == 44500_00
    assert _available() == 200000_00 - 45000_00 + 500_00
    assert ledger.reconcile(fix=False) == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["give", "approve", "pay", "reverse"]),
                          st.integers(min_value=1, max_value=30_000_000)), max_size=10))
def test_any_sequence_keeps_the_fund_balanced_and_never_negative(world, steps):
    admin = world.users["county_admin"]
    Application.objects.update(notice_until=_today() - datetime.timedelta(days=1))
    open_apps = [world.fund[side]["application"] for side in ("tdw", "gz")]
    for app in open_apps:
        if app.seats.filter(scored_at__isnull=True).exists():
            _score_all(app)
    done = []
    for n, (action, fen) in enumerate(steps):
        amount = Decimal(fen) / 100
        try:
            if action == "give":
                done.append(services.contribution_record(actor=admin, county_code=COUNTY, source="society", donor="捐",
                                                         amount=amount, received_on=_today(), receipt_no=f"H{n}-{fen}"))
            elif action == "approve" and open_apps:
                app = Application.objects.get(pk=open_apps.pop().pk)
                services_grant.decide(actor=admin, application=app, on=_today(), approve=True,
                                      amount=min(amount, Decimal(app.requested_fen) / 100), direction="同意")
                Application.objects.filter(pk=app.pk).update(decision_notice_until=_today() - datetime.timedelta(days=1))
            elif action == "pay":
                app = Application.objects.filter(state="approved").first()
                if app is not None:
                    stage = next(s for s in ("advance", "completion") if not app.tranches.filter(stage=s).exists()) \
                        if app.tranches.count() < 2 else "completion"
                    services_grant.tranche_pay(actor=admin, application=app, stage=stage, amount=amount,
                                               paid_on=_today())
            elif done:
                ledger.reverse(actor=admin, original=done[fen % len(done)].transaction)
        except DomainError:
            pass  # refused (below zero, above the grant, out of order, reversed twice): nothing written
    assert _available() >= 0
    for code, balance in books.available(COUNTY).__class__.objects.filter(code__startswith="fund:").values_list(
            "code", "balance_fen"):
        assert balance >= 0 or ":income:" in code or code.startswith("fund:paid:"), code
    assert ledger.reconcile(fix=False) == []
    assert Entry.objects.aggregate(n=Sum("amount_fen"))["n"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the in-memory SQLite test database locks whole tables, so threads cannot race in it; "
                           "this race runs in make test's PostgreSQL pass (on SQLite, BEGIN IMMEDIATE serialises "
                           "the writers)")
@pytest.mark.django_db(transaction=True)
def test_twenty_approvals_racing_for_the_last_yuan_never_overdraw_the_fund(world):
    """20 applications, each asking 15,000 of a fund of 200,000: at most 13 can be approved; the sum
    approved never exceeds what was available, and the balance never goes below zero."""
    admin = world.users["county_admin"]
    apps = []
    for n in range(20):
        app = noticed(apply(world, "tdw" if n % 2 else "gz", title=f"项目{n}",
                            lines=[services.Line("equipment", "设备", "15000")]))
        PanelSeat.objects.create(application=app, expert=world.fund["experts"]["persona"])
        services_grant.score_submit(actor=world.users["expert"], application=app, levels=TOP)
        apps.append(app)
    outcomes = []

    def approve(app):
        try:
            services_grant.decide(actor=admin, application=Application.objects.get(pk=app.pk), on=_today(),
                                  approve=True, amount="15000", direction="同意")
            outcomes.append(True)
        except DomainError:
            outcomes.append(False)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    approved = Application.objects.filter(state="approved").aggregate(n=Sum("approved_fen"))["n"] or 0
    assert outcomes.count(True) == 13 and approved == 13 * 15000_00
    assert _available() == 200000_00 - approved >= 0
    assert ledger.reconcile(fix=False) == []


def test_the_expert_pool_takes_only_this_countys_expert_accounts(world):
    """A county administrator neither sees nor links another county's expert account (in a
    prefecture's database), and an account linked that way before sees none of this county's seats."""
    from minxin.accounts.roles import Role
    from minxin.fund.forms import ExpertForm
    from minxin.regions import codes
    from minxin.regions.models import Region
    from tests.world import _user

    admin = world.users["county_admin"]
    Region.objects.get_or_create(code="520626000000", defaults={"name": "德江县", "level": codes.COUNTY})
    outsider = _user(world, "德江专家", Role.EXPERT, "520626000000")
    assert world.users["expert"] in ExpertForm(user=admin).fields["user"].queryset
    assert outsider not in ExpertForm(user=admin).fields["user"].queryset
    with pytest.raises(DomainError, match="本县的评审专家") as refused:
        services.expert_save(actor=admin, county_code=COUNTY, name="外县专家", organisation="德江县农业农村局",
                             user=outsider)
    assert refused.value.code == "bad_user"
    seat = world.fund["tdw"]["application"].seats.first()
    seat.expert.user = outsider
    seat.expert.save(update_fields=["user"])  # linked before the check existed
    assert list(selectors.my_seats(user=outsider)) == []
