"""The registry's fixed vocabularies (SPEC §4.2, §6).

Codes are English; labels are the Chinese words of the county's sheets (the source language), so the
importer can map a cell's text back to a code with `code_for(...)`.
"""

from functools import lru_cache

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    DAUGHTER_IN_LAW = "daughter_in_law", _("之儿媳")
    SON_IN_LAW = "son_in_law", _("之女婿")
    GRANDSON = "grandson", _("之孙子")
    GRANDDAUGHTER = "granddaughter", _("之孙女")
    DAUGHTERS_CHILD = "daughters_child", _("之外孙子女")
    PARENT = "parent", _("之父母")
    GRANDPARENT = "grandparent", _("之祖父母")
    SIBLING = "sibling", _("之兄弟姐妹")
    OTHER = "other", _("其他")


# Head first, then the generations in the order the county's forms list them.
RELATION_ORDER = {code: index for index, code in enumerate(Relation.values)}


class Education(models.TextChoices):
    PRESCHOOL = "preschool", _("学龄前儿童")
    ILLITERATE = "illiterate", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专")
    COLLEGE = "college", _("大专及以上")


class SchoolStatus(models.TextChoices):
    NONE = "none", _("非在校生")
    PRESCHOOL = "preschool", _("学前教育")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中职")
    HIGHER_VOCATIONAL = "higher_vocational", _("高职")
    COLLEGE = "college", _("大专及以上")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("患有大病")
    DISABLED = "disabled", _("残疾")


class Labour(models.TextChoices):
    ORDINARY = "ordinary", _("普通劳动力")
    SKILLED = "skilled", _("技能劳动力")
    WEAK = "weak", _("弱劳动力或半劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")


class Migrant(models.TextChoices):
    """务工状况. Working outside the county is "away" for the care rules (留守)."""

    NONE = "none", _("未务工")
    TOWNSHIP = "township", _("乡镇内务工")
    COUNTY = "county", _("县内务工")
    PROVINCE = "province", _("县外省内务工")
    OUTSIDE = "outside", _("省外务工")


AWAY = {Migrant.PROVINCE, Migrant.OUTSIDE}


class Attribute(models.TextChoices):
    GENERAL = "general", _("一般贫困户")
    DIBAO = "dibao", _("低保贫困户")
    EXTREME = "extreme", _("特困供养贫困户")


class Status(models.TextChoices):
    NOT_EXITED = "not_exited", _("未脱贫")
    EXITED = "exited", _("已脱贫")
    RETURNED = "returned", _("返贫")
    MONITORED = "monitored", _("监测户")
    CANCELLED = "cancelled", _("注销")


# Still poor, for the village's poverty incidence (贫困发生率).
POOR_STATUSES = {Status.NOT_EXITED, Status.RETURNED}
# A household whose registration still counts as 建档立卡 (a cancelled one, 注销, no longer does): the
# dashboard's figures and the village file count with this one definition.
REGISTERED = Q(registration__isnull=False) & ~Q(registration__status=Status.CANCELLED)


class Cause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    EDUCATION = "education", _("因学")
    DISASTER = "disaster", _("因灾")
    LAND = "land", _("缺土地")
    WATER = "water", _("缺水")
    SKILLS = "skills", _("缺技术")
    LABOUR = "labour", _("缺劳力")
    CAPITAL = "capital", _("缺资金")
    TRANSPORT = "transport", _("交通条件落后")
    MOTIVATION = "motivation", _("自身发展动力不足")
    OTHER = "other", _("其他")


class Check(models.TextChoices):
    """One item of 两不愁三保障 (plus safe drinking water)."""

    UNKNOWN = "", _("未核查")
    MET = "met", _("已保障")
    GAP = "gap", _("未保障")
    NA = "na", _("不涉及")


CHECK_ITEMS = [
    ("food", _("不愁吃")),
    ("clothing", _("不愁穿")),
    ("education", _("义务教育有保障")),
    ("medical", _("基本医疗有保障")),
    ("housing", _("住房安全有保障")),
    ("water", _("饮水安全有保障")),
]


class Care(models.TextChoices):
    CHILD = "child", _("留守儿童")
    ELDERLY = "elderly", _("留守老人/空巢老人")
    WOMEN = "women", _("留守妇女")


# Household tags (list filter, API `tag=`): flag column on Household → label.
TAGS = {
    "dibao": ("has_dibao", _("低保")),
    "extreme": ("has_extreme", _("特困供养")),
    "disabled": ("has_disabled", _("残疾")),
    "family_planning": ("has_family_planning", _("计生重点帮扶")),
    "care_child": ("care_child", _("留守儿童")),
    "care_elderly": ("care_elderly", _("留守老人/空巢老人")),
    "care_women": ("care_women", _("留守妇女")),
}


@lru_cache(maxsize=32)
def _label_map(choices_cls) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices_cls.choices}


def code_for(choices_cls, label: str) -> str | None:
    """The code whose Chinese label is `label` (already normalised), or None."""
    return _label_map(choices_cls).get(label)


def labels_of(choices_cls) -> list[str]:
    return [label for label in _label_map(choices_cls) if label]
