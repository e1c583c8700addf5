from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "minxin.cadres"
    verbose_name = _("驻村干部")
