"""Dashboard figures owned by the registry: the state of the household records (not by year)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.registry.choices import Status
from minxin.registry.models import Household
from minxin.reports.figures import count_by_group, figure, sum_by_group

MODULE = _("一户一表（现状）")
# Registered households that still count (a cancelled registration no longer does).
_REGISTERED = Q(registration__isnull=False) & ~Q(registration__status=Status.CANCELLED)


@figure("registry.households", label=_("农户"), module=MODULE, unit=_("户"), order=20)
def households(prefix, year, group_len):
    return count_by_group(Household.objects.all(), "village__code", prefix, group_len)


@figure("registry.people", label=_("人口"), module=MODULE, unit=_("人"), order=21)
def people(prefix, year, group_len):
    return sum_by_group(Household.objects.all(), "village__code", prefix, group_len, "member_count")


@figure("registry.registered_households", label=_("建档立卡户"), module=MODULE, unit=_("户"), order=22)
def registered_households(prefix, year, group_len):
    return count_by_group(Household.objects.filter(_REGISTERED), "village__code", prefix, group_len)


@figure("registry.registered_people", label=_("建档立卡人口"), module=MODULE, unit=_("人"), order=23)
def registered_people(prefix, year, group_len):
    return sum_by_group(Household.objects.filter(_REGISTERED), "village__code", prefix, group_len, "member_count")


@figure("registry.not_exited", label=_("未脱贫户"), module=MODULE, unit=_("户"), order=24)
def not_exited(prefix, year, group_len):
    return count_by_group(Household.objects.filter(registration__status__in=[Status.NOT_EXITED, Status.RETURNED]),
                          "village__code", prefix, group_len)


@figure("registry.dibao", label=_("低保户"), module=MODULE, unit=_("户"), order=25)
def dibao(prefix, year, group_len):
    return count_by_group(Household.objects.filter(has_dibao=True), "village__code", prefix, group_len)


@figure("registry.care_elderly", label=_("有留守老人的户"), module=MODULE, unit=_("户"), order=26)
def care_elderly(prefix, year, group_len):
    return count_by_group(Household.objects.filter(care_elderly=True), "village__code", prefix, group_len)


@figure("registry.care_child", label=_("有留守儿童的户"), module=MODULE, unit=_("户"), order=27)
def care_child(prefix, year, group_len):
    return count_by_group(Household.objects.filter(care_child=True), "village__code", prefix, group_len)
