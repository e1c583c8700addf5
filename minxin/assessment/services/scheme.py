"""Writes of the county's assessment scheme: every change is a new version."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.assessment import indicators as registry
from minxin.assessment.models import Scheme, SchemeWeight
from minxin.assessment.models.scheme import MAX_STEP, MAX_TARGET
from minxin.assessment.services.common import assessed_county
from minxin.core.audit import audit_record
from minxin.core.errors import DomainError
from minxin.core.guards import require

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def default_weights() -> dict[str, dict]:
    """The registered indicators' default weights, scaled to add up to 100 (whole points, largest
    remainder) whatever modules are installed."""
    inds = registry.registered()
    total = sum((i.default_weight for i in inds), Decimal(0)) or Decimal(1)
    exact = {i.code: i.default_weight * HUNDRED / total for i in inds}
    floors = {code: int(value) for code, value in exact.items()}
    short = 100 - sum(floors.values())
    for code in sorted(exact, key=lambda c: exact[c] - floors[c], reverse=True)[:short]:
        floors[code] += 1
    return {i.code: {"weight": Decimal(floors[i.code]), "target": i.default_target, "step": i.default_step}
            for i in inds}


def _decimal(value: Any, *, code: str, key: str, name: str, maximum: Decimal) -> Decimal:
    """The number of the form field `<code>-<key>` (named `name` in messages), from 0 to `maximum`."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("invalid_number", _("指标 %(code)s 的%(name)s不是有效数字：%(value)s")
                          % {"code": code, "name": name, "value": value}, field=f"{code}-{key}") from None
    if not number.is_finite() or number < 0:
        raise DomainError("invalid_number", _("指标 %(code)s 的%(name)s不能为负数。") % {"code": code, "name": name},
                          field=f"{code}-{key}")
    if number > maximum:
        raise DomainError("invalid_number", _("指标 %(code)s 的%(name)s不能超过 %(max)s。")
                          % {"code": code, "name": name, "max": maximum}, field=f"{code}-{key}")
    return number.quantize(CENT)


def _check_rules(rules: dict) -> None:
    def bad(message: Any, field: str) -> None:
        raise DomainError("invalid_rule", message, field=field)

    for name in ("terrain_mountain", "terrain_hill", "terrain_flat", "size_cap"):
        if name in rules and not Decimal("0.5") <= Decimal(rules[name]) <= Decimal(2):
            bad(_("系数应在 0.5 到 2 之间。"), name)
    if "excellent_cap_pct" in rules and not 0 <= int(rules["excellent_cap_pct"]) <= 100:
        bad(_("优秀比例上限应在 0 到 100 之间。"), "excellent_cap_pct")
    if "appeal_days" in rules and int(rules["appeal_days"]) < 1:
        bad(_("申诉期限至少 1 天。"), "appeal_days")
    for name in ("commend_min", "criticise_below"):
        if name in rules and not Decimal(0) <= Decimal(rules[name]) <= HUNDRED:
            bad(_("分数应在 0 到 100 之间。"), name)
    for name in ("commend_top", "criticise_max", "remind_bottom"):
        if name in rules and not 0 <= int(rules[name]) <= 1000:
            bad(_("人数应在 0 到 1000 之间。"), name)
    defaults = {field.name: field.default for field in Scheme._meta.concrete_fields}
    merged: dict[str, Any] = {name: rules.get(name, defaults[name]) for name in Scheme.RULE_FIELDS}
    if not merged["excellent_min"] >= merged["competent_min"] >= merged["basic_min"]:
        bad(_("分数线应满足：优秀 ≥ 称职 ≥ 基本称职。"), "excellent_min")
    parts = merged["annual_quarters_pct"] + merged["annual_pledge_pct"] + merged["annual_supervision_pct"]
    if parts != 100:
        bad(_("年度综合得分的三部分占比合计应为 100%%，现为 %(sum)s%%。") % {"sum": parts}, "annual_quarters_pct")


    try:
        datetime.date(2024, int(merged["pledge_due_month"]), int(merged["pledge_due_day"]))
    except ValueError:
        bad(_("承诺提交截止日期无效。"), "pledge_due_day")


@transaction.atomic
def scheme_save(*, actor: User | None, weights: dict[str, dict], rules: dict | None = None, note: str = "",
                county_code: str | None = None) -> Scheme:
    """Save a new version of the county's scheme. Weights must add up to exactly 100; every
    indicator code must be registered. Published periods keep the version they were computed with."""
    require(actor, roles.CONFIGURE_ASSESSMENT)
    county = assessed_county(actor, county_code)
    rules = dict(rules or {})
    unknown = sorted(set(weights) - set(registry.INDICATORS))
    if unknown:
        raise DomainError("unknown_indicator", _("未知指标：%(codes)s") % {"codes": "、".join(unknown)})
    clean = {}
    for code, values in weights.items():
        weight = _decimal(values.get("weight", 0), code=code, key="weight", name=_("权重"), maximum=HUNDRED)
        indicator = registry.INDICATORS[code]
        target = _decimal(values.get("target", indicator.default_target), code=code, key="target", name=_("目标值"),
                          maximum=MAX_TARGET)
        step = _decimal(values.get("step", indicator.default_step), code=code, key="step", name=_("扣分"),
                        maximum=MAX_STEP)
        clean[code] = (weight, target, step)
    total = sum((w for w, _t, _s in clean.values()), Decimal(0))
    if total != HUNDRED:
        raise DomainError("weights_sum", _("各项指标权重合计应为 100，现为 %(total)s；未保存。")
                          % {"total": total.normalize()}, field="weights",
                          details=[{"field": "weights", "sum": str(total)}])
    _check_rules(rules)
    versions = Scheme.objects.filter(county_code=county)
    previous = versions.select_for_update().order_by("-version").first()
    base = {name: getattr(previous, name) for name in Scheme.RULE_FIELDS} if previous else {}
    base.update({name: value for name, value in rules.items() if name in Scheme.RULE_FIELDS})
    version = (versions.aggregate(v=Max("version"))["v"] or 0) + 1
    scheme = Scheme.objects.create(county_code=county, version=version, note=note.strip()[:500], created_by=actor,
                                   **base)
    SchemeWeight.objects.bulk_create([
        SchemeWeight(scheme=scheme, indicator=code, weight=w, target=t, step=s) for code, (w, t, s) in clean.items()
    ])
    audit_record(actor=actor, action="scheme.save", obj=scheme, region_code=county,
                 after={"version": version, "note": scheme.note,
                        "weights": {code: str(w) for code, (w, _t, _s) in clean.items()}})
    return scheme


def scheme_ensure(*, actor: User | None, county_code: str | None = None) -> Scheme:
    """The county's current scheme; its first run saves the registered defaults as version 1."""
    county = assessed_county(actor, county_code)
    current = Scheme.objects.filter(county_code=county).order_by("-version").first()
    if current is not None:
        return current
    return _save_defaults(actor, county)


@transaction.atomic
def _save_defaults(actor: User | None, county: str) -> Scheme:
    scheme = Scheme.objects.create(county_code=county, version=1, note=_("默认方案"), created_by=actor if actor else None)
    SchemeWeight.objects.bulk_create([
        SchemeWeight(scheme=scheme, indicator=code, **values) for code, values in default_weights().items()
    ])
    audit_record(actor=actor, action="scheme.default", obj=scheme, region_code=county, after={"version": 1})
    return scheme
