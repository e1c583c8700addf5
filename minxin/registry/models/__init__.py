from minxin.registry.models.household import CareOverride, Helper, Household, Member
from minxin.registry.models.imports import ImportJob
from minxin.registry.models.poverty import Checklist, Income, Registration
from minxin.registry.models.village import VillageFile

__all__ = ["CareOverride", "Checklist", "Helper", "Household", "ImportJob", "Income", "Member", "Registration",
           "VillageFile"]
