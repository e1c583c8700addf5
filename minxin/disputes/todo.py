"""What waits in the disputes module: this cycle's screening of each village a cadre or clerk works
in, until filed (a nil report counts), due at the cycle's end."""

from django.db.models import Case, CharField, DateField, Q, Value, When
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
    """The user's villages without a screening in their county's current cycle, each annotated with
    that cycle's end and name (so that no item costs a query of its own)."""
    if user.role not in (Role.CADRE, Role.VILLAGE_CLERK) or not user.can(roles.RECORD_FIELDWORK):
        return Region.objects.none()
    villages = Region.objects.visible_to(user).filter(level=codes.VILLAGE)
    today = timezone.localdate()
    cycles = {county: cycle_of(today, county) for county in codes.counties_of(villages.values_list("code", flat=True))}
    if not cycles:
        return Region.objects.none()
    filed = Q()
    for county, cycle in cycles.items():
        filed |= Q(village__code__startswith=county[:6], screened_on__gte=cycle.start, screened_on__lte=cycle.end)
    return villages.exclude(code__in=Screening.objects.filter(filed).values("village_id")).annotate(
        cycle_end=Case(*[When(code__startswith=county[:6], then=Value(cycle.end)) for county, cycle in cycles.items()],
                       output_field=DateField()),
        cycle_label=Case(*[When(code__startswith=county[:6], then=Value(cycle.label()))
                           for county, cycle in cycles.items()], output_field=CharField()))


todo.register(
    "disputes.screening", label=gettext_lazy("矛盾纠纷排查待填报"), queryset=_unscreened, order_by="code",
    due=lambda village: village.cycle_end,
    title=lambda village: _("%(village)s %(cycle)s的排查（没有纠纷也填零报告）") % {
        "village": village.name, "cycle": village.cycle_label},
    url=lambda village: reverse("disputes:screening-new"))
