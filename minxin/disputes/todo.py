"""What waits in the disputes module: this cycle's screening of each village a cadre or clerk works
in, until filed (a nil report counts), due at the cycle's end; dispute cases and petitions due
within a week or overdue, for whoever owes their next step; backlog cases near their deadline."""

from django.db.models import Case, CharField, DateField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.accounts import roles
from minxin.accounts.roles import Role
from minxin.core import todo
from minxin.disputes.cycles import cycle_of
from minxin.disputes.models import Dispute, Petition, Screening
from minxin.disputes.selectors_cases import OPEN_PETITION
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


# --- dispute cases and petitions due within MINXIN_TODO_SOON_DAYS, or overdue ----------------------

def _cases_due(user):
    """Open cases due soon: a village's cases for those who mediate in it, cases escalated to the
    township for the township and county."""
    if not user.can(roles.HANDLE_DISPUTES):
        return Dispute.objects.none()
    level = Dispute.Level.TOWNSHIP if user.can(roles.HANDLE_ESCALATED) else Dispute.Level.VILLAGE
    return Dispute.objects.visible_to(user).filter(level=level, due_on__lte=todo.soon()
                                                   ).select_related("village")


def _petitions_due(user):
    if not user.can(roles.HANDLE_PETITIONS):
        return Petition.objects.none()
    return Petition.objects.visible_to(user).filter(due_on__lte=todo.soon())


def _backlog_due(user):
    if not user.can(roles.HANDLE_PETITIONS):
        return Petition.objects.none()
    return Petition.objects.visible_to(user).filter(OPEN_PETITION).exclude(backlog_leader="").filter(
        backlog_deadline__lte=todo.soon())


OWED = {
    Petition.State.REGISTERED: gettext_lazy("决定是否受理"),
    Petition.State.ACCEPTED: gettext_lazy("办理并答复"),
    Petition.State.REVIEW_REQUESTED: gettext_lazy("作出复查意见"),
    Petition.State.REREVIEW_REQUESTED: gettext_lazy("作出复核意见"),
}

todo.register(
    "disputes.case", label=gettext_lazy("矛盾纠纷待化解"), queryset=_cases_due, order_by="due_on",
    due=lambda case: case.due_on,
    title=lambda case: _("%(village)s：%(title)s（%(state)s）") % {
        "village": case.village.name, "title": case.title, "state": case.get_state_display()},
    url=lambda case: reverse("disputes:dispute-detail", args=[case.pk]))
todo.register(
    "disputes.petition", label=gettext_lazy("信访事项待办理"), queryset=_petitions_due, order_by="due_on",
    due=lambda petition: petition.due_on,
    title=lambda petition: _("%(title)s：%(owed)s") % {"title": petition.title, "owed": OWED.get(petition.state, "")},
    url=lambda petition: reverse("disputes:petition-detail", args=[petition.pk]))
todo.register(
    "disputes.backlog", label=gettext_lazy("积案待化解"), queryset=_backlog_due, order_by="backlog_deadline",
    due=lambda petition: petition.backlog_deadline,
    title=lambda petition: _("%(title)s（包案领导：%(leader)s）") % {
        "title": petition.title, "leader": petition.backlog_leader},
    url=lambda petition: reverse("disputes:petition-detail", args=[petition.pk]))
