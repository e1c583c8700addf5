from django.utils.translation import gettext_lazy as _

from minxin.assessment import selectors
from minxin.assessment.models import Consequence
from minxin.core import audit, nav

nav.register("assessment", label=_("考核"), icon="bi-clipboard-data", order=90, url_name="assessment:index",
             visible=selectors.can_view)

audit.register_action_labels({
    "scheme.default": _("建立默认考核方案"), "scheme.save": _("保存考核方案"), "period.assess": _("运行季度考核"),
    "period.publish": _("发布季度考核"), "appeal.file": _("提出申诉"), "appeal.decide": _("处理申诉"),
    "pledge.create": _("填报年初承诺"), "pledge.update": _("修改年初承诺"), "pledge.submit": _("提交年初承诺"),
    "pledge.review": _("年终评诺"), "pledge.publish": _("公开承诺"), "pledge.deliver": _("登记承诺报送"), "inspection.create": _("登记督查"),
    "finding.create": _("登记督查发现"), "manual_score.save": _("人工评分"), "rectification.update": _("更新整改"),
    "grades.compute": _("计算年度等次"), "grade.confirm": _("确认年度等次"), "grade.override": _("调整年度等次"),
    "consequence.commendation": _("表彰"), "consequence.promotion": _("推荐提拔使用"),
    "consequence.accountability": _("问责"), "consequence.recall": _("召回（考核结果运用）"),
})
# The dashboard counts the year's consequences; a recall also ends the cadre's assignments, under
# their own action. Schemes, quarters, pledges, inspections and grades count nothing.
audit.register_changes({f"consequence.{kind}": (Consequence,)
                        for kind in ("commendation", "promotion", "accountability", "recall")})
audit.register_uncounted("scheme.default", "scheme.save", "period.assess", "period.publish", "appeal.file",
                         "appeal.decide", "pledge.create", "pledge.update", "pledge.submit", "pledge.review",
                         "pledge.publish", "pledge.deliver", "inspection.create", "finding.create",
                         "manual_score.save", "rectification.update", "grades.compute", "grade.confirm",
                         "grade.override")
