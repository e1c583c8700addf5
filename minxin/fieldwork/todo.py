"""What waits in field work: villager requests to answer (within MINXIN_REQUEST_OVERDUE_DAYS) and
villagers' needs to follow up (within MINXIN_NEED_FOLLOW_UP_DAYS). A request or need with an owner
waits for its owner; one without waits for those who work in its village (cadres, clerks) — and a
request also for the township, who assigns it."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.accounts import roles
from minxin.accounts.roles import Role
from minxin.core import todo
from minxin.fieldwork.models import Need, VillagerRequest


def _waiting_for(user, owner_field: str, unowned_roles: tuple) -> Q:
    query = Q(**{f"{owner_field}_id": user.pk})
    if user.role in unowned_roles:
        query |= Q(**{f"{owner_field}__isnull": True})
    return query


def _requests(user):
    if not user.can(roles.HANDLE_REQUESTS):
        return VillagerRequest.objects.none()
    return (VillagerRequest.objects.visible_to(user).open().filter(answered_at__isnull=True)
            .filter(_waiting_for(user, "assignee", (Role.CADRE, Role.VILLAGE_CLERK, Role.TOWNSHIP_ADMIN))))


def _needs(user):
    if not user.can(roles.HANDLE_REQUESTS):
        return Need.objects.none()
    return (Need.objects.visible_to(user).exclude(status=Need.Status.CLOSED)
            .filter(_waiting_for(user, "owner", (Role.CADRE, Role.VILLAGE_CLERK))).select_related("village"))


def _after(moment, days: int) -> datetime.date:
    return timezone.localdate(moment) + datetime.timedelta(days=days)


todo.register(
    "fieldwork.request", label=gettext_lazy("群众诉求待答复"), queryset=_requests, order_by="submitted_at",
    due=lambda r: _after(r.submitted_at, settings.MINXIN_REQUEST_OVERDUE_DAYS),
    title=lambda r: _("%(reference)s：%(text)s") % {"reference": r.reference_display, "text": r.text[:50]},
    url=lambda r: reverse("fieldwork:request-detail", args=[r.pk]))
todo.register(
    "fieldwork.need", label=gettext_lazy("民情需求待跟进"), queryset=_needs, order_by="raised_at",
    due=lambda n: _after(n.raised_at, settings.MINXIN_NEED_FOLLOW_UP_DAYS),
    title=lambda n: _("%(village)s %(category)s：%(text)s") % {
        "village": n.village.name, "category": n.get_category_display(), "text": n.text[:50]},
    url=lambda n: reverse("fieldwork:need-detail", args=[n.pk]))
