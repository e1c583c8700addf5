"""Property tests: ID numbers and headers survive the ways real sheets mangle them."""

import datetime

from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from minxin.core.identifiers import parse_id_number
from minxin.registry.io.normalize import TRADITIONAL_TO_SIMPLIFIED, clean, header_key, yes_no
from minxin.registry.io.rows import Parser
from minxin.registry.io.template import COLUMNS, column_for

AREAS = ["520627", "522228", "520602", "110101"]
SIMPLIFIED_TO_TRADITIONAL = {v: k for k, v in ((chr(k), v) for k, v in TRADITIONAL_TO_SIMPLIFIED.items())}


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def id_numbers(draw):
    birth = draw(st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2024, 12, 31)))
    body = f"{draw(st.sampled_from(AREAS))}{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check_digit(body + "0")


@given(id_numbers(), st.booleans(), st.booleans(), st.integers(0, 17), st.booleans(), st.text(" \u3000", max_size=3))
def test_id_numbers_survive_real_world_mangling(number, wide, lower, cut, float_suffix, pad):
    text = number.lower() if lower else number
    if wide:
        text = full_width(text)
    text = pad + text[:cut] + " " + text[cut:] + pad
    if float_suffix and number.isdigit():
        text = text.strip() + ".0"
    assert parse_id_number(clean(text)).number == number


@given(id_numbers())
def test_id_number_floats_in_scientific_notation_are_refused_not_guessed(number):
    if not number.isdigit():
        return
    cell = float(number)
    values, failures = Parser().parse_column("id_number", [cell])
    value, error = (None, failures[cell]) if failures else (values[0], None)
    assert value is None and "科学计数法" in error


def _traditional(text: str, mask: int) -> str:
    return "".join(SIMPLIFIED_TO_TRADITIONAL.get(c, c) if (mask >> i) & 1 else c for i, c in enumerate(text))


@given(st.sampled_from(COLUMNS), st.integers(0, 2**16), st.booleans(), st.booleans(), st.text(" \t\u3000", max_size=2))
def test_headers_match_after_trimming_full_width_and_traditional(column, mask, wide, star, pad):
    header = _traditional(column.header, mask)
    if wide:
        header = full_width(header)
    if star:
        header += "*"
    header = pad + " ".join(header) + pad if mask % 3 == 0 else pad + header + pad
    assert column_for(header) == column.key


@given(st.sampled_from(["是", "Y", "y", "yes", "1", "1.0", "true", "√"]), st.text(" ", max_size=2))
def test_yes_variants(word, pad):
    assert yes_no(pad + word + pad) is True


@given(st.sampled_from(["否", "N", "n", "no", "0", "0.0", "false", "×", ""]), st.text(" ", max_size=2))
def test_no_variants(word, pad):
    assert yes_no(pad + word + pad) is False


def test_header_keys_are_distinct():
    assert len({header_key(c.header) for c in COLUMNS}) == len(COLUMNS)
