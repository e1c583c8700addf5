from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.core import audit, nav
from minxin.registry import permissions, selectors
from minxin.registry.models import Helper, Household, Member, Registration

nav.register("registry", label=_("一户一表"), icon="bi-house-heart", order=30, url_name="registry:household-list",
             visible=permissions.can_view)
nav.register_region_link("village-file", label=_("一村一档"), icon="bi-folder2-open", order=40, levels=("village",),
                         url=lambda region: reverse("registry:village-file", args=[region.code]),
                         visible=permissions.can_view)

audit.register_action_labels({
    "household.create": _("登记新户"), "household.update": _("修改户信息"), "household.import": _("导入户档案"),
    "household.refresh_all": _("重算户的派生信息（关爱类别等）"),
    "household.import.create": _("导入新增户"), "household.import.update": _("导入更新户"),
    "household.import.upload": _("上传导入文件"), "household.import.report": _("下载导入报告"),
    "household.import.sheet": _("选择导入的工作表"), "village_plan.save": _("编制或修改村发展规划"),
    "plan_item.save": _("登记规划事项"),
    "household.export": _("导出户档案"), "household.export.unmasked": _("导出完整证件号码的户档案"),
    "household.export.download": _("下载导出文件"), "member.create": _("添加家庭成员"),
    "member.update": _("修改家庭成员"), "member.remove": _("移出家庭成员"), "registration.create": _("登记建档立卡"),
    "registration.update": _("修改建档立卡"), "registration.remove": _("取消建档立卡"), "income.save": _("填报收入"),
    "checklist.save": _("两不愁三保障核查"), "helpers.save": _("设置帮扶责任人"), "care.override": _("认定关爱类别"),
    "care.clear": _("撤销关爱类别认定"), "village_file.update": _("修改一村一档"),
})
# The household's own facts (the field app edits them too), its derived columns every night, and a
# household sheet (its households, people, registrations and helpers).
_IMPORTED = (Household, Member, Registration, Helper)
audit.register_changes({"household.update": (Household,), "household.refresh_all": (Household,),
                        "household.import": _IMPORTED, "household.import.create": _IMPORTED,
                        "household.import.update": _IMPORTED})
# A household's people, registration and care: the household's counted columns (its size, its care
# categories) and its registrations; its income, checks and helpers move its version. Its village's
# plan and file count nothing.
_FAMILY = (Household, Member, Registration)
audit.register_changes({code: _FAMILY for code in (
    "household.create", "member.create", "member.update", "member.remove", "registration.create",
    "registration.update", "registration.remove", "care.override", "care.clear", "income.save", "checklist.save",
    "helpers.save")})
audit.register_uncounted("household.import.upload", "household.import.report", "household.import.sheet",
                         "household.export", "household.export.unmasked", "household.export.download",
                         "village_plan.save", "plan_item.save", "village_file.update")

nav.register_section("cadres.unit", "pairing", order=20, template="registry/_unit_pairing.html",
                     context=lambda user, unit: selectors.unit_pairing(user=user, unit=unit))
