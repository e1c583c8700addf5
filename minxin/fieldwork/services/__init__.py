"""All writes of the field-work module (DESIGN §3: services only)."""

from minxin.fieldwork.services.followup import (
    card_issue,
    card_show_logged,
    cards_issue_village,
    cards_print_logged,
    need_record,
    need_update,
    request_answer,
    request_assign,
    request_close,
    request_record,
    request_submit_public,
)
from minxin.fieldwork.services.records import (
    call_record,
    checkin_record,
    diary_record,
    meeting_record,
    visit_attach_photo,
    visit_record,
)
from minxin.fieldwork.services.sync import sync_batch

__all__ = [
    "call_record", "card_issue", "card_show_logged", "cards_issue_village", "cards_print_logged", "checkin_record", "diary_record",
    "meeting_record", "need_record", "need_update", "request_answer", "request_assign", "request_close",
    "request_record", "request_submit_public", "sync_batch", "visit_attach_photo", "visit_record",
]
