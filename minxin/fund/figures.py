"""Dashboard figures of the fund per village: applications made in the year, projects approved and
the money approved and paid (whole yuan)."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from minxin.accounts import roles
from minxin.core.figures import aggregate_by_group, figure_set, list_link, sum_by_group
from minxin.fund.models import Application, Tranche

MODULE = _("精准扶贫基金")


@figure_set(
    ("fund.applications", _("扶贫基金项目申报"), _("件"), 90),
    ("fund.approved", _("获批扶贫基金项目"), _("件"), 91),
    ("fund.approved_yuan", _("扶贫基金批准金额"), _("元"), 92),
    module=MODULE,
    links={"fund.applications": list_link("fund:application-list", region=lambda code: {"village": code},
                                          visible=lambda user: user.can(roles.VIEW_FUND))},  # not an expert's list
    reads=(Application,),
)
def applications(prefix, year, group_len):
    made = aggregate_by_group(Application.objects.all(), "village__code", prefix, group_len,
                              {"fund.applications": Count("pk")}, created_at__year=year)
    approved = aggregate_by_group(Application.objects.all(), "village__code", prefix, group_len, {
        "fund.approved": Count("pk", filter=Q(approved_fen__isnull=False)),
        "fund.approved_yuan": Sum("approved_fen")}, decided_on__year=year)
    approved["fund.approved_yuan"] = {group: fen // 100 for group, fen in approved["fund.approved_yuan"].items()}
    return {**made, **approved}


@figure_set(("fund.paid_yuan", _("扶贫基金已拨付"), _("元"), 93), module=MODULE, reads=(Tranche, Application))
def paid(prefix, year, group_len):
    fen = sum_by_group(Tranche.objects.all(), "application__village__code", prefix, group_len, "amount_fen",
                       paid_on__year=year)
    return {"fund.paid_yuan": {group: value // 100 for group, value in fen.items()}}
