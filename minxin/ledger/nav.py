from django.utils.translation import gettext_lazy as _

from minxin.core import audit

audit.register_action_labels({"ledger.reconcile": _("对账：按记账明细重建余额")})
audit.register_uncounted("ledger.reconcile")  # an account's cached balance: no figure reads it
