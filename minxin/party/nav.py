from django.utils.translation import gettext_lazy as _

from minxin.core import audit, nav
from minxin.party import models, selectors

nav.register("party", label=_("基层党建"), icon="bi-flag", order=49, url_name="party:branch-list",
             visible=selectors.can_view)

audit.register_action_labels({
    "party.branch": _("党建：村党组织档案"), "party.post": _("党建：村两委职务"), "party.member": _("党建：登记党员"),
    "party.contact": _("党建：党员联系户"), "party.event": _("党建：组织生活"), "party.survey": _("党建：满意度测评"),
    "party.reserve": _("党建：后备干部"), "party.flag": _("党建：人工预警标记"), "party.flag_clear": _("党建：解除预警标记"),
    "party.site": _("党建：申报示范点"), "party.site_review": _("党建：示范点评审"), "party.case_open": _("党建：受理入党申请"),
    "party.step": _("党建：发展党员环节"), "party.rect_list": _("党建：列入整顿名单"), "party.rect_item": _("党建：整改事项"),
    "party.rect_sign_off": _("党建：整改销号"), "party.rect_progress": _("党建：整顿月度进展"),
    "party.rect_accept": _("党建：整顿验收"), "party.rect_follow_up": _("党建：回头看"), "party.rect_close": _("党建：结束回头看"),
    "party.warnings": _("党建：重新计算预警"),
})
# The branch's monthly life and its surveys (the dashboard counts again only the figures that read them).
audit.register_changes({"party.event": (models.Event,), "party.survey": (models.Survey,)})
# The rest of a branch's records: the counted ones are its members, applicants and reserves, its
# warnings, rectification and model sites.
_COUNTED = (models.Branch, models.PartyMember, models.Case, models.Reserve, models.Warning, models.Rectification,
            models.Site)
audit.register_changes({code: _COUNTED for code in (
    "party.branch", "party.post", "party.member", "party.contact", "party.reserve", "party.flag", "party.flag_clear",
    "party.site", "party.site_review", "party.case_open", "party.step", "party.rect_list", "party.rect_item",
    "party.rect_sign_off", "party.rect_progress", "party.rect_accept", "party.rect_follow_up", "party.rect_close",
    "party.warnings")})
