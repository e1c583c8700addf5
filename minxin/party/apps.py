from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "minxin.party"
    label = "party"
    verbose_name = _("基层党建")
