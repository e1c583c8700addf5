"""The livelihood heart (尽心) from the liaison rooms' records (issue 15.3): the village's room as
last graded — the total score (of 100) of its semi-annual evaluation for the quarter's half year or,
until that is done, for the half year before. The village team's figure (every cadre of the village
gets it); "not applicable" where the village has no evaluated room. Assessment migration 0006 gave
it a fifth of the heart's weight in a new scheme version (the heart's total kept)."""

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.assessment.indicators import automatic, link
from minxin.rooms.models import Evaluation

MODULE = _("干群连心室")


def _half(window) -> tuple[int, int]:
    return window.year, 1 if window.quarter <= 2 else 2


def _evaluations(window, villages):
    """The evaluations that count for the quarter: its half year's, or the half year before's."""
    year, half = _half(window)
    before = (year, 1) if half == 2 else (year - 1, 2)
    return Evaluation.objects.filter(Q(year=year, half=half) | Q(year=before[0], half=before[1]),
                                     room__village_id__in=list(villages)).order_by("year", "half")


@automatic("livelihood.room", heart="livelihood", label=_("干群连心室评估得分"), unit=_("分"), module=MODULE,
           weight="2", target="90", missing=None, evidence=lambda cid, v, w: _evaluations(w, [v]),
           evidence_date="evaluated_on", evidence_url=lambda obj: link("rooms:room-detail", obj.room_id),
           description=_("本村干群连心室本半年（尚未评估时取上半年）考核评估的总分（满分 100，90 分以上为“好”；全队共同指标）"))
def room_score(window, cohort, scheme=None):
    latest: dict[str, Decimal] = {}
    for village, total in _evaluations(window, set(cohort.village_of.values())).values_list(
            "room__village_id", "total"):
        latest[village] = Decimal(total)  # ordered by period: the later half year wins
    return cohort.spread(latest)
