"""Households, their members, helpers and care overrides (SPEC §4.2, 一户一表)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet
from minxin.core.sealedfields import LookupField, SealedField
from minxin.registry import choices


class Household(TimeStampedModel):
    """户. `village` is a FK to Region whose column holds the 12-digit code, so scoping is a prefix
    match with no join.

    The columns under "derived" are recomputed from the members by `registry.derive` whenever a
    service (or the importer) changes them: they make the list filters and the pinyin search cheap
    at county scale (170,000 households, 600,000 people) instead of an EXISTS over members.
    """

    scope_field = "village__code"

    village = models.ForeignKey("regions.Region", verbose_name=_("所在村"), on_delete=models.PROTECT,
                                related_name="households_registered", db_index=False)  # see Meta
    number = models.CharField(_("户编号"), max_length=32)  # unique: see Meta
    group = models.CharField(_("村民小组"), max_length=32, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    phone = SealedField(_("联系电话"), blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Optimistic locking: a save names the version it was based on (see services.household_update).
    version = models.PositiveIntegerField(_("版本"), default=1)

    # --- derived from the members -----------------------------------------------------------
    head_name = models.CharField(_("户主"), max_length=64, blank=True)
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    search_key = models.CharField(max_length=1000, blank=True, editable=False)
    member_count = models.PositiveSmallIntegerField(_("人口"), default=0)
    has_dibao = models.BooleanField(_("低保"), default=False)
    has_extreme = models.BooleanField(_("特困供养"), default=False)
    has_disabled = models.BooleanField(_("残疾"), default=False)
    has_family_planning = models.BooleanField(_("计生重点帮扶"), default=False)
    # Care categories: the derived value unless a CareOverride says otherwise.
    care_child = models.BooleanField(_("留守儿童"), default=False)
    care_elderly = models.BooleanField(_("留守老人/空巢老人"), default=False)
    care_women = models.BooleanField(_("留守妇女"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["name_pinyin", "id"]
        # Indexes in Meta, one per need: a field's db_index (or unique=True) adds a plain and a
        # LIKE-pattern index on PostgreSQL, and every import maintains both. The village is
        # filtered by equality and by a range of codes (the scope, core.figures.within): one plain
        # index serves both, and a county's households cost the same however many counties the
        # table holds; a village's few hundred households are sorted after it.
        # The household number is unique; it is searched only beside the search key's scan.
        constraints = [models.UniqueConstraint(fields=["number"], name="household_unique_number")]
        indexes = [models.Index(fields=["village"], name="household_village"),
                   models.Index(fields=["name_pinyin"], name="household_name_pinyin")]

    def __str__(self) -> str:
        return f"{self.number} {self.head_name}"

    @property
    def village_code(self) -> str:
        return self.village_id


class Member(TimeStampedModel):
    """家庭成员. One person is one record across the county (the ID number is unique); sex and birth
    date are read from the ID number, never typed."""

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    scope_field = "village_code"

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="members")
    # Scoping filters on it, but members are always reached through their household (or by pk),
    # so it carries no index of its own: one index fewer to maintain on a 600,000-row import.
    village_code = models.CharField(_("所在村"), max_length=12)
    name = models.CharField(_("姓名"), max_length=64)
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    # Sealed (core.sealing): found by its digests, unique by the whole number's (see Meta).
    id_number = SealedField(_("证件号码"), kind="id_number")
    id_number_hash = LookupField(source="id_number")
    id_number_tail = LookupField(source="id_number", part="tail")
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    relation = models.CharField(_("与户主关系"), max_length=16, choices=choices.Relation.choices)
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True)
    education = models.CharField(_("文化程度"), max_length=16, choices=choices.Education.choices, blank=True)
    school_status = models.CharField(_("在校生状况"), max_length=24, choices=choices.SchoolStatus.choices,
                                     blank=True)
    health = models.CharField(_("健康状况"), max_length=16, choices=choices.Health.choices, blank=True)
    labour = models.CharField(_("劳动技能"), max_length=16, choices=choices.Labour.choices, blank=True)
    migrant = models.CharField(_("务工状况"), max_length=16, choices=choices.Migrant.choices, blank=True)
    migrant_months = models.PositiveSmallIntegerField(_("务工时间（月）"), null=True, blank=True)
    medical_insurance = models.BooleanField(_("参加基本医疗保险"), default=False)
    pension_insurance = models.BooleanField(_("参加基本养老保险"), default=False)
    dibao = models.BooleanField(_("低保"), default=False)
    extreme_support = models.BooleanField(_("特困供养/五保"), default=False)
    disabled = models.BooleanField(_("残疾"), default=False)
    family_planning = models.BooleanField(_("计生重点帮扶"), default=False)
    party_member = models.BooleanField(_("中共党员"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "id"]
        constraints = [
            # A constraint rather than unique=True, which would add an unused LIKE-pattern index on
            # PostgreSQL.
            models.UniqueConstraint(fields=["id_number_hash"], name="member_unique_id_number"),
            models.UniqueConstraint(fields=["household"], condition=Q(relation="head"), name="member_one_head"),
            models.CheckConstraint(condition=Q(migrant_months__isnull=True) | Q(migrant_months__lte=12),
                                   name="member_migrant_months_max_12"),
        ]
        indexes = [models.Index(fields=["id_number_tail"], name="member_id_tail")]

    def __str__(self) -> str:
        return self.name


class Helper(models.Model):
    """帮扶责任人 of a household: a resident cadre or a sending unit's staff member (linked, so a
    unit's pairing is countable), or a typed name only when the helper is neither."""

    scope_field = "household__village__code"

    # No index of its own: the unique (household, name) constraint's index leads with it.
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="helpers",
                                  db_index=False)
    name = models.CharField(_("帮扶责任人"), max_length=64)
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("驻村干部"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="paired_households")
    staff = models.ForeignKey("cadres.UnitStaff", verbose_name=_("单位帮扶干部"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="paired_households")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶责任人")
        verbose_name_plural = _("帮扶责任人")
        ordering = ["household", "id"]
        constraints = [models.UniqueConstraint(fields=["household", "name"], name="helper_unique_name")]

    def __str__(self) -> str:
        return self.name


class CareOverride(models.Model):
    """A person's decision that a derived care category is wrong for this household, with why."""

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE,
                                  related_name="care_overrides")
    category = models.CharField(_("关爱类别"), max_length=16, choices=choices.Care.choices)
    value = models.BooleanField(_("属于该类别"))
    reason = models.CharField(_("理由"), max_length=500)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("认定人"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("认定时间"), auto_now=True)

    class Meta:
        verbose_name = _("关爱类别认定")
        verbose_name_plural = _("关爱类别认定")
        constraints = [models.UniqueConstraint(fields=["household", "category"], name="care_override_unique")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.category}={self.value}"
