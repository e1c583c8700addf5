"""Checks of free text that every service applies, so SQLite and PostgreSQL refuse the same input:
length is checked here (SQLite stores any length, PostgreSQL raises), and so is the NUL character
(PostgreSQL refuses it in text)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.core.errors import DomainError
from minxin.core.identifiers import InvalidIdentifier, normalize_phone


def check_text(value: object, *, field: str, required: bool = False, max_length: int | None = 5000) -> str:
    """The text stripped, or DomainError naming `field`: not text, empty when required, too long
    (`max_length`, a model field's, may be None: a TextField without one still gets the default), NUL."""
    max_length = max_length or 5000
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise DomainError("invalid_text", _("内容必须是文字。"), field=field)
    if required and not text:
        raise DomainError("required", _("请填写内容。"), field=field)
    if len(text) > max_length:
        raise DomainError("too_long", _("内容过长（%(len)d 字，最多 %(n)d 字）。") % {"len": len(text), "n": max_length},
                          field=field)
    if "\x00" in text:
        raise DomainError("nul_character", _("内容含有不可见的空字符（NUL），请删去后再提交。"), field=field)
    return text


def check_phone(value: str, *, field: str = "phone") -> str:
    """A phone number in its national form ("" when blank), or DomainError naming `field` and why."""
    try:
        return normalize_phone(value or "")
    except InvalidIdentifier as exc:
        raise DomainError("invalid_phone", str(exc), field=field) from None


def past_date(day: datetime.date | None, field: str, *, required: bool = True, earliest: int = 2000) -> None:
    """A date of something done: not in the future (in Asia/Shanghai), not before the year `earliest`
    (2000: the platform's records; a branch's founding or a member's joining may go back to 1921)."""
    if day is None:
        if required:
            raise DomainError("date_required", _("请填写日期。"), field=field)
        return
    if day > timezone.localdate():
        raise DomainError("future_date", _("日期不能晚于今天。"), field=field)
    if day.year < earliest:
        raise DomainError("bad_date", _("日期不能早于 %(year)d 年。") % {"year": earliest}, field=field)


def not_before(day: datetime.date, earlier: datetime.date | None, *, field: str, what: str) -> None:
    """`day` is on or after `earlier` (the date of the step it follows, named by `what`)."""
    if earlier is not None and day < earlier:
        raise DomainError("before_previous", _("日期不能早于%(what)s（%(date)s）。") % {
            "what": what, "date": f"{earlier:%Y-%m-%d}"}, field=field)
