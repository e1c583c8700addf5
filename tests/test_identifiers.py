"""ID numbers (GB 11643) and phone numbers: minxin/core/identifiers.py."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from minxin.core.identifiers import (
    InvalidIdentifier,
    mask_id_number,
    mask_phone,
    normalize_phone,
    parse_id_number,
)

TODAY = datetime.date(2026, 6, 1)


def make(area: str, birth: str, seq: str) -> str:
    """An ID number with a correct check digit, computed here from the standard's weights."""
    body = f"{area}{birth}{seq}"
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def test_check_digit_helper_agrees_with_stdnum():
    number = make("520627", "19950312", "123")
    assert ric.calc_check_digit(number) == number[-1]


# --- the SPEC §4.2 trap: both the old and the new county code are real -----------------------

def test_1950_born_with_old_county_code_522228_is_valid():
    number = make("522228", "19500101", "013")
    person = parse_id_number(number, today=TODAY)
    assert person.number == number
    assert person.area_code == "522228"
    assert person.birth_date == datetime.date(1950, 1, 1)
    assert person.sex == "M"  # 17th digit 3 is odd


def test_1995_born_with_new_county_code_520627_is_valid():
    number = make("520627", "19951120", "024")
    person = parse_id_number(number, today=TODAY)
    assert person.area_code == "520627"
    assert person.birth_date == datetime.date(1995, 11, 20)
    assert person.sex == "F"  # 17th digit 4 is even


def test_stdnum_validate_would_reject_the_real_1995_number():
    """Why we do not use stdnum's validate: it ties 520627 to birth years after 2011 (issue #442)."""
    from stdnum.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ric.validate(make("520627", "19951120", "024"))


# --- rejections --------------------------------------------------------------------------------

def test_wrong_check_digit():
    number = make("520627", "19900101", "123")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(InvalidIdentifier, match="校验码"):
        parse_id_number(wrong, today=TODAY)


def test_impossible_birth_date():
    with pytest.raises(InvalidIdentifier, match="19990230"):
        parse_id_number(make("520627", "19990230", "123"), today=TODAY)


def test_future_birth_date():
    with pytest.raises(InvalidIdentifier, match="出生日期"):
        parse_id_number(make("520627", "20260602", "123"), today=TODAY)
    # the day itself is fine
    assert parse_id_number(make("520627", "20260601", "123"), today=TODAY).birth_date == TODAY


def test_unknown_area_code():
    with pytest.raises(InvalidIdentifier, match="999999"):
        parse_id_number(make("999999", "19900101", "123"), today=TODAY)


def test_legacy_15_digit_number_asks_for_18_digits():
    with pytest.raises(InvalidIdentifier, match="18 位"):
        parse_id_number("522228500101013", today=TODAY)


@pytest.mark.parametrize("value", ["", "   ", "52062719900101", "5206271990010112345", "52062719900101ABCD"])
def test_wrong_length_or_characters(value):
    with pytest.raises(InvalidIdentifier):
        parse_id_number(value, today=TODAY)


def test_x_only_allowed_last():
    with pytest.raises(InvalidIdentifier):
        parse_id_number("52062X199001011234", today=TODAY)


def test_non_latin_digits_are_not_accepted():
    number = make("520627", "19900101", "123")
    arabic = "".join(chr(0x0660 + int(d)) if d.isdigit() else d for d in number)
    with pytest.raises(InvalidIdentifier, match="只能由数字"):
        parse_id_number(arabic, today=TODAY)


# --- normalisation -----------------------------------------------------------------------------

def _find_x_number():
    for seq in range(1000):
        number = make("520627", "19880808", f"{seq:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit in 1000 tries")


def test_lowercase_x_is_normalised():
    number = _find_x_number()
    assert parse_id_number(number.lower(), today=TODAY).number == number


def test_full_width_digits_and_spaces_are_normalised():
    number = make("522228", "19620315", "456")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert parse_id_number(f"　{full_width}　", today=TODAY).number == number
    assert parse_id_number(f"{number[:6]} {number[6:14]} {number[14:]}", today=TODAY).number == number


def test_float_formatted_number_keeping_all_digits():
    number = make("520627", "19900101", "123")
    if number.endswith("X"):
        number = make("520627", "19900101", "125")
    assert parse_id_number(f"{number}.0", today=TODAY).number == number


def test_scientific_notation_is_refused_with_an_explanation():
    with pytest.raises(InvalidIdentifier, match="科学计数法"):
        parse_id_number(5.20627199001011e17, today=TODAY)
    with pytest.raises(InvalidIdentifier, match="科学计数法"):
        parse_id_number("5.20627199001011E+17", today=TODAY)


# --- masking -----------------------------------------------------------------------------------

def test_mask_id_number_keeps_area_and_last_four():
    number = make("520627", "19900101", "123")
    masked = mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[-4:]
    assert number[6:14] not in masked
    assert mask_id_number("") == ""
    assert "1234" not in mask_id_number("1234")


def test_mask_phone():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("") == ""
    assert "12345" not in mask_phone("12345")


# --- phones ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("13912345678", "13912345678"),
    ("139 1234 5678", "13912345678"),
    ("+86 139-1234-5678", "13912345678"),
    ("１３９１２３４５６７８", "13912345678"),
    ("13912345678.0", "13912345678"),
    ("0856-8221234", "08568221234"),  # Tongren fixed line
    ("", ""),
])
def test_valid_phones(value, expected):
    assert normalize_phone(value) == expected


@pytest.mark.parametrize("value", ["12345", "1391234567", "139123456789", "abc", "10086x"])
def test_invalid_phones(value):
    with pytest.raises(InvalidIdentifier):
        normalize_phone(value)


# --- properties --------------------------------------------------------------------------------

AREAS = ["520627", "522228", "520602", "520624", "110101", "440305"]
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
valid_numbers = st.builds(
    lambda area, birth, seq: make(area, f"{birth:%Y%m%d}", f"{seq:03d}"),
    st.sampled_from(AREAS), births, st.integers(0, 999),
)


@given(valid_numbers)
def test_any_valid_number_parses(number):
    person = parse_id_number(number, today=TODAY)
    assert person.number == number
    assert f"{person.birth_date:%Y%m%d}" == number[6:14]
    assert person.sex == ("M" if int(number[16]) % 2 else "F")


@given(valid_numbers, st.integers(0, 17), st.integers(1, 10))
def test_changing_any_single_character_is_rejected(number, position, shift):
    alphabet = "0123456789X" if position == 17 else "0123456789"
    current = alphabet.index(number[position])
    shift = shift % (len(alphabet) - 1) + 1  # never a full turn back to the same character
    changed = number[:position] + alphabet[(current + shift) % len(alphabet)] + number[position + 1:]
    assert changed != number
    with pytest.raises(InvalidIdentifier):
        parse_id_number(changed, today=TODAY)
