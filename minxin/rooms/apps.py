from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    name = "minxin.rooms"
    label = "rooms"
    verbose_name = _("干群连心室")
