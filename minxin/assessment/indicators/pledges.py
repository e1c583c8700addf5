"""Indicators over this app's pledges: the annual pledge filed on time (精心)."""

import calendar
import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.assessment.indicators import automatic
from minxin.assessment.models import Pledge, Scheme

ON_TIME, LATE, NONE = Decimal(100), Decimal(50), Decimal(0)


def pledge_due_date(year: int, scheme: Scheme | None = None) -> datetime.date:
    """The county's due day (default 31 March); a 29 February falls on the 28th in other years."""
    month = scheme.pledge_due_month if scheme else 3
    day = scheme.pledge_due_day if scheme else 31
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def pledge_deadline(year: int, scheme: Scheme | None = None) -> datetime.datetime:
    """End of the county's due day, local time."""
    due = pledge_due_date(year, scheme) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(due, datetime.time.min))


def _evidence(cadre_id, village_code, window):
    return Pledge.objects.filter(cadre_id=cadre_id, year=window.year).select_related("cadre")


@automatic("plan.pledge", heart="plan", label=_("年初承诺按时提交"), unit=_("分"), module=_("承诺评诺"),
           weight="5", target="100", evidence=_evidence, evidence_date="submitted_at",
           evidence_url=lambda p: reverse("assessment:pledge", args=[p.pk]),
           description=_("截止日前提交 100，逾期提交 50，未提交 0"))
def pledge_on_time(window, cohort, scheme=None):
    deadline = pledge_deadline(window.year, scheme)
    rows = Pledge.objects.filter(year=window.year, cadre_id__in=cohort.cadre_ids,
                                 submitted_at__lt=window.end_at).values_list("cadre_id", "submitted_at")
    return {cadre_id: ON_TIME if submitted < deadline else LATE for cadre_id, submitted in rows}
