"""Dashboard figures of the disputes module: the year's screenings and what they found, its dispute
cases (resolved, in the village, escalated, overdue) and petitions (answered,
overdue, backlog)."""

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.core.figures import IN_SOURCE, aggregate_by_group, figure_set, list_link, months
from minxin.disputes import selectors
from minxin.disputes.models import Dispute, Petition, Screening

MODULE = _("矛盾纠纷")


@figure_set(
    ("disputes.screenings", _("矛盾纠纷排查"), _("次"), 60,
     IN_SOURCE),
    ("disputes.nil_reports", _("零报告"), _("次"), 61),
    ("disputes.found", _("排查出矛盾纠纷"), _("件"), 62),
    module=MODULE,
    links={"disputes.screenings": list_link("disputes:screening-list", region=lambda code: {"village": code},
                                            visible=selectors.can_view)},
    reads=(Screening,),
)
def screenings(prefix, year, group_len):
    return aggregate_by_group(Screening.objects.all(), "village__code", prefix, group_len, {
        "disputes.screenings": Count("pk"),
        "disputes.nil_reports": Count("pk", filter=Q(found=0)),
        "disputes.found": Sum("found"),
        **months("disputes.screenings", Screening, "screened_on", year),
    }, screened_on__year=year)


@figure_set(
    ("disputes.cases", _("登记矛盾纠纷"), _("件"), 63,
     IN_SOURCE),
    ("disputes.resolved", _("调解成功"), _("件"), 64),
    ("disputes.in_village", _("村级化解（小事不出村）"), _("件"), 65),
    ("disputes.escalated", _("上报乡镇"), _("件"), 66),
    ("disputes.overdue", _("超期未办结纠纷"), _("件"), 67),
    module=MODULE,
    links={"disputes.cases": list_link("disputes:dispute-list", region=lambda code: {"village": code},
                                       visible=selectors.can_view),
           "disputes.overdue": list_link("disputes:dispute-list", region=lambda code: {"village": code},
                                         visible=selectors.can_view, overdue=1)},
    daily=("disputes.overdue",), reads=(Dispute,),
)
def cases(prefix, year, group_len):
    resolved = Q(result=Dispute.Result.SUCCESS)
    return aggregate_by_group(Dispute.objects.all(), "village__code", prefix, group_len, {
        "disputes.cases": Count("pk"),
        "disputes.resolved": Count("pk", filter=resolved),
        "disputes.in_village": Count("pk", filter=resolved & Q(level=Dispute.Level.VILLAGE)),
        "disputes.escalated": Count("pk", filter=Q(level=Dispute.Level.TOWNSHIP)),
        "disputes.overdue": Count("pk", filter=Q(due_on__lt=timezone.localdate())),
        **months("disputes.cases", Dispute, "reported_on", year),
    }, reported_on__year=year)


@figure_set(
    ("disputes.petitions", _("信访事项"), _("件"), 69,
     IN_SOURCE),
    ("disputes.petitions_replied", _("信访事项已答复"), _("件"), 70),
    ("disputes.petitions_overdue", _("信访事项超期"), _("件"), 71),
    ("disputes.backlog", _("积案（领导包案）"), _("件"), 72),
    module=MODULE,
    links={"disputes.petitions": list_link("disputes:petition-list", region=lambda code: {"village": code},
                                           visible=selectors.can_view),
           "disputes.backlog": list_link("disputes:petition-list", region=lambda code: {"village": code},
                                         visible=selectors.can_view, backlog=1)},
    daily=("disputes.petitions_overdue",), reads=(Petition,),
)
def petitions(prefix, year, group_len):
    return aggregate_by_group(Petition.objects.all(), "region__code", prefix, group_len, {
        "disputes.petitions": Count("pk"),
        "disputes.petitions_replied": Count("pk", filter=Q(replied_on__isnull=False)),
        "disputes.petitions_overdue": Count("pk", filter=Q(due_on__lt=timezone.localdate())),
        "disputes.backlog": Count("pk", filter=~Q(backlog_leader="")),
        **months("disputes.petitions", Petition, "received_on", year),
    }, received_on__year=year)
