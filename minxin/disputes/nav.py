from django.utils.translation import gettext_lazy as _

from minxin.core import audit, nav
from minxin.disputes import selectors

nav.register("disputes", label=_("矛盾纠纷"), icon="bi-shield-check", order=45, url_name="disputes:screening-list",
             visible=selectors.can_view)

audit.register_action_labels({
    "screening.record": _("填报矛盾纠纷排查"), "sensitive_period.declare": _("发布敏感时期"),
})
