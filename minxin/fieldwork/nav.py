from django.utils.translation import gettext_lazy as _

from minxin.core import audit, nav
from minxin.fieldwork import models, selectors

# Records for everyone in scope who works with villagers; requests beside them.
nav.register("fieldwork", label=_("驻村记实"), icon="bi-journal-check", order=40, url_name="fieldwork:visit-list",
             visible=selectors.can_view)
nav.register("requests", label=_("群众诉求"), icon="bi-chat-heart", order=50, url_name="fieldwork:request-list",
             visible=selectors.can_view)

audit.register_action_labels({
    "visit.create": _("记录走访"), "visit.photo": _("上传走访照片"), "meeting.create": _("记录群众会"),
    "lecture.create": _("记录宣讲"), "training.create": _("记录培训"), "family_call.create": _("记录亲情聊天"),
    "diary.create": _("写民情日记"), "checkin.create": _("在村签到"), "need.create": _("登记民情事项"),
    "need.update": _("处理民情事项"), "request.create": _("登记群众诉求"), "request.submit_public": _("群众扫码提交诉求"),
    "request.assign": _("交办诉求"), "request.answer": _("答复诉求"), "request.close": _("办结诉求"),
    "card.issue": _("发放连心卡"), "card.reissue": _("补发连心卡"), "card.issue_village": _("整村发放连心卡"),
    "card.print": _("打印连心卡"), "card.show": _("显示连心卡二维码"),
})
audit.register_uncounted("card.print", "card.show")
# What the field app's records write (the dashboard counts again only the figures that read them).
_MEETING = (models.Meeting, models.Participant)
audit.register_changes({
    "visit.create": (models.Visit, models.Need), "meeting.create": _MEETING, "lecture.create": _MEETING,
    "training.create": _MEETING, "family_call.create": (models.FamilyCall,), "diary.create": (models.DiaryEntry,),
    "checkin.create": (models.CheckIn,), "need.create": (models.Need,), "need.update": (models.Need,),
    **{f"request.{step}": (models.VillagerRequest,) for step in ("create", "submit_public", "assign", "answer", "close")},
    **{f"card.{step}": (models.LiaisonCard,) for step in ("issue", "reissue", "issue_village")},
    "visit.photo": (models.VisitPhoto,),
})

nav.register_section("registry.household", "fieldwork", order=50, template="fieldwork/_household_section.html",
                     context=lambda user, household: selectors.household_fieldwork(user=user, household=household))
