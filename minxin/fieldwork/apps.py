from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "minxin.fieldwork"
    label = "fieldwork"
    verbose_name = _("驻村工作记实")
