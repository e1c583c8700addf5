from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.core import nav
from minxin.registry import permissions

nav.register("registry", label=_("一户一表"), icon="bi-house-heart", order=30, url_name="registry:household-list",
             visible=permissions.can_view)
nav.register_region_link("village-file", label=_("一村一档"), icon="bi-folder2-open", order=40, levels=("village",),
                         url=lambda region: reverse("registry:village-file", args=[region.code]),
                         visible=permissions.can_view)
