"""Sections the field-work module adds to the village, township and cadre pages."""

from django import template

from minxin.cadres.models import Assignment
from minxin.fieldwork import coverage, presence, selectors
from minxin.regions import codes

register = template.Library()


@register.inclusion_tag("fieldwork/_region_section.html", takes_context=True)
def region_fieldwork(context, region):
    """Visit coverage on a village page (with the lists), or per village on a township page."""
    user = context["request"].user
    data = {"region": region, "request": context["request"], "is_village": region.level == codes.VILLAGE,
            "hidden": not selectors.can_view(user)}
    if data["hidden"]:
        return data
    if region.level == codes.VILLAGE:
        data["coverage"] = coverage.village_coverage(village_code=region.code)
        data["requests"] = selectors.request_counts(user=user, village=region.code)
    elif region.level == codes.TOWNSHIP:
        figures = coverage.region_coverage(prefix=region.prefix)
        children = selectors.village_rows(user=user, prefix=region.prefix)
        data["villages"] = [(village, _cells(figures.get(village.code) or {})) for village in children]
        data["requests"] = selectors.request_counts(user=user, village=region.prefix)
    else:
        data["requests"] = selectors.request_counts(user=user, village=region.prefix)
    return data


def _cells(figures: dict) -> dict:
    """A village's row of the township table: households, then (visited, share) per period."""
    return {"households": figures.get("households", 0),
            "cells": [(figures.get(period, 0), figures.get(f"{period}_pct", 0)) for period in ("month", "quarter", "year")]}


@register.inclusion_tag("fieldwork/_cadre_section.html", takes_context=True)
def cadre_fieldwork(context, cadre):
    """A cadre's own coverage of its villages' households and its days in the village."""
    if not selectors.can_view(context["request"].user):
        return {"hidden": True}
    villages = list(Assignment.objects.active().filter(cadre=cadre).values_list("village_id", flat=True))
    return {
        "cadre": cadre, "request": context["request"],
        "coverage": (coverage.cadre_coverage(user=context["request"].user, cadre=cadre, village_codes=villages)
                     if villages else None),
        "months": presence.cadre_presence_months(cadre_id=cadre.pk, months=6),
    }
