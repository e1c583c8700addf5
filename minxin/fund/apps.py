from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "minxin.fund"
    label = "fund"
    verbose_name = _("精准扶贫基金")
