"""What a person's identifiers show when they are not revealed: one rule for every page, export,
document, API answer, search and audit event (SPEC §1).

A masked ID number `520627********1234` keeps the area code and the last four characters; the eight
hidden digits are the birth date. So wherever a number is masked, the birth date is shown as the
birth year only, and a search by a role that may not reveal matches at most the last four
characters — otherwise two harmless-looking answers put the number back together. Phones keep
their first three and last four digits. The audit log, which auditors read, holds only masked
values: it never stores what only a reveal may show.
"""

import datetime
import re
from typing import Any, overload

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.core.types import Actor

# The capability (held by some roles, see accounts.roles) that unmasks identifiers, logged.
REVEAL_IDENTIFIERS = "reveal_identifiers"
# How many trailing characters of an ID number a role without the reveal right may search by.
SEARCH_TAIL = 4
ID_LENGTH = 18


def birth_year(value: datetime.date | str | None) -> str:
    """The year of a birth date ("1985"): what may be shown beside a masked ID number."""
    if isinstance(value, datetime.date):
        return str(value.year)
    text = str(value or "")
    return text[:4] if re.match(r"^\d{4}", text) else ""


def birth_label(value: datetime.date | None) -> str:
    """"1985年（41岁）": the birth year and the age reckoned from it alone, so that the label says
    no more than the year does."""
    if not value:
        return ""
    age = timezone.localdate().year - value.year
    return _("%(year)s年（%(age)s岁）") % {"year": value.year, "age": age}


# Fields that hold identifiers or the birth date, and how each is masked wherever it is kept or shown
# without a reveal (audit before/after, server copies sent to the field app, exports).
MASKS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "contact_phone": mask_phone,
    "birth_date": birth_year,
}


def _area_only(number: str) -> str:
    """520627199001011234 → 520627************: what the audit log keeps of an ID number. The log is
    stored, and so is the person's birth date: the mask's last four beside it would give the whole
    number back to whoever holds the database (core.sealing)."""
    return mask_id_number(number)[:6] + "*" * 12


# The audit log's masks: as everywhere, but an ID number by its area code only.
LOG_MASKS = {**MASKS, "id_number": _area_only}


def mask_value(field: str, value: Any, masks: dict = MASKS) -> Any:
    mask = masks.get(field)
    return mask(value) if mask and value else value


@overload
def mask_dict(data: dict, masks: dict = ...) -> dict: ...
@overload
def mask_dict(data: None, masks: dict = ...) -> None: ...
def mask_dict(data: dict | None, masks: dict = MASKS) -> dict | None:
    """A copy of `data` (nested dicts and lists too) with every identifier field masked."""
    if isinstance(data, dict):
        return {key: mask_value(key, mask_dict(value, masks), masks) for key, value in data.items()}
    if isinstance(data, list):
        return [mask_dict(item, masks) for item in data]
    return data


def mask_change(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """`before` and `after` masked for the audit log (LOG_MASKS). A change that the mask hides (an
    ID number whose hidden digits were corrected) still shows as a change, marked, never in clear."""
    old, new = mask_dict(before, LOG_MASKS), mask_dict(after, LOG_MASKS)
    if before is not None and after is not None and old is not None and new is not None:
        for key in MASKS.keys() & before.keys() & after.keys():
            if before[key] != after[key] and old[key] == new[key]:
                new[key] = _("%(masked)s（隐藏位已更改）") % {"masked": new[key]}
    return old, new


def may_reveal(user: Actor) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.can(REVEAL_IDENTIFIERS)


_ID_TAIL = re.compile(r"^\d{1,17}[\dX]?$")


def id_search_tail(user: Actor, term: str) -> str | None:
    """The ID-number suffix a search term may match for this user, or None if it is no ID search.

    Everyone finds a person by the last four characters, which the mask shows anyway; roles that may
    reveal identifiers also by the whole number. Nothing in between: the stored numbers are sealed
    and found only by the keyed digest of their last four or of the whole (core.sealing) — and a
    longer term from another role matches nothing, so hidden digits cannot be guessed one search at
    a time.
    """
    term = term.strip().upper()
    if not _ID_TAIL.match(term) or len(term) not in (SEARCH_TAIL, ID_LENGTH):
        return None
    if len(term) == ID_LENGTH and not may_reveal(user):
        return None
    return term


def search_log_term(term: str) -> str:
    """What the audit log keeps of an identifier search: its length and last four, never more."""
    term = term.strip()
    return "*" * max(0, len(term) - SEARCH_TAIL) + term[-SEARCH_TAIL:]


def is_whole_id_number(term: str) -> bool:
    """A search term that is a whole ID number (what only a role that may reveal searches by)."""
    term = term.strip().upper()
    return len(term) == ID_LENGTH and bool(_ID_TAIL.match(term))


def shown_search(term: str) -> str:
    """A search term as a description, a log or a page may show it: a whole ID number masked
    (search_log_term), anything else as typed."""
    return search_log_term(term) if is_whole_id_number(term) else term


def masked_initial(obj: Model | None, field: str) -> dict:
    """A form's initial value for a stored identifier: masked (editors are not all allowed to reveal)."""
    value = getattr(obj, field, "") if obj is not None else ""
    return {field: MASKS[field](value)} if value else {}


def unmasked_input(value: str, obj: Model | None, field: str) -> str:
    """A masked value sent back unchanged means "keep the stored one": its sealed envelope, which the
    services take as such (`kept`), never opened."""
    stored = getattr(obj, field, "") if obj is not None else ""
    return stored if stored and value == MASKS[field](stored) else value


def kept(value: str, stored: str) -> bool:
    """True if a service's input is the stored (sealed) value itself: nothing to check or change.
    Any other sealed value fails the checks as it should (it is no number)."""
    return bool(stored) and value == stored
