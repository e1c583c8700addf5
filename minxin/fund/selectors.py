"""Scoped reads of the fund. Staff read the applications of their region; an expert reads only the
applications of the panels it sits on, and nothing of the registry; the county's balance and
contributions are the county's (a county-wide user's). Out of scope is a 404 like a missing record."""

import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.core import guards
from minxin.core.errors import PermissionDenied
from minxin.fund.models import Application, Contribution, Expert, PanelSeat, Tranche
from minxin.ledger.models import Account
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.regions.selectors import user_county
from minxin.registry.models import Household

can_view, require_view = guards.read_gate(roles.VIEW_FUND, roles.SCORE_FUND)  # every read of the module that takes a user checks it


def applications(*, user: User, region: str | None = None, state: str = "", kind: str = "",
                 year: int | None = None) -> QuerySet[Application]:
    """Applications the user may read: in its region (staff), or on its panels (an expert)."""
    require_view(user)
    if user.can(roles.VIEW_FUND):
        qs = Application.objects.visible_to(user)
    else:
        qs = Application.objects.filter(seats__expert__user=user)
    qs = qs.select_related("village__parent").annotate(paid=Sum("tranches__amount_fen"))
    if region:
        qs = qs.filter(village__code__startswith=region)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(created_at__year=year)
    return qs.order_by("-id")


def application_get(*, user: User, pk: int) -> Application:
    """One application the user may read. Outside the user's region it is a 404 like a missing one,
    whatever the role; inside it, a role that may not read it gets a 403 — the expert too, for an
    application of a panel it does not sit on."""
    if not user.can(roles.VIEW_FUND):
        found = get_object_or_404(Application.objects.visible_to(user), pk=pk)
        if not (user.can(roles.SCORE_FUND) and found.seats.filter(expert__user=user).exists()):
            raise PermissionDenied()
    return get_object_or_404(applications(user=user), pk=pk)


def contributions(*, user: User, year: int | None = None, source: str = "") -> QuerySet[Contribution]:
    require_view(user)
    if not user.can(roles.VIEW_FUND):
        raise PermissionDenied()
    qs = Contribution.objects.visible_to(user).select_related("recorded_by")
    if year:
        qs = qs.filter(received_on__year=year)
    if source:
        qs = qs.filter(source=source)
    return qs


def experts(*, user: User) -> QuerySet[Expert]:
    if not user.can(roles.MANAGE_FUND):
        raise PermissionDenied()
    return Expert.objects.visible_to(user).select_related("user", "sending_unit").prefetch_related(
        "tied_villages").annotate(seats_count=Count("seats")).order_by("name", "id")


def seats(*, application: Application) -> list[PanelSeat]:
    return list(application.seats.select_related("expert").order_by("id"))


def my_seats(*, user: User) -> QuerySet[PanelSeat]:
    """An expert's seats, the unscored first."""
    if not user.can(roles.SCORE_FUND):
        raise PermissionDenied()
    return PanelSeat.objects.visible_to(user).filter(expert__user=user).select_related("application__village__parent").order_by(
        "scored_at", "-id")



def tranches(*, user: User, region: str | None = None) -> QuerySet[Tranche]:
    require_view(user)
    qs = Tranche.objects.visible_to(user).select_related("application__village__parent")
    if region:
        qs = qs.filter(application__village__code__startswith=region)
    return qs


def balance(*, user: User) -> dict | None:
    """The county fund's available balance and what approved grants still hold (fen), for a
    county-wide user; None for others (the fund is the county's)."""
    county = user_county(user)
    if county is None or not user.can(roles.VIEW_FUND):
        return None
    available = Account.objects.filter(code=f"fund:{county}:available").values_list("balance_fen", flat=True).first()
    committed = Account.objects.filter(code__startswith="fund:grant:", region_code__startswith=county[:6]).aggregate(
        n=Sum("balance_fen"))["n"]
    return {"county": county, "available": available or 0, "committed": committed or 0}


def statement(*, user: User, start: datetime.date, end: datetime.date) -> dict | None:
    """The fund statement for [start, end]: the opening balance, contributions by source, grants
    approved, tranches paid, releases, the closing balance — each from the ledger (fen)."""
    county = user_county(user)
    if county is None or not user.can(roles.VIEW_FUND):
        return None
    from minxin.ledger.models import Entry

    account = f"fund:{county}:available"
    lines = Entry.objects.filter(account__code=account, transaction__posted=True)
    opening = lines.filter(transaction__occurred_on__lt=start).aggregate(n=Sum("amount_fen"))["n"] or 0
    period = lines.filter(transaction__occurred_on__gte=start, transaction__occurred_on__lte=end)
    by_kind = dict(period.values("transaction__kind").annotate(n=Sum("amount_fen")).values_list(
        "transaction__kind", "n").order_by())
    sources = dict(Contribution.objects.filter(county_code=county, received_on__gte=start, received_on__lte=end)
                   .values("source").annotate(n=Sum("amount_fen")).values_list("source", "n").order_by())
    paid = Tranche.objects.filter(application__village__code__startswith=county[:6], paid_on__gte=start,
                                  paid_on__lte=end)
    closing = opening + sum(by_kind.values())
    return {"county": county, "start": start, "end": end, "opening": opening, "closing": closing,
            "sources": [(value, label, sources.get(value, 0)) for value, label in Contribution.Source.choices],
            "contributed": sum(by_kind.get(k, 0) for k in ("fund.contribution", "fund.contribution.reversal")),
            "approved": -sum(by_kind.get(k, 0) for k in ("fund.grant", "fund.grant.reversal")),
            "released": by_kind.get("fund.release", 0),
            "paid": paid.aggregate(n=Sum("amount_fen"))["n"] or 0,
            **shares(county=county, start=start, end=end)}


def shares(*, county: str, start: datetime.date, end: datetime.date) -> dict:
    """Money approved in the period by kind (productive vs relief), by beneficiary and by township."""
    approved = Application.objects.filter(village__code__startswith=county[:6], decided_on__gte=start,
                                          decided_on__lte=end, approved_fen__isnull=False)
    by_kind = dict(approved.values("kind").annotate(n=Sum("approved_fen")).values_list("kind", "n").order_by())
    total = sum(by_kind.values())
    productive = by_kind.get(Application.Kind.PRODUCTIVE, 0)
    by_beneficiary = dict(approved.values("beneficiary").annotate(n=Sum("approved_fen")).values_list(
        "beneficiary", "n").order_by())
    townships = dict(Region.objects.filter(level=codes.TOWNSHIP, code__startswith=county[:6]).values_list(
        "code", "name"))
    by_township: dict[str, int] = {}
    for village, fen in approved.values_list("village_id", "approved_fen"):
        fen = fen or 0
        name = townships.get(village[:9] + "000", village[:9])
        by_township[name] = by_township.get(name, 0) + fen
    return {"productive": productive, "relief": by_kind.get(Application.Kind.RELIEF, 0), "approved_total": total,
            "target": settings.MINXIN_FUND_PRODUCTIVE_TARGET,
            "productive_share": round(productive * 100 / total, 1) if total else None,
            "by_beneficiary": [(label, by_beneficiary.get(value, 0))
                               for value, label in Application.Beneficiary.choices],
            "by_township": sorted(by_township.items(), key=lambda item: -item[1])}


def notice_villages(*, village: Region, today: datetime.date) -> QuerySet[Application]:
    """What a village's public notice page shows today: applications in their notice period and
    decisions in theirs (no identifiers: the page shows no household)."""
    return Application.objects.filter(village=village).filter(
        Q(notice_from__lte=today, notice_until__gte=today)
        | Q(decided_on__lte=today, decision_notice_until__gte=today)).prefetch_related("lines", "seats").order_by("id")



def household_id(*, user: User, village: Region, number: str) -> int | None:
    """The id of the village's household numbered `number` in the user's scope: None when no number
    is given, -1 when none matches (the service then refuses it like a missing household)."""
    number = number.strip()
    if not number:
        return None
    found = Household.objects.visible_to(user).filter(village=village, number=number).values_list("pk", flat=True)
    return found.first() or -1
