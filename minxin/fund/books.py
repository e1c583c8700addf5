"""The fund's ledger accounts, per county, opened on first use: what is available (never below
zero), what each source gave, what each approved grant holds until paid (never below zero), and
what each grant paid out."""

from django.utils.translation import gettext as _

from minxin.ledger.models import Account
from minxin.ledger.services import account_open


def available(county: str) -> Account:
    return account_open(code=f"fund:{county}:available", name=_("精准扶贫基金可用余额"), kind=Account.Kind.ASSET,
                        region_code=county)


def income(county: str, source: str, label: str) -> Account:
    return account_open(code=f"fund:{county}:income:{source}", name=_("基金筹集：%(source)s") % {"source": label},
                        kind=Account.Kind.INCOME, region_code=county, allow_negative=True)


def grant(application) -> Account:
    return account_open(code=f"fund:grant:{application.number}", name=_("已批准待拨付：%(number)s") % {
        "number": application.number}, kind=Account.Kind.ASSET, region_code=application.village_id)


def paid(application) -> Account:
    return account_open(code=f"fund:paid:{application.number}", name=_("已拨付：%(number)s") % {
        "number": application.number}, kind=Account.Kind.EXPENSE, region_code=application.village_id)
