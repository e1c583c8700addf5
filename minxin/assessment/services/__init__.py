"""All writes of the assessment module (DESIGN §3): keyword-only, atomic, audited."""

from minxin.assessment.services.annual import consequence_record, grade_confirm, grades_compute
from minxin.assessment.services.periods import appeal_decide, appeal_file, period_assess, period_publish
from minxin.assessment.services.pledges import (
    pledge_deliver,
    pledge_publish,
    pledge_review,
    pledge_save,
    pledge_submit,
)
from minxin.assessment.services.scheme import default_weights, scheme_ensure, scheme_save
from minxin.assessment.services.supervision import (
    finding_record,
    inspection_record,
    manual_score_record,
    rectification_update,
)

__all__ = [
    "appeal_decide", "appeal_file", "consequence_record", "default_weights", "finding_record", "grade_confirm",
    "grades_compute", "inspection_record", "manual_score_record", "period_assess", "period_publish",
    "pledge_deliver", "pledge_publish", "pledge_review", "pledge_save", "pledge_submit", "rectification_update",
    "scheme_ensure", "scheme_save",
]
