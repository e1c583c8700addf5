from django.utils.translation import gettext_lazy as _

from minxin.core import nav

nav.register("dashboard", label=_("工作概览"), icon="bi-speedometer2", order=10, url_name="reports:dashboard",
             per_region=True)
