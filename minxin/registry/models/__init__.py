from minxin.registry.models.household import CareOverride, Helper, Household, Member
from minxin.registry.models.jobs import ExportJob, ImportJob
from minxin.registry.models.plan import PlanItem, VillagePlan
from minxin.registry.models.poverty import Checklist, ChecklistChange, Income, Registration
from minxin.registry.models.village import VillageFile

__all__ = ["CareOverride", "Checklist", "ChecklistChange", "ExportJob", "Helper", "Household", "ImportJob", "Income",
           "Member", "PlanItem", "Registration", "VillageFile", "VillagePlan"]
