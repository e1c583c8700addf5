"""Disputes and petitions (矛盾纠纷与信访, SPEC §4.7): the screenings each village files, the dispute
case files (一案一卷) and the petitions handled under the 2022 信访工作条例."""

from minxin.disputes.models.case import Dispute, DisputeParty, DisputeStep
from minxin.disputes.models.petition import Petition, PetitionStep
from minxin.disputes.models.screening import Screening, SensitivePeriod

__all__ = ["Dispute", "DisputeParty", "DisputeStep", "Petition", "PetitionStep", "Screening", "SensitivePeriod"]
