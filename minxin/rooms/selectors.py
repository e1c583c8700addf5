"""Scoped reads of the liaison rooms: the rooms with their latest grade, what each payer owes and
still owes (arrears by payer), a room's money, evaluations and ledger lines, the county's
construction budget. Out of scope is a 404 like a missing record."""

from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.core import guards
from minxin.ledger.models import Account
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.rooms.models import Due, Evaluation, Payer, Receipt, Room, Spending

can_view, require_view = guards.read_gate(roles.VIEW_ROOMS)  # every read of the module that takes a user checks it


def _latest(field: str) -> Subquery:
    return Subquery(Evaluation.objects.filter(room=OuterRef("pk")).order_by("-year", "-half").values(field)[:1])


def room_list(*, user: User, region: str | None = None, grade: str = "", opened: str = "") -> QuerySet[Room]:
    """Rooms in the user's scope, each with its latest evaluation's grade and total."""
    require_view(user)
    qs = Room.objects.visible_to(user).select_related("village__parent", "sending_unit").annotate(
        latest_grade=_latest("grade"), latest_total=_latest("total"), latest_year=_latest("year"),
        latest_half=_latest("half"))
    if region:
        qs = qs.filter(village__code__startswith=region)
    if grade:
        qs = qs.filter(latest_grade=grade)
    if opened == "yes":
        qs = qs.filter(opened_on__isnull=False)
    elif opened == "no":
        qs = qs.filter(opened_on__isnull=True)
    return qs.order_by("village__code")


def room_get(*, user: User, pk: int) -> Room:
    return get_object_or_404(room_list(user=user), pk=pk)


def villages_without_room(*, user: User) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(level=codes.VILLAGE, liaison_room__isnull=True).select_related(
        "parent").order_by("code")


def with_received(dues: QuerySet[Due]) -> QuerySet[Due]:
    """Dues annotated with what was received against each (reversed receipts not counted) and what
    remains."""
    received = Receipt.objects.filter(due=OuterRef("pk"), transaction__reversed_by__isnull=True).order_by().values(
        "due").annotate(n=Sum("amount_fen")).values("n")
    return dues.annotate(received_fen=Coalesce(Subquery(received, output_field=IntegerField()), Value(0)),
                         remaining_fen=F("amount_fen") - F("received_fen"))


def _own_unit_only(user: User) -> bool:
    """A sending unit's liaison sees what its own unit owes, nothing of the city's or county's share."""
    return user.can(roles.PAY_ROOMS) and not user.can(roles.FUND_ROOMS)


def dues(*, user: User, region: str | None = None, year: int | None = None, payer: str = "",
         outstanding: bool = False, overdue: bool = False) -> QuerySet[Due]:
    """Dues in the user's scope with what each received and what remains."""
    require_view(user)
    qs = with_received(Due.objects.visible_to(user).select_related("room__village__parent", "sending_unit"))
    if _own_unit_only(user):
        qs = qs.filter(payer=Payer.UNIT, sending_unit_id=user.sending_unit_id)
    if region:
        qs = qs.filter(room__village__code__startswith=region)
    if year:
        qs = qs.filter(year=year)
    if payer:
        qs = qs.filter(payer=payer)
    if outstanding or overdue:
        qs = qs.filter(remaining_fen__gt=0)  # type: ignore[misc]  # an annotation (with_received) the plugin cannot see
    if overdue:
        qs = qs.filter(due_on__lt=timezone.localdate())
    return qs.order_by("-year", "room__village__code", "payer")


def arrears_by_payer(rows: QuerySet[Due]) -> list[dict]:
    """Totals per payer (and per sending unit for the units' share) of the dues given: owed, received,
    remaining — one grouped query."""
    totals = rows.order_by().values("payer", "sending_unit__name").annotate(
        owed=Sum("amount_fen"), received=Sum("received_fen"), remaining=Sum("remaining_fen"))
    labels = dict(Payer.choices)
    return sorted(({**row, "label": labels.get(row["payer"], row["payer"])} for row in totals),
                  key=lambda row: (list(labels).index(row["payer"]), row["sending_unit__name"] or ""))


def can_read_books(user: User) -> bool:
    """The rooms' ledger book shows every payer's money: not for a liaison, who sees its own unit's."""
    return can_view(user) and not _own_unit_only(user)


def receipts(*, user: User, room: Room) -> QuerySet[Receipt]:
    qs = Receipt.objects.visible_to(user).filter(due__room=room)
    if _own_unit_only(user):
        qs = qs.filter(due__payer=Payer.UNIT, due__sending_unit_id=user.sending_unit_id)
    return qs.select_related("due", "recorded_by", "transaction__reversed_by")


def spendings(*, user: User, room: Room | None = None, kind: str = "") -> QuerySet[Spending]:
    require_view(user)
    qs = Spending.objects.visible_to(user).select_related("room__village__parent", "recorded_by",
                                                          "transaction__reversed_by")
    if room is not None:
        qs = qs.filter(room=room)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def evaluations(*, user: User, room: Room) -> QuerySet[Evaluation]:
    return Evaluation.objects.visible_to(user).filter(room=room).select_related("evaluated_by")


def balances(rooms: list[Room]) -> dict[str, int]:
    """Each room's working-fund balance (fen) by village code, in one query."""
    found = dict(Account.objects.filter(code__in=[f"room:{room.village_id}:fund" for room in rooms]).values_list(
        "code", "balance_fen"))
    return {room.village_id: found.get(f"room:{room.village_id}:fund", 0) for room in rooms}


def construction(*, user: User) -> dict | None:
    """The county's construction budget: allotted, spent, available (fen) — for a county-wide user
    (the budget is the county's; a township sees its rooms' spending on their pages)."""
    require_view(user)
    counties = codes.counties_of(user.scope_prefixes())
    if len(counties) != 1:
        return None
    county = counties.pop()
    if not user.in_scope(county):
        return None
    budget = Account.objects.filter(code=f"rooms:{county}:build").first()
    allotted = -(Account.objects.filter(code=f"rooms:{county}:appropriation").values_list(
        "balance_fen", flat=True).first() or 0)
    spent = Spending.objects.visible_to(user).filter(
        kind=Spending.Kind.CONSTRUCTION, transaction__reversed_by__isnull=True).aggregate(n=Sum("amount_fen"))["n"] or 0
    return {"county": county, "allotted": allotted, "available": budget.balance_fen if budget else 0, "spent": spent}
