from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from minxin.core import audit, nav
from minxin.disputes import selectors
from minxin.disputes.models import DisputeStep, PetitionStep

nav.register("disputes", label=_("矛盾纠纷"), icon="bi-shield-check", order=45, url_name="disputes:dispute-list",
             visible=selectors.can_view)

audit.register_action_labels({
    "screening.record": _("填报矛盾纠纷排查"), "sensitive_period.declare": _("发布敏感时期"),
    **{f"dispute.{step.value}": format_lazy("{}{}", _("矛盾纠纷："), step.label) for step in DisputeStep.Step},
    **{f"petition.{step.value}": format_lazy("{}{}", _("信访事项："), step.label) for step in PetitionStep.Step},
})
