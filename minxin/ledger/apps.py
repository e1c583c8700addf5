from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "minxin.ledger"
    label = "ledger"
    verbose_name = _("资金总账")

    def ready(self):
        from minxin.ledger import guard  # noqa: F401  (registers the SQLite switch on each connection)
