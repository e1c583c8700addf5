from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from minxin.accounts import roles
from minxin.core import audit, nav
from minxin.disputes import selectors, selectors_cases
from minxin.disputes.models import Dispute, DisputeStep, Petition, PetitionStep, Screening

nav.register("disputes", label=_("矛盾纠纷"), icon="bi-shield-check", order=45, url_name="disputes:dispute-list",
             visible=selectors.can_view)

audit.register_action_labels({
    "screening.record": _("填报矛盾纠纷排查"), "sensitive_period.declare": _("发布敏感时期"),
    "dispute.party_add": _("矛盾纠纷：添加当事人"), "dispute.edit": _("矛盾纠纷：修改案件信息"),
    **{f"dispute.{step.value}": format_lazy("{}{}", _("矛盾纠纷："), step.label) for step in DisputeStep.Step},
    **{f"petition.{step.value}": format_lazy("{}{}", _("信访事项："), step.label) for step in PetitionStep.Step},
})


def _source_section(kind: str):
    """The cases filed from a visit, need or villager request, on its page, and the button that files
    one from it (for those who keep case files)."""
    def context(user, record):
        if not selectors.can_view(user):
            return None
        cases = selectors_cases.dispute_list(user=user).filter(**{f"source_{kind}": record})
        new_url = (f"{reverse('disputes:dispute-new')}?{kind}={record.pk}" if user.can(roles.HANDLE_DISPUTES)
                   else "")
        return {"cases": list(cases), "new_url": new_url}
    return context


for _kind in ("visit", "need", "request"):
    nav.register_section(f"fieldwork.{_kind}", "disputes", order=60, template="disputes/_source_section.html",
                         context=_source_section(_kind))


def _household_section(user, household):
    """The cases a member of the household is a party to (none shown: no section)."""
    if not selectors.can_view(user):
        return None
    cases = list(selectors_cases.dispute_list(user=user).filter(parties__member__household=household).distinct())
    return {"cases": cases} if cases else None


nav.register_section("registry.household", "disputes", order=70, template="disputes/_household_section.html",
                     context=_household_section)
# A village's screening, a case's steps and a petition's: each counts again only its own figures. A
# sensitive period changes the screening cycles, which no figure counts.
audit.register_changes({"screening.record": (Screening,), "dispute.party_add": (Dispute,), "dispute.edit": (Dispute,),
                        **{f"dispute.{step.value}": (Dispute,) for step in DisputeStep.Step},
                        **{f"petition.{step.value}": (Petition,) for step in PetitionStep.Step}})
audit.register_uncounted("sensitive_period.declare")
audit.register_changes({"member.remove": (Petition,)})  # a removed villager's petitions lose their link to him
