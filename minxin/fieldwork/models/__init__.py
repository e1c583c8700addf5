from minxin.fieldwork.models.followup import LiaisonCard, Need, SyncReceipt, VillagerRequest
from minxin.fieldwork.models.records import (
    CheckIn,
    DiaryEntry,
    FamilyCall,
    Meeting,
    Participant,
    Visit,
    VisitPhoto,
)

__all__ = ["CheckIn", "DiaryEntry", "FamilyCall", "LiaisonCard", "Meeting", "Need", "Participant", "SyncReceipt",
           "VillagerRequest", "Visit", "VisitPhoto"]
