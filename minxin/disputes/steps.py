"""What each step of a dispute or petition asks for on the page, and which steps a case offers now
(the services enforce the same order and refuse any other)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.disputes import deadlines
from minxin.disputes.models import Dispute, DisputeStep, Petition, PetitionStep
from minxin.disputes.services_case import EARLY
from minxin.disputes.services_petition import ALLOWED

D, P = DisputeStep.Step, PetitionStep.Step

# step → (the form's fields besides the date and note, the note's label)
DISPUTE_FIELDS = {
    D.ASSIGN: (("mediator",), _("部署情况")),
    D.PREVENT: ((), _("预防措施")),
    D.INVESTIGATE: ((), _("排查核实情况")),
    D.RESOLVE: (("result", "agreement", "agreement_terms", "amount", "perform_by"), _("调解记录")),
    D.ESCALATE: ((), _("上报理由")),
    D.PERFORM: ((), _("履行情况")),
    D.FOLLOW_UP: ((), _("回访情况")),
    D.JUDICIAL: (("court",), _("备注")),
}
PETITION_FIELDS = {
    P.ACCEPT: (("handler",), _("受理意见")),
    P.REJECT: ((), _("不予受理的理由及告知事项")),
    P.EXTEND: ((), _("延期理由")),
    P.REPLY: (("result",), _("答复意见")),
    P.REQUEST_REVIEW: ((), _("复查请求")),
    P.REVIEW: ((), _("复查意见")),
    P.REQUEST_REREVIEW: ((), _("复核请求")),
    P.REREVIEW: ((), _("复核意见")),
    P.CLOSE: ((), _("办结情况（息诉罢访等）")),
    P.BACKLOG: (("leader", "deadline"), _("化解措施")),
}


def dispute_steps(dispute: Dispute) -> list[str]:
    """The steps the case offers now, in the order they are usually taken."""
    if dispute.is_open:
        steps = [step for step, (needed, _next) in EARLY.items() if needed == dispute.state]
        return steps + ([D.ESCALATE] if dispute.level == Dispute.Level.VILLAGE else [])
    steps = []
    agreed = dispute.result == Dispute.Result.SUCCESS and dispute.agreement
    if agreed and not dispute.performed_on:
        steps.append(D.PERFORM)
    if not dispute.follow_up_on:
        steps.append(D.FOLLOW_UP)
    if (agreed and dispute.agreement == Dispute.Agreement.WRITTEN and not dispute.judicial_applied_on
            and timezone.localdate() <= deadlines.after(dispute.concluded_on, deadlines.JUDICIAL_DAYS)):
        steps.append(D.JUDICIAL)
    return steps


def petition_steps(petition: Petition) -> list[str]:
    steps = [step for step, states in ALLOWED.items() if petition.state in states]
    return [step for step in steps if not (step == P.EXTEND and petition.extended)]
