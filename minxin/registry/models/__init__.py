from minxin.registry.models.household import CareOverride, Helper, Household, Member
from minxin.registry.models.jobs import ExportJob, ImportJob
from minxin.registry.models.poverty import Checklist, Income, Registration
from minxin.registry.models.village import VillageFile

__all__ = ["CareOverride", "Checklist", "ExportJob", "Helper", "Household", "ImportJob", "Income", "Member", "Registration",
           "VillageFile"]
