from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.core import nav

nav.register("cadres", label=_("驻村干部"), icon="bi-people", order=60, url_name="cadres:list")
nav.register("leave", label=_("请假"), icon="bi-calendar2-week", order=70, url_name="cadres:leave-list")
nav.register("units", label=_("派出单位"), icon="bi-building", order=80, url_name="cadres:unit-list")
nav.register_region_link("cadres", label=_("驻村干部"), icon="bi-people", order=30,
                         url=lambda region: f"{reverse('cadres:list')}?village={region.prefix}")
