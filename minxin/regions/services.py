"""Writes to the region tree."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from minxin.core.audit import audit_record, changed_fields, locked, snapshot
from minxin.core.errors import DomainError
from minxin.core.guards import check_model, require, require_scope
from minxin.core.types import Actor
from minxin.regions import codes, data
from minxin.regions.models import Region
from minxin.regions.permissions import MANAGE_REGIONS

VILLAGE_FACTS = ("name", "is_poor", "terrain", "distance_km", "households", "population")


def region_kind(code: str) -> str:
    """A township's or village's kind, read from its digits (codes.township_kind, village_kind: the
    same words as Region.Kind); other levels have none."""
    level = codes.level_of(code)
    if level == codes.TOWNSHIP:
        return codes.township_kind(code)
    if level == codes.VILLAGE:
        return codes.village_kind(code)
    return Region.Kind.OTHER


@transaction.atomic
def region_seed_county(county: tuple[str, str] = data.COUNTY, townships: list[tuple[str, str]] | None = None) -> Region:
    """Create (or leave as they are) the province, the prefecture, a county of it and its townships:
    by default Yanhe and its 23; `townships` are (three digits, name) pairs.

    Logged once (`region.seed`, with what was created) when anything was missing.
    """
    created = []

    def ensure(code: str, name: str, level: str, parent: Region | None, **extra: str) -> Region:
        region, new = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent, **extra})
        created.extend([code] if new else [])
        return region

    province = ensure(*data.PROVINCE, codes.PROVINCE, None)
    prefecture = ensure(*data.PREFECTURE, codes.PREFECTURE, province)
    region = ensure(*county, codes.COUNTY, prefecture)
    for digits, name in data.TOWNSHIPS if townships is None else townships:
        code = f"{region.prefix}{digits}000"
        ensure(code, name, codes.TOWNSHIP, region, kind=region_kind(code))
    if created:
        audit_record(actor=None, action="region.seed", object_type="regions.region", object_repr=region.name,
                     region_code=region.code, after={"created": len(created), "codes": created})
    return region


@transaction.atomic
def village_create(
    *, actor: Actor | None, code: str, name: str, is_poor: bool = False, terrain: str = "",
    distance_km: Decimal | None = None, households: int | None = None, population: int | None = None,
) -> Region:
    """Add a village (村/居委会) under its township; the code must be a village-level code."""
    require(actor, MANAGE_REGIONS)
    try:
        code = codes.normalize_code(code)
    except codes.InvalidRegionCode as exc:
        raise DomainError("invalid_code", str(exc), field="code") from None
    if codes.level_of(code) != codes.VILLAGE:
        raise DomainError("not_a_village", _("区划代码 %(code)s 不是村级代码（后三位应为 001–399）。") % {"code": code}, field="code")
    if Region.objects.filter(code=code).exists():
        raise DomainError("duplicate_code", _("区划代码 %(code)s 已存在。") % {"code": code}, field="code")
    township = Region.objects.filter(code=codes.parent_code(code), level=codes.TOWNSHIP).first()
    if township is None:
        raise DomainError("unknown_parent", _("区划代码 %(code)s 所属的乡镇不存在。") % {"code": code}, field="code")
    require_scope(actor, township.code, field="code")
    village = Region.objects.create(
        code=code, name=name, level=codes.VILLAGE, parent=township,
        kind=region_kind(code),
        is_poor=is_poor, terrain=terrain, distance_km=distance_km, households=households, population=population,
    )
    audit_record(actor=actor, action="region.create", obj=village, region_code=code, after=snapshot(village))
    return village


@transaction.atomic
def village_update(*, actor: Actor | None, village: Region, **facts: Any) -> Region:
    """Change a village's facts (name, poor-village status, terrain, distance, size)."""
    unknown = set(facts) - set(VILLAGE_FACTS)
    if unknown:
        raise TypeError(f"village_update got unexpected fields {sorted(unknown)}")
    require(actor, MANAGE_REGIONS)
    require_scope(actor, village.code)
    village = locked(village)
    before = snapshot(village)
    for name, value in facts.items():
        setattr(village, name, value)
    check_model(village)
    village.save()
    old, new = changed_fields(before, snapshot(village))
    if new:
        audit_record(
            actor=actor, action="region.update", obj=village, region_code=village.code, before=old, after=new
        )
    return village
