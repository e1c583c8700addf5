"""Dashboard figures of the liaison rooms: rooms opened and fully up to standard, rooms graded 好 or
较好 in the year's latest evaluation, and the year's working fund and subsidy — due, received, owed —
in whole yuan."""

from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from minxin.core.figures import aggregate_by_group, figure_set, list_link
from minxin.ledger.models import Transaction
from minxin.rooms import selectors
from minxin.rooms.checklist import FAIR, GOOD, STANDARD_CODES
from minxin.rooms.models import Due, Evaluation, Receipt, Room

MODULE = _("干群连心室")
_in_village = list_link("rooms:room-list", region=lambda code: {"village": code}, year=False,
                        visible=selectors.can_view)


@figure_set(
    ("rooms.rooms", _("干群连心室"), _("个"), 80),
    ("rooms.opened", _("已启用连心室"), _("个"), 81),
    ("rooms.standard", _("标准化建设全部达标"), _("个"), 82),
    ("rooms.graded_good", _("评定为好、较好的连心室"), _("个"), 83),
    module=MODULE, links={"rooms.rooms": _in_village}, reads=(Room, Evaluation),
)
def rooms(prefix, year, group_len):
    """Rooms per group (a few hundred in a county: read once, counted here), and those whose latest
    evaluation of the year is 好 or 较好."""
    out: dict[str, dict[str, int]] = {key: defaultdict(int) for key in (
        "rooms.rooms", "rooms.opened", "rooms.standard", "rooms.graded_good")}
    for code, opened_on, standards in Room.objects.filter(village__code__startswith=prefix).values_list(
            "village_id", "opened_on", "standards"):
        group = code[:group_len]
        out["rooms.rooms"][group] += 1
        out["rooms.opened"][group] += opened_on is not None and opened_on.year <= year
        out["rooms.standard"][group] += all((standards or {}).get(item) for item in STANDARD_CODES)
    latest: dict[str, str] = {}
    for code, grade in Evaluation.objects.filter(room__village__code__startswith=prefix, year=year).order_by(
            "half").values_list("room__village_id", "grade"):
        latest[code] = grade
    for code, grade in latest.items():
        out["rooms.graded_good"][code[:group_len]] += grade in (GOOD, FAIR)
    return {key: dict(values) for key, values in out.items()}


@figure_set(
    ("rooms.due", _("连心室应拨经费"), _("元"), 84),
    ("rooms.received", _("连心室经费已到账"), _("元"), 85),
    ("rooms.arrears", _("连心室经费欠拨"), _("元"), 86),
    module=MODULE, reads=(Due, Room, Receipt, Transaction),  # money, not a count of rows: no tile links to a list
)
def money(prefix, year, group_len):
    dues = selectors.with_received(Due.objects.all())
    fen = aggregate_by_group(dues, "room__village__code", prefix, group_len, {
        "due": Sum("amount_fen"), "received": Sum("received_fen")}, year=year)
    out = {f"rooms.{key}": {group: value // 100 for group, value in groups.items()} for key, groups in fen.items()}
    out["rooms.arrears"] = {group: (fen["due"][group] - fen["received"].get(group, 0)) // 100 for group in fen["due"]}
    return out
