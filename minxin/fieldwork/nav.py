from django.utils.translation import gettext_lazy as _

from minxin.core import nav
from minxin.fieldwork.selectors import can_view

# Records for everyone in scope who works with villagers; requests beside them.
nav.register("fieldwork", label=_("驻村记实"), icon="bi-journal-check", order=40, url_name="fieldwork:visit-list",
             visible=can_view)
nav.register("requests", label=_("群众诉求"), icon="bi-chat-heart", order=50, url_name="fieldwork:request-list",
             visible=can_view)
