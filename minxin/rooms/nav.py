from django.utils.translation import gettext_lazy as _

from minxin.core import audit, nav
from minxin.ledger import books
from minxin.ledger.models import Transaction
from minxin.rooms import selectors
from minxin.rooms.models import Due, Evaluation, Receipt, Room

nav.register("rooms", label=_("干群连心室"), icon="bi-house-heart", order=47, url_name="rooms:room-list",
             visible=selectors.can_view)

audit.register_action_labels({
    "room.open": _("干群连心室：建档"), "room.edit": _("干群连心室：修改信息"), "room.levy": _("干群连心室：生成应拨经费"),
    "room.receipt": _("干群连心室：经费到账"), "room.spending": _("干群连心室：经费支出"),
    "room.budget": _("干群连心室：下达建设经费预算"), "room.reverse": _("干群连心室：冲销记账"),
    "room.evaluate": _("干群连心室：半年评估"),
})
# A room's record, evaluations and books (its money is counted from the ledger's postings).
audit.register_changes({code: (Room, Evaluation, Due, Receipt, Transaction) for code in (
    "room.open", "room.edit", "room.levy", "room.receipt", "room.spending", "room.budget", "room.reverse",
    "room.evaluate")})

books.register("rooms", label=_("干群连心室"), kind_prefix="rooms.", visible=selectors.can_read_books,
               back="rooms:room-list")
