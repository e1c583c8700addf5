from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "minxin.registry"
    label = "registry"
    verbose_name = _("一户一表、一村一档")
