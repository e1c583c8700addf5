"""Indicators over this app's supervision records: unexcused absences found in spot checks (安心)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.assessment.indicators import LOWER, automatic
from minxin.assessment.models import Finding


def _absences(window):
    return Finding.objects.filter(unexcused_absence=True, inspection__date__gte=window.start,
                                  inspection__date__lte=window.end)


def _evidence(cadre_id, village_code, window):
    return _absences(window).filter(cadre_id=cadre_id).select_related("inspection")


@automatic("settle.absence", heart="settle", label=_("抽查无故不在岗"), unit=_("次"), module=_("督查"),
           weight="4", target="0", step="50", direction=LOWER, evidence=_evidence,
           evidence_date="inspection.date",
           evidence_url=lambda f: reverse("assessment:inspection", args=[f.inspection_id]),
           description=_("日常督导、交叉检查中发现的无故不在岗，每次扣 50 分"))
def unexcused_absences(window, cohort, scheme=None):
    rows = (_absences(window).filter(cadre_id__in=cohort.cadre_ids).values("cadre_id")
            .annotate(n=Count("pk")).order_by())
    return {row["cadre_id"]: row["n"] for row in rows}
