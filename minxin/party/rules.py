"""The party module's fixed vocabulary and its time rules.

- Branch kinds by size (SPEC §4.8): a 支部 from 3 members, a 总支 above 50, a 党委 from 100.
- Organisational life (三会一课, 主题党日, 组织生活会, 民主评议党员) and how often each is due.
- The development pipeline's versioned time rules (settings.MINXIN_PARTY_RULES): which version a
  case follows, month and working-day arithmetic, each rule's wording for a refusal.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MONTH, QUARTER, YEAR = "month", "quarter", "year"

# (code, label, how often it is due)
LIFE = [
    ("member_meeting", gettext_lazy("支部党员大会"), QUARTER),
    ("committee", gettext_lazy("支部委员会"), MONTH),
    ("group", gettext_lazy("党小组会"), MONTH),
    ("lecture", gettext_lazy("党课"), QUARTER),
    ("theme_day", gettext_lazy("主题党日"), MONTH),
    ("life_meeting", gettext_lazy("组织生活会"), YEAR),
    ("appraisal", gettext_lazy("民主评议党员"), YEAR),
]
LIFE_CHOICES = [(code, label) for code, label, _every in LIFE]
LIFE_EVERY = {code: every for code, _label, every in LIFE}
# What counts as the branch's own organisational life for the "no organisational life" warning.
CORE_LIFE = ("member_meeting", "committee", "theme_day")


def branch_kind(members: int) -> str:
    if members >= 100:
        return _("党委")
    if members > 50:
        return _("党总支")
    if members >= 3:
        return _("党支部")
    return _("联合党支部（党员不足 3 名）")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day where it is shorter: 31 Jan + 1 = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def workdays_between(first: datetime.date, last: datetime.date) -> int:
    """Monday-to-Friday days from `first` to `last`, both counted (public holidays are not modelled)."""
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(rest):
        if (first + datetime.timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def period_of(day: datetime.date, every: str) -> tuple[datetime.date, datetime.date]:
    """The month, quarter or year that holds `day`: (first day, last day)."""
    if every == YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    first_month = day.month if every == MONTH else (day.month - 1) // 3 * 3 + 1
    last_month = first_month if every == MONTH else first_month + 2
    return (datetime.date(day.year, first_month, 1),
            datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1]))


def periods_in(start: datetime.date, end: datetime.date, every: str) -> list[tuple[datetime.date, datetime.date]]:
    """Every whole or partial period of `every` from the one holding `start` to the one holding `end`."""
    out = []
    first, last = period_of(start, every)
    while first <= end:
        out.append((first, last))
        first, last = period_of(last + datetime.timedelta(days=1), every)
    return out


@dataclass(frozen=True)
class Rules:
    """One version of the development rules (settings.MINXIN_PARTY_RULES[version])."""

    version: str
    title: str
    min_age: int
    talk_days: int
    activist_months: int
    review_months: int
    sponsors: int
    training_hours: int
    notice_workdays: int
    approval_months: int
    probation_months: int

    @property
    def reviews_needed(self) -> int:
        """Half-yearly reviews an activist has had before becoming a development target."""
        return max(1, self.activist_months // self.review_months)


def rules(version: str) -> Rules:
    spec = settings.MINXIN_PARTY_RULES[version]
    return Rules(version=version, **{key: value for key, value in spec.items() if key != "from"})


def version_on(day: datetime.date) -> str:
    """The rules in force on `day`: the latest version that started on or before it (the oldest
    when `day` precedes them all)."""
    ordered = sorted(settings.MINXIN_PARTY_RULES.items(), key=lambda item: item[1]["from"])
    current = ordered[0][0]
    for version, spec in ordered:
        if datetime.date.fromisoformat(spec["from"]) <= day:
            current = version
    return current


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def of_age(birth: datetime.date, day: datetime.date, age: int, *, exact: bool) -> bool | None:
    """Whether someone born on `birth` is `age` or older on `day`. Without `exact` only the birth year
    is used (what a masked ID number leaves visible: its hidden digits are the birth date), and the
    answer is None when the month and day would decide it — so that choosing the day never tells
    them back."""
    if exact:
        return age_on(birth, day) >= age
    if age_on(datetime.date(birth.year, 12, 31), day) >= age:
        return True
    if age_on(datetime.date(birth.year, 1, 1), day) < age:
        return False
    return None


# What a demonstration site (民心党建示范点) is reviewed against.
SITE_CRITERIA = [
    ("team", gettext_lazy("班子坚强有力，书记岗位无空缺")),
    ("life", gettext_lazy("三会一课、主题党日规范开展")),
    ("position", gettext_lazy("党群服务阵地达标")),
    ("economy", gettext_lazy("村集体经济有稳定收入")),
    ("service", gettext_lazy("服务群众成效明显，群众满意度 90% 以上")),
    ("clear", gettext_lazy("近一年无软弱涣散预警")),
]
SITE_CODES = [code for code, _label in SITE_CRITERIA]
