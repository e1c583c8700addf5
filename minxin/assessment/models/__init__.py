from minxin.assessment.models.annual import GRADE_ORDER, AnnualGrade, Consequence, Grade
from minxin.assessment.models.period import Appeal, CadreResult, IndicatorScore, Period
from minxin.assessment.models.pledge import Pledge, PledgeBoard, PledgeDelivery, PledgeItem
from minxin.assessment.models.scheme import Scheme, SchemeWeight
from minxin.assessment.models.supervision import Finding, Inspection, ManualScore, Rectification

__all__ = [
    "GRADE_ORDER", "AnnualGrade", "Appeal", "CadreResult", "Consequence", "Finding", "Grade", "IndicatorScore",
    "Inspection", "ManualScore", "Period", "Pledge", "PledgeBoard", "PledgeDelivery", "PledgeItem", "Rectification", "Scheme",
    "SchemeWeight",
]
