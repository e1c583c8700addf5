from django.apps import AppConfig
from django.core import checks
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minxin.core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.urls import register_converter

        from minxin.core.params import YearConverter

        register_converter(YearConverter, "year")  # `<year:year>` in any app's URLs
        # Each app declares its menu entries in its own `nav.py` (core.nav) and what waits for its
        # users in its own `todo.py` (core.todo).
        autodiscover_modules("nav")
        autodiscover_modules("todo")
        from minxin.core import sealing

        checks.register(sealing.check_keys, checks.Tags.security, deploy=True)
