"""Assessment periods as time windows, and the cohort of cadres an indicator is computed for."""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from minxin.core.errors import DomainError
from minxin.core.figures import within
from minxin.core.params import YEARS

_QUARTER = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True)
class Window:
    """A quarter: dates inclusive, and the aware datetimes [start_at, end_at) in the local zone."""

    year: int
    quarter: int

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.next_start - datetime.timedelta(days=1)

    @property
    def next_start(self) -> datetime.date:
        if self.quarter == 4:
            return datetime.date(self.year + 1, 1, 1)
        return datetime.date(self.year, 3 * self.quarter + 1, 1)

    @property
    def start_at(self) -> datetime.datetime:
        return _local_midnight(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        return _local_midnight(self.next_start)

    months = 3

    @property
    def days(self) -> int:
        return (self.next_start - self.start).days

    def label(self) -> str:
        return _("%(year)d年第%(q)s季度") % {"year": self.year, "q": QUARTER_NAMES[self.quarter - 1]}


# A quarter's name in a title: a numeral in Chinese (第三季度), a digit in English (Q3).
QUARTER_NAMES = [pgettext_lazy("quarter", "一"), pgettext_lazy("quarter", "二"), pgettext_lazy("quarter", "三"),
                 pgettext_lazy("quarter", "四")]


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def parse_quarter(text: str) -> Window:
    """'2026Q3' (or '2026q3', '2026 Q3') → Window; anything else is a clear error."""
    match = _QUARTER.match(text or "")
    if not match:
        raise DomainError("invalid_quarter", _("季度格式应为“2026Q3”：%(text)s") % {"text": text}, field="quarter")
    if int(match.group(1)) not in YEARS:
        raise DomainError("invalid_quarter", _("季度的年份应在 %(first)d 至 %(last)d 年之间：%(text)s")
                          % {"first": YEARS.start, "last": YEARS.stop - 1, "text": text}, field="quarter")
    return Window(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class VillageFacts:
    code: str
    township_code: str
    households: int  # registered households where the registry has them, else the village file's figure
    terrain: str


@dataclass
class Cohort:
    """The cadres assessed in a window: each with the village of its assignment in the window."""

    village_of: dict[int, str] = field(default_factory=dict)  # cadre id -> village code
    villages: dict[str, VillageFacts] = field(default_factory=dict)
    user_of: dict[int, int] = field(default_factory=dict)  # cadre id -> login user id (if any)
    prefix: str = ""  # the assessed county's code prefix: records outside it are not counted

    def inside(self, code_field: str = "village_id") -> Q:
        """Records of the assessed county, so that a quarter costs the county's rows however many
        counties the database holds (all rows for a cohort without a county)."""
        return within(code_field, self.prefix)

    @property
    def cadre_ids(self) -> list[int]:
        return list(self.village_of)

    def by_village(self) -> dict[str, list[int]]:
        grouped: dict[str, list[int]] = {}
        for cid, code in self.village_of.items():
            grouped.setdefault(code, []).append(cid)
        return grouped

    def spread(self, per_village: dict[str, object]) -> dict[int, object]:
        """A village-level figure given to every cadre of that village's team."""
        return {cid: per_village[code] for cid, code in self.village_of.items() if code in per_village}
