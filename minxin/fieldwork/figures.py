"""Dashboard figures owned by field work: what the resident teams did in the year."""


from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from minxin.core.figures import (
    IN_SOURCE,
    aggregate_by_group,
    count_by_group,
    figure,
    figure_set,
    list_link,
    months,
)
from minxin.fieldwork import selectors
from minxin.fieldwork.models import FamilyCall, LiaisonCard, Meeting, Need, VillagerRequest, Visit

MODULE = _("驻村工作记实")


def _records(url_name, **params):
    """The list of the counted rows: the region (any level) and the year, plus the figure's filters;
    none for a role that may not read field work."""
    return list_link(url_name, region=lambda code: {"village": code}, visible=selectors.can_view, **params)


@figure_set(
    ("fieldwork.visits", _("走访"), _("次"), 30, IN_SOURCE),
    ("fieldwork.households_visited", _("走访农户"), _("户"), 31),
    module=MODULE, links={"fieldwork.visits": _records("fieldwork:visit-list")}, reads=(Visit,),
)
def visits(prefix, year, group_len):
    return aggregate_by_group(Visit.objects.all(), "village__code", prefix, group_len, {
        "fieldwork.visits": Count("*"),
        "fieldwork.households_visited": Count("household", distinct=True),
        **months("fieldwork.visits", Visit, "occurred_at", year),
    }, occurred_at__year=year)


@figure_set(
    ("fieldwork.meetings", _("群众会、院坝会"), _("场"), 32, IN_SOURCE),
    ("fieldwork.lectures", _("讲堂、宣讲"), _("场"), 33, IN_SOURCE),
    ("fieldwork.trainings", _("电商、技能培训"), _("场"), 34),
    module=MODULE, links={f"fieldwork.{name}s": _records("fieldwork:meeting-list", category=category)
                          for name, category in (("meeting", Meeting.Category.MEETING),
                                                 ("lecture", Meeting.Category.LECTURE),
                                                 ("training", Meeting.Category.TRAINING))},
    reads=(Meeting,),
)
def meetings(prefix, year, group_len):
    return aggregate_by_group(Meeting.objects.all(), "village__code", prefix, group_len, {
        "fieldwork.meetings": Count("pk", filter=Q(category=Meeting.Category.MEETING)),
        "fieldwork.lectures": Count("pk", filter=Q(category=Meeting.Category.LECTURE)),
        "fieldwork.trainings": Count("pk", filter=Q(category=Meeting.Category.TRAINING)),
        **months("fieldwork.meetings", Meeting, "occurred_at", year, category=Meeting.Category.MEETING),
        **months("fieldwork.lectures", Meeting, "occurred_at", year, category=Meeting.Category.LECTURE),
    }, occurred_at__year=year)


@figure("fieldwork.family_calls", label=_("亲情视频通话"), module=MODULE, unit=_("次"), order=35,
        link=_records("fieldwork:call-list"), reads=(FamilyCall,))
def family_calls(prefix, year, group_len):
    return count_by_group(FamilyCall.objects.all(), "village__code", prefix, group_len, occurred_at__year=year)


@figure("fieldwork.cards", label=_("发放干群连心卡"), module=MODULE, unit=_("张"), order=36, reads=(LiaisonCard,))
def cards(prefix, year, group_len):
    return count_by_group(LiaisonCard.objects.all(), "village__code", prefix, group_len, issued_at__year=year)


@figure_set(
    ("fieldwork.requests", _("群众诉求"), _("件"), 37, IN_SOURCE),
    ("fieldwork.requests_answered", _("诉求已答复"), _("件"), 38),
    module=MODULE, links={"fieldwork.requests": _records("fieldwork:request-list", status="all")},
    reads=(VillagerRequest,),
)
def requests(prefix, year, group_len):
    return aggregate_by_group(VillagerRequest.objects.all(), "village__code", prefix, group_len, {
        "fieldwork.requests": Count("pk"),
        "fieldwork.requests_answered": Count("pk", filter=Q(answered_at__isnull=False)),
        **months("fieldwork.requests", VillagerRequest, "submitted_at", year),
    }, submitted_at__year=year)


@figure("fieldwork.needs_closed", label=_("民情事项办结"), module=MODULE, unit=_("件"), order=39, reads=(Need,))
def needs_closed(prefix, year, group_len):
    return count_by_group(Need.objects.all(), "village__code", prefix, group_len, closed_at__year=year)
