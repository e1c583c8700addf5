from django.utils.translation import gettext_lazy as _

from minxin.core import nav

nav.register("assessment", label=_("考核"), icon="bi-clipboard-data", order=90, url_name="assessment:index")
