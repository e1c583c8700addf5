"""The ten hearts (十颗心, SPEC §3): the duties every resident cadre is assessed on."""

from django.utils.translation import gettext_lazy as _

HEARTS = [
    ("settle", _("安心"), _("真蹲实驻")),
    ("learn", _("虚心"), _("虚心学习")),
    ("plan", _("精心"), _("精心谋划")),
    ("pair", _("真心"), _("真心帮扶")),
    ("care", _("关心"), _("关爱留守")),
    ("publicize", _("耐心"), _("耐心宣讲")),
    ("mediate", _("公心"), _("公正调处")),
    ("livelihood", _("尽心"), _("保障民生")),
    ("industry", _("上心"), _("发展产业")),
    ("organize", _("倾心"), _("建强组织")),
]
HEART_CODES = [code for code, _label, _duty in HEARTS]
HEART_LABELS = {code: label for code, label, _duty in HEARTS}
HEART_CHOICES = [(code, label) for code, label, _duty in HEARTS]


def heart_label(code: str) -> str:
    return str(HEART_LABELS.get(code, code))
