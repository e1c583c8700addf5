"""Dashboard figures owned by the registry: the state of the household records (not by year).

All of them come from one pass over the households (with their registration).
"""


from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from minxin.accounts import roles
from minxin.core.figures import aggregate_by_group, figure_set, list_link
from minxin.regions import codes
from minxin.registry.choices import REGISTERED, Status
from minxin.registry.models import Household, Registration


def _households(**params):
    """The household list narrowed to the region (its township or village filter) and `params`;
    none for a role that may not read the registry."""
    def region(code: str) -> dict:
        level = codes.level_of(code)
        return {level: code} if level in (codes.TOWNSHIP, codes.VILLAGE) else {}

    return list_link("registry:household-list", region=region, year=False,
                     visible=lambda user: user.can(roles.VIEW_REGISTRY), **params)


@figure_set(
    ("registry.households", _("农户"), _("户"), 20),
    ("registry.people", _("人口"), _("人"), 21),
    ("registry.registered_households", _("建档立卡户"), _("户"), 22),
    ("registry.registered_people", _("建档立卡人口"), _("人"), 23),
    ("registry.not_exited", _("未脱贫户"), _("户"), 24),
    ("registry.dibao", _("低保户"), _("户"), 25),
    ("registry.care_elderly", _("有留守老人的户"), _("户"), 26),
    ("registry.care_child", _("有留守儿童的户"), _("户"), 27),
    module=_("一户一表（现状）"),
    # People are counted in households, and 未脱贫 spans two statuses: those tiles have no list.
    links={"registry.households": _households(), "registry.registered_households": _households(registered="yes"),
           "registry.dibao": _households(tag="dibao"), "registry.care_elderly": _households(tag="care_elderly"),
           "registry.care_child": _households(tag="care_child")},
    reads=(Household, Registration),
)
def households(prefix, year, group_len):
    return aggregate_by_group(Household.objects.all(), "village__code", prefix, group_len, {
        "registry.households": Count("pk"),
        "registry.people": Sum("member_count"),
        "registry.registered_households": Count("pk", filter=REGISTERED),
        "registry.registered_people": Sum("member_count", filter=REGISTERED),
        "registry.not_exited": Count("pk", filter=Q(registration__status__in=[Status.NOT_EXITED, Status.RETURNED])),
        "registry.dibao": Count("pk", filter=Q(has_dibao=True)),
        "registry.care_elderly": Count("pk", filter=Q(care_elderly=True)),
        "registry.care_child": Count("pk", filter=Q(care_child=True)),
    })
