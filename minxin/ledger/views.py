"""The ledger lines of one book (every leg of every transaction, with its account), scoped to the
user's region like every list, with its .xlsx — what an auditor follows from payer to recipient."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from minxin.core import pages
from minxin.core.errors import PermissionDenied
from minxin.core.params import recent_years, year_param
from minxin.core.scoping import scope_q
from minxin.core.xlsx import columns_response
from minxin.ledger.books import BOOKS
from minxin.ledger.models import Entry
from minxin.ledger.money import to_yuan
from minxin.regions.selectors import region_filter

COLUMNS = [
    (_("业务日期"), lambda e: e.transaction.occurred_on), (_("凭证号"), lambda e: e.transaction_id),
    (_("业务类型"), lambda e: e.transaction.kind), (_("摘要"), lambda e: e.transaction.memo),
    (_("科目编码"), lambda e: e.account.code), (_("科目名称"), lambda e: e.account.name),
    (_("借方（元）"), lambda e: to_yuan(e.amount_fen) if e.amount_fen > 0 else ""),
    (_("贷方（元）"), lambda e: to_yuan(-e.amount_fen) if e.amount_fen < 0 else ""),
    (_("冲销凭证号"), lambda e: e.transaction.reverses_id or ""),
]


def lines(*, user, book, region: str | None = None, year: int | None = None):
    """The book's posted lines in the user's scope, newest first."""
    qs = Entry.objects.filter(transaction__kind__startswith=book.kind_prefix, transaction__posted=True).filter(
        scope_q(user, "transaction__region_code")).select_related("transaction", "account")
    if region:
        qs = qs.filter(transaction__region_code__startswith=region)
    if year:
        qs = qs.filter(transaction__occurred_on__year=year)
    return qs.order_by("-transaction__occurred_on", "-transaction_id", "id")


def _export(book):
    return lambda rows: columns_response(filename=f"{book.label}记账明细.xlsx", sheet="记账明细", columns=COLUMNS,
                                         objects=rows.iterator())


@login_required
def book_lines(request, book):
    found = BOOKS.get(book)
    if found is None:
        raise Http404("book")
    region = region_filter(user=request.user, code=request.GET.get("village"))  # out of scope: 404 first
    if not found.visible(request.user):
        raise PermissionDenied()
    year = year_param(request.GET.get("year"))
    rows = lines(user=request.user, book=found, region=region.prefix if region else None, year=year)
    return pages.list_page(request, rows, "ledger/lines.html", nav=found.key, export=_export(found), region=region,
                           year=year, years=recent_years(), book=found, per_page=100)
