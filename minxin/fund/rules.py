"""What the fund checks applications against (SPEC §4.6): the township's checklist, the budget
line categories (some barred by 财农〔2017〕8号, like any line naming a word of the county's negative
list), and the experts' rubric with its anchored levels."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The township's check (乡镇审核): each item passed or not, with a note.
CHECKLIST = [
    ("truthful", _("真实性（项目和受益对象真实）")),
    ("necessary", _("必要性（群众需要、能解决实际困难）")),
    ("feasible", _("可行性（条件具备、技术和市场可行）")),
    ("budget", _("预算合理（单价、数量有依据）")),
    ("source", _("资金来源明确（自筹、配套已落实）")),
    ("mechanism", _("带贫益贫机制（受益贫困户和利益联结方式）")),
    ("targets", _("绩效目标明确、可考核")),
]
CHECKLIST_CODES = [code for code, _label in CHECKLIST]

# Budget line categories; the barred ones are the central rules' negative list.
LINE_CATEGORIES = [
    ("seedlings", _("种苗、种畜")), ("materials", _("生产资料（饲料、化肥、农资）")), ("equipment", _("生产设备、机具")),
    ("facilities", _("生产设施（圈舍、大棚、冷库）")), ("training", _("技能培训")), ("labour", _("务工劳务费")),
    ("relief", _("生活救助")), ("other", _("其他")),
    ("admin", _("行政事业单位基本支出")), ("vehicles", _("交通工具及通讯设备")), ("buildings", _("楼堂馆所")),
    ("debts", _("偿还债务和垫资")), ("losses", _("弥补企业亏损")),
]
BARRED_CATEGORIES = {"admin", "vehicles", "buildings", "debts", "losses"}


def barred_word(text: str) -> str | None:
    """The first word of the county's negative list that `text` contains, if any."""
    return next((word for word in settings.MINXIN_FUND_NEGATIVE_LIST if word and word in text), None)


# The experts' rubric: four criteria, each scored on five anchored levels.
RUBRIC = [
    ("feasibility", _("可行性"), 30, [_("不可行"), _("条件明显不足"), _("基本可行"), _("可行"), _("条件完全具备")]),
    ("effect", _("带贫减贫成效"), 30, [_("几乎无带贫"), _("带贫人数少"), _("带贫一般"), _("带贫明显"), _("带贫面广、增收显著")]),
    ("sustainability", _("可持续性"), 20, [_("一次性投入无后续"), _("难以持续"), _("基本可持续"), _("可持续"), _("长期稳定收益")]),
    ("budget", _("预算合理性"), 20, [_("严重不合理"), _("多处不合理"), _("基本合理"), _("合理"), _("精打细算、依据充分")]),
]
RUBRIC_CODES = [code for code, *_rest in RUBRIC]
LEVELS = 5  # a level 1..5 earns weight × (level − 1) / 4 points


def points(code: str, level: int) -> Decimal:
    """The points a criterion's level earns (exact: a weight of 30 at level 2 is 7.5)."""
    weight = next(most for c, _label, most, _anchors in RUBRIC if c == code)
    return Decimal(weight) * (level - 1) / (LEVELS - 1)
