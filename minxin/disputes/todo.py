"""What waits in the disputes module: this cycle's screening of each village a cadre or clerk works
in, until filed (a nil report counts), due at the cycle's end."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.accounts import roles
from minxin.accounts.roles import Role
from minxin.core import todo
from minxin.disputes.cycles import cycle_of
from minxin.disputes.models import Screening
from minxin.regions import codes
from minxin.regions.models import Region


def _unscreened(user):
    if user.role not in (Role.CADRE, Role.VILLAGE_CLERK) or not user.can(roles.RECORD_FIELDWORK):
        return Region.objects.none()
    cycle = cycle_of(timezone.localdate())
    filed = Screening.objects.filter(screened_on__gte=cycle.start, screened_on__lte=cycle.end).values("village_id")
    return Region.objects.visible_to(user).filter(level=codes.VILLAGE).exclude(code__in=filed)


todo.register(
    "disputes.screening", label=gettext_lazy("矛盾纠纷排查待填报"), queryset=_unscreened, order_by="code",
    due=lambda village: cycle_of(timezone.localdate()).end,
    title=lambda village: _("%(village)s %(cycle)s的排查（没有纠纷也填零报告）") % {
        "village": village.name, "cycle": cycle_of(timezone.localdate()).label()},
    url=lambda village: reverse("disputes:screening-new"))
