"""Chinese resident ID numbers (GB 11643) and phone numbers: normalise, validate, mask.

ID numbers: python-stdnum gives the checksum and date helpers. Its `cn.ric.validate` also ties
the area code to the birth year, which rejects real people: codes are never re-issued when a
county is renumbered (Yanhe was 522228 until 2011, 520627 since), so someone born in 1995 whose
first card came after 2011 carries 520627. We therefore accept any area code that has ever
existed, current or historic, from stdnum's own table of codes (SPEC §4.2, stdnum issue #442).
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric

SEALED_PREFIX = "mx1."  # how a stored identifier's envelope begins (core.sealing)


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier; the message says why, in the user's language."""


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F", from the 17th digit (odd = male)
    area_code: str


def normalize_text(value: object) -> str:
    """Fold full-width characters (ＡＢ１２, full-width spaces) and trim."""
    return unicodedata.normalize("NFKC", str(value)).strip()


_CANONICAL_ID = re.compile(r"[0-9]{17}[0-9X]")


def normalize_id_number(value: object) -> str:
    """Full-width digits, lowercase x, spaces inside, and float exports (5.20627199001e+17) fixed."""
    if isinstance(value, str) and _CANONICAL_ID.fullmatch(value):
        return value  # already clean (the common case in a 600,000-row import)
    text = normalize_text(value).replace(" ", "").upper()
    if re.fullmatch(r"\d+(\.\d+)?E\+\d+", text):
        raise InvalidIdentifier(_("身份证号被 Excel 存成了科学计数法（%(value)s），末几位已丢失，请改为文本格式后重新填写。") % {"value": text})
    if re.fullmatch(r"\d{15,18}\.0+", text):  # a float that kept all digits: 520627199001011234.0
        text = text.split(".")[0]
    return text


@lru_cache(maxsize=4096)
def area_code_known(area: str) -> bool:
    """True if the 6-digit area code exists or ever existed (any year)."""
    info = {key: value for _part, props in numdb.get("cn/loc").info(area) for key, value in props.items()}
    return bool(info.get("county"))


def parse_id_number(value: object, *, today: datetime.date | None = None) -> IdNumber:
    """Validate an 18-digit ID number; raise InvalidIdentifier with the reason."""
    number, sex, birth = id_number_parts(value, today=today)
    return IdNumber(number=number, birth_date=birth, sex=sex, area_code=number[:6])


def id_number_parts(value: object, *, today: datetime.date | None = None) -> tuple[str, str, datetime.date]:
    """(number, sex, birth date) of a valid ID number, as parse_id_number checks it (the importer's
    hot path: no object per person; it passes `today`, which costs a clock and time-zone read)."""
    if isinstance(value, str) and _CANONICAL_ID.fullmatch(value):
        number = value  # already clean: the common case
    else:
        number = normalize_id_number(value)
        if not number:
            raise InvalidIdentifier(_("身份证号不能为空。"))
        if len(number) == 15 and number.isdigit():
            raise InvalidIdentifier(_("这是旧式 15 位身份证号，请填写该人现在的 18 位身份证号。"))
        if len(number) != 18:
            raise InvalidIdentifier(_("身份证号应为 18 位，实际为 %(n)d 位。") % {"n": len(number)})
        if not _CANONICAL_ID.fullmatch(number):  # str.isdigit would let other scripts' digits in
            raise InvalidIdentifier(_("身份证号只能由数字和末位的 X 组成。"))
    if number[17] != ric.calc_check_digit(number):
        raise InvalidIdentifier(_("身份证号校验码错误（末位应为 %(digit)s）。") % {"digit": ric.calc_check_digit(number)})
    birth = _BIRTH_DATES.get(number[6:14]) or _birth_date(number[6:14])
    today = today or timezone.localdate()
    if birth > today or birth.year < 1890:
        raise InvalidIdentifier(_("身份证号中的出生日期 %(date)s 不合理。") % {"date": birth.isoformat()})
    if not area_code_known(number[:6]):
        raise InvalidIdentifier(_("身份证号的地区码 %(code)s 不存在（现行或历史区划中均无）。") % {"code": number[:6]})
    return number, "M" if int(number[16]) % 2 else "F", birth


# "YYYYMMDD" → date: a county has a few tens of thousands of birth dates for 600,000 people.
_BIRTH_DATES: dict[str, datetime.date] = {}


def _birth_date(digits: str) -> datetime.date:
    """The calendar date of an ID number's 8 birth digits (stdnum's ric.get_birth_date, without its
    re-cleaning of an already clean number); raise InvalidIdentifier if there is no such day."""
    try:
        birth = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidIdentifier(_("身份证号中的出生日期 %(date)s 不存在。") % {"date": digits}) from None
    if len(_BIRTH_DATES) < 100_000:
        _BIRTH_DATES[digits] = birth
    return birth


def mask_id_number(number: str) -> str:
    """520627199001011234 → 520627********1234 (area code and last four kept). A stored number is
    sealed (core.sealing): its mask is opened, the number itself never."""
    if number and number.startswith(SEALED_PREFIX):
        from minxin.core import sealing

        return sealing.masked(number, "id_number")
    return mask_id_number_text(number)


def mask_id_number_text(number: str) -> str:
    if not number:
        return ""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def normalize_phone(value: object) -> str:
    """A mainland mobile or fixed-line number in its national form; raise InvalidIdentifier."""
    text = normalize_text(value).replace(" ", "").replace("-", "")
    if not text:
        return ""
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidIdentifier(_("电话号码“%(value)s”无法识别。") % {"value": value}) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidIdentifier(_("电话号码“%(value)s”不是有效的号码。") % {"value": value})
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"\D", "", national) if parsed.country_code == 86 else phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.E164
    )


def mask_phone(phone: str) -> str:
    """13912345678 → 139****5678; a sealed phone's mask is opened (core.sealing)."""
    if phone and phone.startswith(SEALED_PREFIX):
        from minxin.core import sealing

        return sealing.masked(phone, "phone")
    return mask_phone_text(phone)


def mask_phone_text(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
