"""The Yanhe county tree (SPEC §2): the county above it and its 23 township-level units."""

PROVINCE = ("520000000000", "贵州省")
PREFECTURE = ("520600000000", "铜仁市")
COUNTY = ("520627000000", "沿河土家族自治县")
# Former code of the county, valid in ID numbers first issued before 2011 (SPEC §4.2 note).
HISTORIC_COUNTY_CODES = {"522228": "沿河土家族自治县（2011 年前，铜仁地区）"}

TOWNSHIPS = [
    ("001", "团结街道"), ("002", "和平街道"), ("003", "沙子街道"), ("004", "祐溪街道"),
    ("101", "黑水镇"), ("102", "谯家镇"), ("103", "夹石镇"), ("104", "淇滩镇"), ("105", "官舟镇"),
    ("106", "土地坳镇"), ("107", "思渠镇"), ("108", "客田镇"), ("109", "洪渡镇"), ("110", "中界镇"),
    ("111", "甘溪镇"), ("112", "板场镇"), ("113", "泉坝镇"), ("114", "中寨镇"), ("115", "黄土镇"),
    ("116", "新景镇"), ("117", "塘坝镇"),
    ("203", "晓景乡"), ("211", "后坪乡"),
]


def township_code(digits: str) -> str:
    return f"520627{digits}000"
