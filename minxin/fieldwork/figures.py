"""Dashboard figures owned by field work: what the resident teams did in the year."""

from django.utils.translation import gettext_lazy as _

from minxin.fieldwork.models import FamilyCall, LiaisonCard, Meeting, Need, VillagerRequest, Visit
from minxin.reports.figures import count_by_group, figure, monthly_counts

MODULE = _("驻村工作记实")


def _trend(model, date_field="occurred_at", **filters):
    return lambda prefix, year: monthly_counts(model.objects.filter(**filters), "village__code", date_field,
                                               prefix, year)


@figure("fieldwork.visits", label=_("走访"), module=MODULE, unit=_("次"), order=30, trend=_trend(Visit))
def visits(prefix, year, group_len):
    return count_by_group(Visit.objects.all(), "village__code", prefix, group_len, occurred_at__year=year)


@figure("fieldwork.households_visited", label=_("走访农户"), module=MODULE, unit=_("户"), order=31)
def households_visited(prefix, year, group_len):
    return count_by_group(Visit.objects.all(), "village__code", prefix, group_len, distinct="household",
                          occurred_at__year=year)


def _meetings(category):
    def compute(prefix, year, group_len):
        return count_by_group(Meeting.objects.filter(category=category), "village__code", prefix, group_len,
                              occurred_at__year=year)

    return compute


figure("fieldwork.meetings", label=_("群众会、院坝会"), module=MODULE, unit=_("场"), order=32,
       trend=_trend(Meeting, category=Meeting.Category.MEETING))(_meetings(Meeting.Category.MEETING))
figure("fieldwork.lectures", label=_("讲堂、宣讲"), module=MODULE, unit=_("场"), order=33,
       trend=_trend(Meeting, category=Meeting.Category.LECTURE))(_meetings(Meeting.Category.LECTURE))
figure("fieldwork.trainings", label=_("电商、技能培训"), module=MODULE, unit=_("场"), order=34)(
    _meetings(Meeting.Category.TRAINING))


@figure("fieldwork.family_calls", label=_("亲情视频通话"), module=MODULE, unit=_("次"), order=35)
def family_calls(prefix, year, group_len):
    return count_by_group(FamilyCall.objects.all(), "village__code", prefix, group_len, occurred_at__year=year)


@figure("fieldwork.cards", label=_("发放干群连心卡"), module=MODULE, unit=_("张"), order=36)
def cards(prefix, year, group_len):
    return count_by_group(LiaisonCard.objects.all(), "village__code", prefix, group_len, issued_at__year=year)


@figure("fieldwork.requests", label=_("群众诉求"), module=MODULE, unit=_("件"), order=37,
        trend=_trend(VillagerRequest, "submitted_at"))
def requests(prefix, year, group_len):
    return count_by_group(VillagerRequest.objects.all(), "village__code", prefix, group_len,
                          submitted_at__year=year)


@figure("fieldwork.requests_answered", label=_("诉求已答复"), module=MODULE, unit=_("件"), order=38)
def requests_answered(prefix, year, group_len):
    return count_by_group(VillagerRequest.objects.all(), "village__code", prefix, group_len,
                          submitted_at__year=year, answered_at__isnull=False)


@figure("fieldwork.needs_closed", label=_("民情事项办结"), module=MODULE, unit=_("件"), order=39)
def needs_closed(prefix, year, group_len):
    return count_by_group(Need.objects.all(), "village__code", prefix, group_len, closed_at__year=year)
