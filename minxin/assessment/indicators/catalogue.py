"""Manual indicators: duties whose records are not (yet) in the platform, scored in supervision.

When a module that holds the records arrives (funds, disputes, party), it registers automatic
indicators for the same heart and the county moves the weight over in the scheme — as study and
training moved to records (learn.hours), the plan's items to the plan (plan.items), the
dispute screening and mediation to the disputes module (mediate.*), the industry projects to the
fund (industry.*) and the party branch's work to the party module (organize.*): only what no record
can show stays here (assessment migrations 0004, 0005, 0007 and 0008 moved the weights in new
versions).
"""

from django.utils.translation import gettext_lazy as _

from minxin.assessment.indicators import manual

MODULE = _("督查评分")

manual("plan.plan", heart="plan", label=_("村发展规划编制质量"), module=MODULE, weight="2",
       description=_("规划是否切合村情、是否经村民代表大会讨论通过（规划事项的完成由自动指标“村发展规划事项完成率”计分）"))
