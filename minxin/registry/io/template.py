"""The columns of the household import template (SPEC §6), in order. Export writes the same."""

from dataclasses import dataclass

from minxin.registry.io.normalize import header_key


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    household: bool = False  # repeated on every member row of the household


COLUMNS = [
    Column("township", "所在乡镇", True, True),
    Column("village", "所在村", True, True),
    Column("group", "村民小组", household=True),
    Column("number", "户编号", True, True),
    Column("name", "姓名", True),
    Column("id_number", "证件号码", True),
    Column("relation", "与户主关系", True),
    Column("ethnicity", "民族"),
    Column("education", "文化程度"),
    Column("school_status", "在校生状况"),
    Column("health", "健康状况"),
    Column("labour", "劳动技能"),
    Column("migrant", "务工状况"),
    Column("migrant_months", "务工时间（月）"),
    Column("dibao", "是否低保"),
    Column("extreme_support", "是否特困供养"),
    Column("disabled", "是否残疾"),
    Column("family_planning", "计生重点帮扶"),
    Column("phone", "联系电话", household=True),
    Column("attribute", "贫困户属性", household=True),
    Column("status", "脱贫状态", household=True),
    Column("main_cause", "主要致贫原因", household=True),
    Column("other_causes", "其他致贫原因", household=True),
    Column("year", "建档立卡年度", household=True),
    Column("helpers", "帮扶责任人", household=True),
    Column("lon", "经度", household=True),
    Column("lat", "纬度", household=True),
]
BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED = [column.key for column in COLUMNS if column.required]
REGISTRATION_KEYS = ("attribute", "status", "main_cause", "other_causes", "year")

# Header text (normalised) → column key. Besides the template's words, a few names the county's
# older sheets use for the same column.
_ALIASES = {
    "身份证号": "id_number", "身份证号码": "id_number", "公民身份号码": "id_number", "证件号": "id_number",
    "乡镇": "township", "乡镇(街道)": "township", "所在乡镇(街道)": "township", "行政村": "village", "村": "village",
    "组": "group", "户号": "number", "户主关系": "relation", "电话": "phone", "手机号码": "phone",
    "务工时间": "migrant_months", "务工时间(月)": "migrant_months", "贫困户属性(类型)": "attribute",
    "建档年度": "year", "帮扶人": "helpers", "帮扶干部": "helpers",
}
HEADER_KEYS = {header_key(column.header): column.key for column in COLUMNS}
HEADER_KEYS.update({header_key(alias): key for alias, key in _ALIASES.items()})


def column_for(header) -> str | None:
    return HEADER_KEYS.get(header_key(header))
