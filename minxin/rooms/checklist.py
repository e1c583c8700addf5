"""What a liaison room is checked against (SPEC §4.5): the standardisation checklist modelled on
the village 党群服务中心 standard (GB/T 38699-2020), and the scored checklist of the semi-annual
evaluation (每半年考核评估、分类定级) with its grade thresholds (county settings)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The standardisation checklist: each item met or not (the room's page keeps it).
STANDARDS = [
    ("signboard", _("悬挂“干群连心室”标识牌")),
    ("duty_roster", _("张贴驻村干部值班表")),
    ("whereabouts", _("设置去向牌（干部去向一目了然）")),
    ("notice_board", _("户外公开栏（村规民约、值班表）")),
    ("disclosure", _("党务、村务、财务公开（至少每季度一次）")),
    ("service_hall", _("设置便民服务大厅")),
    ("duties_on_wall", _("工作职责上墙")),
    ("pledges_on_wall", _("服务承诺和办事流程上墙")),
    ("grievance_room", _("设置说事室")),
    ("minutes", _("会议记录齐全")),
    ("activity_log", _("活动记录（台账）齐全")),
]
STANDARD_CODES = [code for code, _label in STANDARDS]
STANDARD_LABELS = dict(STANDARDS)
# Public disclosure is at least quarterly: older than this, the room's page flags it.
DISCLOSURE_DAYS = 92

# The semi-annual evaluation: each item scored 0..max (whole points), 100 in all.
RUBRIC = [
    ("premises", _("阵地建设（场所、标识、设施）"), 20),
    ("rules", _("制度上墙（职责、承诺、流程）"), 15),
    ("duty", _("值班值守（值班表、去向牌落实）"), 15),
    ("disclosure", _("公开公示（党务村务财务按时公开）"), 15),
    ("service", _("服务群众（说事、代办、诉求办理）"), 20),
    ("records", _("台账资料（会议、活动记录）"), 15),
]
RUBRIC_CODES = [code for code, _label, _max in RUBRIC]

GOOD, FAIR, AVERAGE, POOR = "good", "fair", "average", "poor"
GRADES = [(GOOD, _("好")), (FAIR, _("较好")), (AVERAGE, _("一般")), (POOR, _("较差"))]


def grade_of(total: int) -> str:
    """The grade of a total score by the county's thresholds (好, 较好, 一般 from the highest)."""
    for code, threshold in zip((GOOD, FAIR, AVERAGE), settings.MINXIN_ROOM_GRADES, strict=False):
        if total >= threshold:
            return code
    return POOR
