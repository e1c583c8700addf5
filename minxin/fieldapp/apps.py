from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldappConfig(AppConfig):
    name = "minxin.fieldapp"
    label = "fieldapp"
    verbose_name = _("外业应用")
