from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.cadres import selectors
from minxin.cadres.models import Assignment, LeaveRequest
from minxin.core import audit, nav

nav.register("cadres", label=_("驻村干部"), icon="bi-people", order=60, url_name="cadres:list",
             visible=selectors.can_view)
nav.register("leave", label=_("请假"), icon="bi-calendar2-week", order=70, url_name="cadres:leave-list",
             visible=selectors.can_view)
nav.register("study", label=_("学习培训"), icon="bi-book", order=75, url_name="cadres:study-list",
             visible=selectors.can_view)
nav.register("units", label=_("派出单位"), icon="bi-building", order=80, url_name="cadres:unit-list",
             visible=selectors.can_view)
nav.register_region_link("cadres", label=_("驻村干部"), icon="bi-people", order=30,
                         url=lambda region: f"{reverse('cadres:list')}?village={region.prefix}", visible=selectors.can_view)

audit.register_action_labels({
    "sending_unit.create": _("新增派出单位"), "sending_unit.update": _("修改派出单位"),
    "unit_staff.save": _("登记单位帮扶干部"), "unit_staff.retire": _("单位帮扶干部离册"),
    "cadre.create": _("登记驻村干部"), "cadre.update": _("修改驻村干部"), "cadre.link_user": _("关联干部账号"),
    "assignment.create": _("安排驻村"), "assignment.end": _("结束驻村"), "assignment.recall": _("召回"),
    "insurance.create": _("登记保险"), "leave.request": _("申请请假"), "leave.approve": _("批准请假"),
    "leave.reject": _("不批准请假"), "study.save": _("记录学习培训"),
})
# The dashboard counts a village's cadres from their assignments and their leave days: a cadre's or
# a sending unit's record, insurance and study count nothing (a recall ends the assignment).
audit.register_changes({"assignment.create": (Assignment,), "assignment.end": (Assignment,),
                        "assignment.recall": (Assignment,), "leave.request": (LeaveRequest,),
                        "leave.approve": (LeaveRequest,), "leave.reject": (LeaveRequest,)})
audit.register_uncounted("sending_unit.create", "sending_unit.update", "unit_staff.save", "unit_staff.retire",
                         "cadre.create", "cadre.update", "cadre.link_user", "insurance.create", "study.save")

nav.register_section("home", "unit-cadres", order=10, template="cadres/_unit_home.html",
                     context=lambda user, _obj: selectors.unit_home(user=user))
