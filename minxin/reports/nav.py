from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.core import nav
from minxin.registry import permissions as registry

nav.register("dashboard", label=_("工作概览"), icon="bi-speedometer2", order=10, url_name="reports:dashboard",
             per_region=True)
nav.register_region_link("dashboard", label=_("工作概览"), icon="bi-speedometer2", order=10,
                         url=lambda region: reverse("reports:dashboard", args=[region.code]))
nav.register_region_link("map", label=_("民情地图"), icon="bi-geo-alt", order=20, levels=("county", "township", "village"),
                         url=lambda region: reverse("reports:map", args=[region.code]), visible=registry.can_view)
