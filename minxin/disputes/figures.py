"""Dashboard figures of the disputes module: the year's screenings and what they found."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from minxin.core.figures import aggregate_by_group, figure_set, list_link, monthly_counts
from minxin.disputes import selectors
from minxin.disputes.models import Screening

MODULE = _("矛盾纠纷")


@figure_set(
    ("disputes.screenings", _("矛盾纠纷排查"), _("次"), 60,
     lambda prefix, year: monthly_counts(Screening.objects.all(), "village__code", "screened_on", prefix, year)),
    ("disputes.nil_reports", _("零报告"), _("次"), 61),
    ("disputes.found", _("排查出矛盾纠纷"), _("件"), 62),
    module=MODULE,
    links={"disputes.screenings": list_link("disputes:screening-list", region=lambda code: {"village": code},
                                            visible=selectors.can_view)},
)
def screenings(prefix, year, group_len):
    return aggregate_by_group(Screening.objects.all(), "village__code", prefix, group_len, {
        "disputes.screenings": Count("pk"),
        "disputes.nil_reports": Count("pk", filter=Q(found=0)),
        "disputes.found": Sum("found"),
    }, screened_on__year=year)
