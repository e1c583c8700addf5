"""What waits in the cadres module: leave requests to decide (≤ 3 days the township, longer the
county), before the leave begins."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.accounts import roles
from minxin.cadres.models import LeaveRequest
from minxin.core import todo


def _leaves(user):
    levels = [level for level, right in ((LeaveRequest.Level.TOWNSHIP, roles.APPROVE_LEAVE_TOWNSHIP),
                                         (LeaveRequest.Level.COUNTY, roles.APPROVE_LEAVE_COUNTY)) if user.can(right)]
    return (LeaveRequest.objects.visible_to(user).filter(status=LeaveRequest.Status.PENDING, approval_level__in=levels)
            .select_related("cadre"))


todo.register(
    "cadres.leave", label=gettext_lazy("请假待审批"), queryset=_leaves, order_by="start_date",
    due=lambda leave: leave.start_date,
    title=lambda leave: _("%(name)s 请假 %(days)d 天（%(start)s 起）：%(reason)s") % {
        "name": leave.cadre.name, "days": leave.days, "start": leave.start_date.isoformat(), "reason": leave.reason[:40]},
    url=lambda leave: reverse("cadres:leave-decide", args=[leave.pk]))
