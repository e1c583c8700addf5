"""Dashboard figures owned by the assessment: how the year's results were used (SPEC §4.4)."""


from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from minxin.assessment import selectors
from minxin.assessment.models import Consequence
from minxin.core.figures import aggregate_by_group, figure_set, list_link
from minxin.regions import codes

K = Consequence.Kind


def _records(kind: str):
    """The list of the counted rows: that kind, that year, inside the region (the county: no filter)."""
    return list_link("assessment:consequence-list", kind=kind, visible=selectors.can_view,
                     region=lambda code: {} if codes.level_of(code) == codes.COUNTY else {"region": code})


@figure_set(
    ("assessment.commendations", _("表彰"), _("人次"), 50),
    ("assessment.promotions", _("推荐提拔使用"), _("人次"), 51),
    ("assessment.accountability", _("问责"), _("人次"), 52),
    ("assessment.recalls", _("召回（结果运用）"), _("人次"), 53),
    module=_("考核结果运用"),
    links={"assessment.commendations": _records(K.COMMENDATION), "assessment.promotions": _records(K.PROMOTION),
           "assessment.accountability": _records(K.ACCOUNTABILITY), "assessment.recalls": _records(K.RECALL)},
    reads=(Consequence,),
)
def consequences(prefix, year, group_len):
    return aggregate_by_group(Consequence.objects.all(), "village_code", prefix, group_len, {
        "assessment.commendations": Count("pk", filter=Q(kind=K.COMMENDATION)),
        "assessment.promotions": Count("pk", filter=Q(kind=K.PROMOTION)),
        "assessment.accountability": Count("pk", filter=Q(kind=K.ACCOUNTABILITY)),
        "assessment.recalls": Count("pk", filter=Q(kind=K.RECALL)),
    }, year=year)
