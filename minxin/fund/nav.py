from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from minxin.core import audit, nav
from minxin.fund import selectors
from minxin.fund.models import Application, Tranche
from minxin.ledger import books
from minxin.ledger.models import Transaction

nav.register("fund", label=_("扶贫基金"), icon="bi-piggy-bank", order=48, url_name="fund:overview",
             visible=selectors.can_view)

_PREFIX = _("扶贫基金：")
audit.register_action_labels({f"fund.{key}": format_lazy("{}{}", _PREFIX, label) for key, label in {
    "contribution": _("登记筹集"), "expert": _("维护专家库"), "application_save": _("保存申报"), "submit": _("报送乡镇"),
    "check": _("乡镇审核"), "notice": _("公示申报"), "objection": _("登记公示异议"), "panel": _("抽取评审专家"),
    "score": _("专家评分"), "decide": _("县级决定"), "tranche": _("拨付资金"), "accept": _("项目验收"),
}.items()})
# The fund's applications and what was paid out of them, through the ledger's postings (which the
# rooms' money figures read as well).
audit.register_changes({f"fund.{key}": (Application, Tranche, Transaction) for key in (
    "contribution", "expert", "application_save", "submit", "check", "notice", "objection", "panel", "score",
    "decide", "tranche", "accept")})

books.register("fund", label=_("精准扶贫基金"), kind_prefix="fund.", visible=lambda user: user.can("view_fund"),
               back="fund:overview")
