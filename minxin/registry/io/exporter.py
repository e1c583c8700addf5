"""Writing households in the import template (SPEC §6), so that export → import changes nothing.

xlsxwriter in constant_memory mode streams rows to disk, so a county (600,000 rows) never sits in
memory. Every cell is written as a string; a cell that would start with = + - @ is escaped with a
leading apostrophe (formula injection), which the importer strips again.
"""

import xlsxwriter
from django.db.models import Prefetch

from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.core.sealing import reveal
from minxin.core.xlsx import escape_formula
from minxin.regions.models import Region
from minxin.registry import choices
from minxin.registry.io.template import COLUMNS
from minxin.registry.models import Helper, Member


def safe(value) -> str:
    """Text for a cell, escaped against formula injection (shared rule: core.xlsx)."""
    return escape_formula("" if value is None else str(value))


def _labels(choices_cls):
    return {value: str(label) for value, label in choices_cls.choices}


PROGRESS_EVERY = 2000  # households; one prefetch chunk


def rows_for(households, *, unmasked: bool, progress=None):
    """The template rows (lists of strings) for a queryset of households, members head first;
    `progress(done)` is called with the number of households done after every chunk."""
    members = Prefetch("members", queryset=Member.objects.order_by("id"))
    helpers = Prefetch("helpers", queryset=Helper.objects.order_by("id"))
    qs = households.select_related("registration").prefetch_related(members, helpers).order_by("village_id", "number")
    region_names = dict(Region.objects.filter(level__in=["township", "village"]).values_list("code", "name"))
    labels = {name: _labels(cls) for name, cls in [
        ("relation", choices.Relation), ("education", choices.Education), ("school_status", choices.SchoolStatus),
        ("health", choices.Health), ("labour", choices.Labour), ("migrant", choices.Migrant),
        ("attribute", choices.Attribute), ("status", choices.Status), ("cause", choices.Cause)]}
    yes = {True: "是", False: "否"}
    for done, household in enumerate(qs.iterator(chunk_size=PROGRESS_EVERY)):
        if progress is not None and done and done % PROGRESS_EVERY == 0:
            progress(done)
        village = household.village_id
        township = village[:9] + "000"
        reg = getattr(household, "registration", None)
        reg_cells = ["", "", "", "", ""]
        if reg is not None:
            reg_cells = [labels["attribute"].get(reg.attribute, ""), labels["status"].get(reg.status, ""),
                         labels["cause"].get(reg.main_cause, ""),
                         "、".join(labels["cause"][c] for c in reg.other_causes), str(reg.year or "")]
        phone = reveal(household.phone, "phone") if unmasked else mask_phone(household.phone)
        helper_names = "、".join(h.name for h in household.helpers.all())
        people = sorted(household.members.all(), key=lambda m: (choices.RELATION_ORDER.get(m.relation, 99), m.pk))
        for m in people:
            yield [
                region_names.get(township, ""), region_names.get(village, ""), household.group, household.number,
                m.name, reveal(m.id_number, "id_number") if unmasked else mask_id_number(m.id_number), labels["relation"][m.relation],
                m.ethnicity, labels["education"].get(m.education, ""), labels["school_status"].get(m.school_status, ""),
                labels["health"].get(m.health, ""), labels["labour"].get(m.labour, ""),
                labels["migrant"].get(m.migrant, "") if m.migrant else "",
                "" if m.migrant_months is None else str(m.migrant_months),
                yes[m.dibao], yes[m.extreme_support], yes[m.disabled], yes[m.family_planning],
                phone, *reg_cells, helper_names,
                "" if household.lon is None else str(household.lon), "" if household.lat is None else str(household.lat),
            ]


def write_xlsx(target, rows, *, headers=None, sheet_name="户信息") -> int:
    """Write header + rows to `target` (a path or a binary file object); returns the row count."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    headers = headers or [c.header + ("*" if c.required else "") for c in COLUMNS]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    sheet.set_column(0, len(headers) - 1, 12, text)
    sheet.set_column(5, 5, 21, text)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value:
                sheet.write_string(count, col, safe(value))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return count
