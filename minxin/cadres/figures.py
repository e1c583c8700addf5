"""Dashboard figures owned by the cadres module."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.cadres.models import Assignment, LeaveRequest
from minxin.core.figures import count_by_group, figure, monthly_trend, sum_by_group

MODULE = _("驻村干部")


def _in_year(year: int) -> Q:
    return Q(start_date__lte=datetime.date(year, 12, 31)) & (
        Q(end_date__isnull=True) | Q(end_date__gte=datetime.date(year, 1, 1))
    )


@figure("cadres.resident", label=_("驻村干部"), module=MODULE, unit=_("人"), order=10, reads=(Assignment,))
def resident(prefix, year, group_len):
    return count_by_group(Assignment.objects.filter(_in_year(year)), "village__code", prefix, group_len,
                          distinct="cadre")


@figure("cadres.first_secretaries", label=_("第一书记"), module=MODULE, unit=_("人"), order=11, reads=(Assignment,))
def first_secretaries(prefix, year, group_len):
    return count_by_group(Assignment.objects.filter(_in_year(year)), "village__code", prefix, group_len,
                          distinct="cadre", role=Assignment.Role.FIRST_SECRETARY)


@figure("cadres.recalled", label=_("召回干部"), module=MODULE, unit=_("人"), order=12, reads=(Assignment,),
        trend=monthly_trend(Assignment.objects.filter(status=Assignment.Status.RECALLED), "village__code", "end_date"))
def recalled(prefix, year, group_len):
    return count_by_group(Assignment.objects.all(), "village__code", prefix, group_len, distinct="cadre",
                          status=Assignment.Status.RECALLED, end_date__year=year)


@figure("cadres.leave_days", label=_("批准请假天数"), module=MODULE, unit=_("天"), order=13, reads=(LeaveRequest,))
def leave_days(prefix, year, group_len):
    return sum_by_group(LeaveRequest.objects.all(), "village_code", prefix, group_len, "days", start_date__year=year,
                        status=LeaveRequest.Status.APPROVED)
