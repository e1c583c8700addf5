"""What waits in the liaison rooms: the half-year evaluation of each open room, in season from the
half year's last month to the end of the month after it, for the township and county; and the
dues not fully received by their date (within MINXIN_TODO_SOON_DAYS, or late) — a sending unit's
liaison its own unit's, the county the city's, its own and the province's."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.accounts import roles
from minxin.core import todo
from minxin.ledger.money import to_yuan
from minxin.rooms import selectors
from minxin.rooms.models import Due, Payer, Room


def evaluation_season(today: datetime.date) -> tuple[int, int, datetime.date] | None:
    """(year, half, due date) of the evaluation in season on `today`: June and July evaluate the first
    half (due 31 July), December and January the second (due 31 January); None otherwise."""
    if today.month in (6, 7):
        return today.year, 1, datetime.date(today.year, 7, 31)
    if today.month == 12:
        return today.year, 2, datetime.date(today.year + 1, 1, 31)
    if today.month == 1:
        return today.year - 1, 2, datetime.date(today.year, 1, 31)
    return None


def _unevaluated(user):
    season = evaluation_season(timezone.localdate())
    if season is None or not user.can(roles.MANAGE_ROOMS):
        return Room.objects.none()
    year, half, _due = season
    last_day = datetime.date(year, 6 if half == 1 else 12, 30 if half == 1 else 31)
    return Room.objects.visible_to(user).filter(opened_on__lte=last_day).exclude(
        evaluations__year=year, evaluations__half=half).select_related("village")


def _season_due(_room) -> datetime.date | None:
    season = evaluation_season(timezone.localdate())
    return season[2] if season else None


def _half_name() -> str:
    season = evaluation_season(timezone.localdate())
    if season is None:
        return ""
    return _("%(year)d 年%(half)s") % {"year": season[0], "half": _("上半年") if season[1] == 1 else _("下半年")}


todo.register(
    "rooms.evaluation", label=gettext_lazy("连心室半年评估"), queryset=_unevaluated, order_by="village__code",
    due=_season_due,
    title=lambda room: _("%(room)s %(half)s的考核评估") % {"room": room, "half": _half_name()},
    url=lambda room: reverse("rooms:evaluation-new", args=[room.pk]))


def _dues_owed(user):
    if user.can(roles.FUND_ROOMS):
        payers = [Payer.CITY, Payer.COUNTY, Payer.PROVINCE]
    elif user.can(roles.PAY_ROOMS):
        payers = [Payer.UNIT]
    else:
        return Due.objects.none()
    rows = selectors.dues(user=user, outstanding=True).filter(payer__in=payers, due_on__lte=todo.soon())
    return rows.order_by()


todo.register(
    "rooms.arrears", label=gettext_lazy("连心室经费待拨付"), queryset=_dues_owed, order_by="due_on",
    due=lambda due: due.due_on,
    title=lambda due: _("%(room)s %(year)d 年度%(payer)s经费尚欠 %(left)s 元") % {
        "room": due.room, "year": due.year, "payer": due.get_payer_display(),
        "left": f"{to_yuan(due.remaining_fen):,}"},
    url=lambda due: reverse("rooms:room-detail", args=[due.room_id]))

