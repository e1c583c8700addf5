"""Regions: the administrative division tree, keyed by the 12-digit code."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.core.scoping import ScopedQuerySet
from minxin.regions import codes


class RegionQuerySet(ScopedQuerySet):
    def villages(self):
        return self.filter(level=codes.VILLAGE)

    def townships(self):
        return self.filter(level=codes.TOWNSHIP)


class Region(models.Model):
    """A province, prefecture, county, township (乡镇/街道) or village (村/居委会).

    The primary key is the 12-digit code, so every village-level record stores the code itself in
    its foreign key column and scoping is a prefix match with no join.
    """

    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", _("街道")
        TOWN = "town", _("镇")
        TOWNSHIP = "township", _("乡")
        COMMUNITY = "community", _("社区（居委会）")
        VILLAGE = "village", _("村（村委会）")
        OTHER = "other", _("其他")

    class Terrain(models.TextChoices):
        MOUNTAIN = "mountain", _("山区")
        HILL = "hill", _("丘陵")
        FLAT = "flat", _("坝区")

    scope_field = "code"

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(
        _("层级"), max_length=16, choices=[(level, codes.LEVEL_LABELS[level]) for level in codes.LEVELS],
        db_index=True,
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Facts used for fair comparison between villages (SPEC §2); meaningful for villages.
    is_poor = models.BooleanField(_("贫困村"), default=False)
    terrain = models.CharField(_("地形"), max_length=16, choices=Terrain.choices, blank=True)
    distance_km = models.DecimalField(
        _("距乡镇驻地（公里）"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    population = models.PositiveIntegerField(_("人口"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return codes.prefix_of(self.code)

    @property
    def level_label(self) -> str:
        return codes.LEVEL_LABELS[self.level]

    def full_name(self) -> str:
        """E.g. 沿河土家族自治县 土地坳镇 五七村."""
        names, region = [], self
        while region is not None and region.level != codes.PREFECTURE and region.level != codes.PROVINCE:
            names.append(region.name)
            region = region.parent
        return " ".join(reversed(names))
