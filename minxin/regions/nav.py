from django.utils.translation import gettext_lazy as _

from minxin.core import nav

nav.register("regions", label=_("区划与驻村"), icon="bi-diagram-3", order=20, url_name="regions:detail",
             per_region=True)
