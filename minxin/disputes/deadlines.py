"""Deadlines of disputes and petitions, in calendar days counted from the day after the event (the
day itself not counted), in the county's time zone (Asia/Shanghai: `timezone.localdate()`).

The petition periods are those of the 2022 信访工作条例 (articles 31–35): acceptance decided within 15
days of registration; handling within 60 days of acceptance, once extendable by up to 30 with a
reason; a review (复查) asked within 30 days of the answer and given within 30 days of the request;
the same for the re-review (复核). A judicial confirmation of a mediation agreement is applied for
within 30 days of the agreement (人民调解法 第三十三条). A dispute's mediation is due a month
(MINXIN_DISPUTE_DAYS) after its report.
"""

import datetime

from django.conf import settings

ACCEPT_DAYS = 15
HANDLE_DAYS = 60
EXTEND_DAYS = 30
REVIEW_REQUEST_DAYS = 30
REVIEW_DAYS = 30
JUDICIAL_DAYS = 30


def after(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


def dispute_due(reported_on: datetime.date) -> datetime.date:
    return after(reported_on, settings.MINXIN_DISPUTE_DAYS)
