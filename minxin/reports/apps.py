from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "minxin.reports"
    verbose_name = _("统计与报表")

    def ready(self):
        # Each app declares its dashboard figures in its own `figures.py`.
        autodiscover_modules("figures")
