"""The ledger accounts of the liaison rooms, opened on first use (the same code always names the
same account): per room its working fund (may not go negative), what each payer owes it, what it
was pledged, what it spent; per county the construction budget (may not go negative) and the
appropriation that filled it."""

from django.utils.translation import gettext as _

from minxin.ledger.models import Account
from minxin.ledger.services import account_open
from minxin.rooms.models import Payer, Room, Spending


def _room(room: Room, suffix: str, name: str, kind: str, allow_negative: bool = False) -> Account:
    return account_open(code=f"room:{room.village_id}:{suffix}", name=f"{room.village.name}干群连心室{name}",
                        kind=kind, region_code=room.village_id, allow_negative=allow_negative)


def fund(room: Room) -> Account:
    return _room(room, "fund", _("工作经费"), Account.Kind.ASSET)


def receivable(room: Room, payer: str) -> Account:
    return _room(room, f"due:{payer}", _("应收%(payer)s经费") % {"payer": Payer(payer).label}, Account.Kind.ASSET)


def pledged(room: Room) -> Account:
    return _room(room, "pledged", _("应拨经费收入"), Account.Kind.INCOME, allow_negative=True)


def spent(room: Room, kind: str) -> Account:
    return _room(room, f"spent:{kind}", _("%(kind)s支出") % {"kind": Spending.Kind(kind).label},
                 Account.Kind.EXPENSE)


def budget(county_code: str) -> Account:
    return account_open(code=f"rooms:{county_code}:build", name=_("干群连心室建设经费预算"), kind=Account.Kind.ASSET,
                        region_code=county_code)


def appropriation(county_code: str) -> Account:
    return account_open(code=f"rooms:{county_code}:appropriation", name=_("干群连心室建设经费拨款"),
                        kind=Account.Kind.INCOME, region_code=county_code, allow_negative=True)
