"""Dashboard figures of the party branch (the seed's 倾心 figures): party members at the year's end;
the activists, development targets and reserve cadres (with 领头雁) in training now — stocks, each
tile linking to exactly the cases or people it counts; branches under a warning of level 3 or more
at the latest computation; rectifications accepted and demonstration sites named in the year."""

import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from minxin.core.figures import aggregate_by_group, count_by_group, figure_set, list_link
from minxin.party import selectors
from minxin.party.models import Branch, Case, PartyMember, Rectification, Reserve, Site, Warning

MODULE = _("基层党建")
SERIOUS = 3  # the level from which a branch counts as "weak" on the dashboard


def _link(url_name: str, **params):
    return list_link(url_name, region=lambda code: {"village": code}, year=False, visible=selectors.can_view, **params)


@figure_set(
    ("party.members", _("党员"), _("名"), 100),
    ("party.activists", _("入党积极分子（现有）"), _("名"), 101),
    ("party.targets", _("发展对象（现有）"), _("名"), 102),
    ("party.reserves", _("在培后备干部和领头雁"), _("名"), 103),
    module=MODULE, links={"party.reserves": _link("party:reserve-list", outcome="training"),
                          "party.activists": _link("party:case-list", stage="activist"),
                          "party.targets": _link("party:case-list", stage="target")},
    reads=(Case, Branch, PartyMember, Reserve),
)
def people(prefix, year, group_len):
    """Members at the year's end (no list of members to link to: the branch pages name them)."""
    end = datetime.date(year, 12, 31)
    stages = aggregate_by_group(Case.objects.all(), "branch__village__code", prefix, group_len, {
        "activists": Count("pk", filter=Q(stage=Case.Stage.ACTIVIST)),
        "targets": Count("pk", filter=Q(stage=Case.Stage.TARGET))})
    return {
        "party.members": count_by_group(PartyMember.objects.filter(joined_on__lte=end).exclude(left_on__lte=end),
                                        "branch__village__code", prefix, group_len),
        "party.activists": stages["activists"], "party.targets": stages["targets"],
        "party.reserves": count_by_group(Reserve.objects.filter(outcome=Reserve.Outcome.TRAINING), "village__code",
                                         prefix, group_len),
    }


@figure_set(
    ("party.weak", _("三级以上预警的村党组织"), _("个"), 104),
    ("party.rectified", _("本年整顿验收的村党组织"), _("个"), 105),
    ("party.sites", _("民心党建示范点"), _("个"), 106),
    module=MODULE, links={"party.weak": _link("party:warning-list", level=SERIOUS),
                          "party.sites": list_link("party:site-list", region=lambda code: {"village": code},
                                                   visible=selectors.can_view, status="named")},
    reads=(Branch, Warning, Rectification, Site),
)
def branches(prefix, year, group_len):
    # Each branch's latest warning of the year or before, as the warning list shows it: a number of a
    # village's own, so a village counted alone gives what it gives inside its county.
    latest = Warning.objects.filter(branch=OuterRef("pk"), computed_on__lte=datetime.date(year, 12, 31))
    weak = count_by_group(Branch.objects.annotate(warning_level=Subquery(latest.order_by("-computed_on").values(
        "level")[:1])).filter(warning_level__gte=SERIOUS), "village__code", prefix, group_len)
    return {
        "party.weak": weak,
        "party.rectified": count_by_group(Rectification.objects.filter(accepted_on__year=year), "branch__village__code",
                                          prefix, group_len),
        "party.sites": count_by_group(Site.objects.filter(status=Site.Status.NAMED, year=year), "branch__village__code",
                                      prefix, group_len),
    }
