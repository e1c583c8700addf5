"""Days in the village (SPEC §4.1): derived from work already recorded, not from forced check-ins.

A cadre was present in a village on a day when any of its records — visit, meeting, lecture,
training, family call, diary entry (and a check-in, where the county enables them) — is dated that
day (Asia/Shanghai) in that village. Approved leave excuses days: the month's requirement is the
county's required days less the approved leave days in that month.

The requirement is prorated by the days the cadre was posted: a posting that starts or ends within
the month, and the month in progress, which counts only the days up to today — on the 3rd, 20 days
a month asks for 2, not 20.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models.functions import TruncDate
from django.utils import timezone

from minxin.cadres.models import Assignment, LeaveRequest
from minxin.fieldwork.models import CheckIn, DiaryEntry, FamilyCall, Meeting, Visit

DATED_MODELS = (Visit, Meeting, FamilyCall, DiaryEntry, CheckIn)


@dataclass
class Presence:
    cadre_id: int
    year: int
    month: int
    days: set = field(default_factory=set)  # dates present
    leave_days: int = 0
    required: int = 0
    assigned_days: int = 0  # days of the month so far the cadre was posted to a village
    in_progress: bool = False  # the month has not ended: counted up to today

    @property
    def assigned(self) -> bool:
        return self.assigned_days > 0

    @property
    def present_days(self) -> int:
        return len(self.days)

    @property
    def required_after_leave(self) -> int:
        """The county's required days, prorated by the days posted (a posting that began or ended
        within the month; the month in progress up to today), less approved leave."""
        month_days = calendar.monthrange(self.year, self.month)[1]
        due = round(self.required * min(self.assigned_days, month_days) / month_days)
        return max(0, due - self.leave_days)

    @property
    def shortfall(self) -> int:
        return max(0, self.required_after_leave - self.present_days)

    @property
    def met(self) -> bool:
        return self.shortfall == 0


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def posted_days(*, cadre_ids: list[int], first: datetime.date, last: datetime.date) -> dict[int, int]:
    """How many days from `first` to `last` (inclusive) each cadre was posted to a village."""
    posted: dict[int, set] = {pk: set() for pk in cadre_ids}
    postings = (Assignment.objects.filter(cadre_id__in=cadre_ids, start_date__lte=last)
                .exclude(end_date__lt=first).only("cadre_id", "start_date", "end_date"))
    for posting in postings:
        begin, end = max(posting.start_date, first), min(posting.end_date or last, last)
        posted[posting.cadre_id].update(begin + datetime.timedelta(days=n) for n in range((end - begin).days + 1))
    return {pk: len(days) for pk, days in posted.items()}


def presence_for(*, cadre_ids: list[int], year: int, month: int, village_codes: list[str] | None = None,
                 today: datetime.date | None = None) -> dict[int, Presence]:
    """Presence of several cadres in one month: one grouped query per record type, plus leave."""

    start, end = month_bounds(year, month)
    tz = timezone.get_current_timezone()
    today = today or timezone.localdate()
    in_progress = start.date() <= today < (end - datetime.timedelta(days=1)).date()  # days still to come
    result = {pk: Presence(cadre_id=pk, year=year, month=month, required=settings.MINXIN_REQUIRED_DAYS_PER_MONTH,
                           in_progress=in_progress)
              for pk in cadre_ids}
    if not cadre_ids:
        return result
    for model in DATED_MODELS:
        qs = model.objects.filter(cadre_id__in=cadre_ids, occurred_at__gte=start, occurred_at__lt=end)
        if village_codes is not None:
            qs = qs.filter(village_id__in=village_codes)
        for cadre_id, day in qs.annotate(day=TruncDate("occurred_at", tzinfo=tz)).values_list("cadre_id", "day") \
                .distinct():
            result[cadre_id].days.add(day)
    # Days that count: the month's, up to today while it runs (none yet for a month to come).
    first, last = start.date(), min((end - datetime.timedelta(days=1)).date(), today)
    if last < first:
        return result
    leaves = LeaveRequest.objects.filter(cadre_id__in=cadre_ids, status=LeaveRequest.Status.APPROVED,
                                         start_date__lte=last, end_date__gte=first)
    for leave in leaves.only("cadre_id", "start_date", "end_date"):
        overlap = (min(leave.end_date, last) - max(leave.start_date, first)).days + 1
        result[leave.cadre_id].leave_days += max(0, overlap)
    posted = posted_days(cadre_ids=cadre_ids, first=first, last=last)
    for presence in result.values():
        presence.assigned_days = posted[presence.cadre_id]
        presence.leave_days = min(presence.leave_days, presence.assigned_days)
    return result


def cadre_presence_months(*, cadre_id: int, months: int = 6, today: datetime.date | None = None) -> list[Presence]:
    """The last `months` months of one cadre, newest first."""
    today = today or timezone.localdate()
    year, month, rows = today.year, today.month, []
    for _ in range(months):
        rows.append(presence_for(cadre_ids=[cadre_id], year=year, month=month)[cadre_id])
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return rows
