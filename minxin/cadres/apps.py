from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "minxin.cadres"
    verbose_name = _("驻村干部")

    def ready(self):
        from minxin.accounts import scoping
        from minxin.cadres.selectors import assigned_village_codes

        # Cadres and liaisons see the villages of their (their unit's) active assignments.
        scoping.register_assigned_villages(assigned_village_codes)
