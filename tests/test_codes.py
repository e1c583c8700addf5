"""Region codes (minxin/regions/codes.py): normalising, levels, prefixes, parents, kinds."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minxin.regions import codes
from minxin.regions.codes import InvalidRegionCode


@pytest.mark.parametrize(("text", "expected"), [
    ("52", "520000000000"),
    ("5206", "520600000000"),
    ("520627", "520627000000"),
    ("520627106", "520627106000"),
    ("520627106201", "520627106201"),
    (" 520627106 ", "520627106000"),
    ("５２０６２７", "520627000000"),  # full-width digits typed on a Chinese keyboard
])
def test_normalize_code_accepts_whole_codes_and_prefixes(text, expected):
    assert codes.normalize_code(text) == expected


@pytest.mark.parametrize("text", [
    "", "   ", None, "5", "520", "52062", "5206271", "52062710", "5206271062", "52062710620",
    "5206271062011", "52062a", "520627-106", "00", "000000", "٥٢٠٦٢٧",  # Arabic-Indic digits
    "520627000201",  # a village under no township
    "520027000000",  # a county under no prefecture
    "520600106000",  # a township under no county
])
def test_normalize_code_rejects_malformed(text):
    with pytest.raises(InvalidRegionCode):
        codes.normalize_code(text)


def test_malformed_message_names_the_input():
    with pytest.raises(InvalidRegionCode, match="52062a"):
        codes.normalize_code("52062a")


@pytest.mark.parametrize(("code", "level", "prefix", "parent"), [
    ("520000000000", codes.PROVINCE, "52", None),
    ("520600000000", codes.PREFECTURE, "5206", "520000000000"),
    ("520627000000", codes.COUNTY, "520627", "520600000000"),
    ("520627106000", codes.TOWNSHIP, "520627106", "520627000000"),
    ("520627106201", codes.VILLAGE, "520627106201", "520627106000"),
])
def test_level_prefix_parent(code, level, prefix, parent):
    assert codes.level_of(code) == level
    assert codes.prefix_of(code) == prefix
    assert codes.parent_code(code) == parent


@pytest.mark.parametrize(("code", "kind"), [
    ("520627001000", "subdistrict"),  # 团结街道
    ("520627004000", "subdistrict"),  # 祐溪街道
    ("520627101000", "town"),  # 黑水镇
    ("520627117000", "town"),  # 塘坝镇
    ("520627203000", "township"),  # 晓景乡
    ("520627211000", "township"),  # 后坪乡
])
def test_township_kind(code, kind):
    assert codes.township_kind(code) == kind


@pytest.mark.parametrize(("code", "kind"), [
    ("520627001001", "community"),
    ("520627001199", "community"),
    ("520627106200", "village"),
    ("520627203201", "village"),
    ("520627106399", "village"),
])
def test_village_kind(code, kind):
    assert codes.village_kind(code) == kind


def test_is_within():
    assert codes.is_within("520627106201", "520627106")
    assert not codes.is_within("520627105201", "520627106")


def test_seeded_townships_have_the_right_kinds(db):
    from minxin.regions.models import Region
    from minxin.regions.services import region_seed_county

    region_seed_county()
    assert Region.objects.get(code="520627001000").kind == Region.Kind.SUBDISTRICT
    assert Region.objects.get(code="520627001000").name == "团结街道"
    assert Region.objects.get(code="520627203000").kind == Region.Kind.TOWNSHIP
    assert Region.objects.get(code="520627203000").name == "晓景乡"
    assert Region.objects.get(code="520627106000").kind == Region.Kind.TOWN
    assert Region.objects.townships().filter(parent_id="520627000000").count() == 23
    region_seed_county()  # safe to run again
    assert Region.objects.townships().count() == 23


# --- properties --------------------------------------------------------------------------------

def _digits(n, low=1):
    return st.integers(min_value=low, max_value=10**n - 1).map(lambda v: f"{v:0{n}d}")


# Well-formed codes at every level: each non-zero group sits under non-zero groups above it.
provinces = _digits(2, 11)
well_formed = st.one_of(
    provinces.map(lambda p: p + "0" * 10),
    st.tuples(provinces, _digits(2)).map(lambda t: "".join(t) + "0" * 8),
    st.tuples(provinces, _digits(2), _digits(2)).map(lambda t: "".join(t) + "0" * 6),
    st.tuples(provinces, _digits(2), _digits(2), _digits(3)).map(lambda t: "".join(t) + "000"),
    st.tuples(provinces, _digits(2), _digits(2), _digits(3), _digits(3)).map("".join),
)


@given(well_formed)
def test_prefix_round_trip(code):
    prefix = codes.prefix_of(code)
    assert codes.normalize_code(prefix) == code
    assert codes.normalize_code(code) == code
    assert code.startswith(prefix)


@given(well_formed)
def test_parent_contains_child(code):
    parent = codes.parent_code(code)
    if parent is None:
        assert codes.level_of(code) == codes.PROVINCE
        return
    assert codes.LEVELS.index(codes.level_of(parent)) == codes.LEVELS.index(codes.level_of(code)) - 1
    assert code.startswith(codes.prefix_of(parent))
    assert codes.normalize_code(parent) == parent


@given(st.text(max_size=14))
def test_normalize_code_never_returns_garbage(text):
    try:
        code = codes.normalize_code(text)
    except InvalidRegionCode:
        return
    assert len(code) == 12 and code.isascii() and code.isdigit()
    assert codes.normalize_code(code) == code


def test_county_code_takes_a_county_whole_or_as_its_prefix_and_nothing_else():
    assert codes.county_code("520627") == codes.county_code("５２０６２７") == "520627000000"
    assert codes.county_code("520627000000") == "520627000000"
    for text in ("5206", "520627106", "520627106201", "52062x", "", "520627\x00"):
        with pytest.raises(codes.InvalidRegionCode):
            codes.county_code(text)


@pytest.mark.parametrize(("given", "expected"), [
    (["520627106201"], "520627106201"),
    (["520627106201", "520627106202"], "520627106000"),
    (["520627106201", "520627001001"], "520627000000"),
    (["520627106201", "520627000000"], "520627000000"),
    (["520627106201", "520628101201"], "520600000000"),
    (["520627106201", "530102001001"], None),
    ([], None),
])
def test_the_smallest_region_holding_codes(given, expected):
    assert codes.enclosing(given) == expected
