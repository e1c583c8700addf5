from django.utils.translation import gettext_lazy as _

from minxin.core import nav
from minxin.registry import permissions

nav.register("registry", label=_("一户一表"), icon="bi-house-heart", order=30, url_name="registry:household-list",
             visible=permissions.can_view)
