"""Scoped reads of households, members, village files and import jobs.

Every queryset starts from `visible_to(user)`; anything outside the scope is a 404. Roles with no
business in the registry (experts) get nothing.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, When, Window
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts.models import User
from minxin.cadres.selectors import village_team
from minxin.core.figures import within
from minxin.core.masking import shown_search
from minxin.core.models import AuditEvent
from minxin.core.privacy import identifier_search
from minxin.core.sealedfields import lookup_q
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry import choices, derive, permissions
from minxin.registry.models import (
    Checklist,
    ExportJob,
    Helper,
    Household,
    ImportJob,
    Member,
    PlanItem,
    Registration,
    VillageFile,
    VillagePlan,
)

# Past any real list (a county's 170,000 households are 3,400 pages of 50): a larger page number is
# the last page, never an OFFSET the database cannot hold.
MAX_PAGE = 100_000


def _require_view(user: User) -> None:
    if not permissions.can_view(user):
        raise PermissionDenied


@dataclass
class HouseholdFilters:
    """The list's filters (page query string and API parameters share them)."""

    region: str = ""  # a code prefix (township or village), already checked against the scope
    group: str = ""
    registered: str = ""  # "yes" / "no"
    attribute: str = ""
    status: str = ""
    cause: str = ""
    tags: list = field(default_factory=list)  # keys of choices.TAGS
    q: str = ""

    def description(self) -> str:
        """The filters in words, for the export's audit event and job page ("区划：土地坳镇；搜索：zsf")."""
        parts = []
        if self.region:
            code = self.region.ljust(12, "0")
            name = Region.objects.filter(code=code).values_list("name", flat=True).first() or code
            parts.append(f"{_('区划')}：{name}")
        if self.group:
            parts.append(f"{_('村民小组')}：{self.group}")
        if self.registered:
            parts.append(f"{_('建档立卡')}：{_('是') if self.registered == 'yes' else _('否')}")
        for value, choices_cls, label in ((self.attribute, choices.Attribute, _("贫困户属性")),
                                          (self.status, choices.Status, _("脱贫状态")),
                                          (self.cause, choices.Cause, _("主要致贫原因"))):
            if value:
                parts.append(f"{label}：{choices_cls(value).label}")
        parts += [str(choices.TAGS[tag][1]) for tag in self.tags if tag in choices.TAGS]
        if self.q:
            parts.append(f"{_('搜索')}：{shown_search(self.q)}")  # an export's description is logged and shown
        return "；".join(parts)


def search_q(q: str, *, user: User) -> Q:
    """Name (characters, full pinyin or initials: 'zsf' finds 张三丰), household number, or a member's
    ID number — its last four characters, or the whole for roles that may reveal (the search is
    logged and rate-limited: privacy.identifier_search)."""
    term = q.strip().lower()
    if not term:
        return Q()
    query = Q(search_key__contains=term) | Q(number__startswith=term.upper())
    tail = identifier_search(actor=user, term=term)
    if tail:
        query |= Q(pk__in=Member.objects.filter(lookup_q("id_number", tail)).values("household_id"))
    return query


def household_list(*, user: User, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    """Households the user may see, filtered, sorted by the head's name in pinyin."""
    _require_view(user)
    f = filters or HouseholdFilters()
    qs = Household.objects.visible_to(user)
    if f.region:
        qs = qs.filter(within("village_id", f.region))
    if f.group:
        qs = qs.filter(group=f.group)
    if f.registered == "yes":
        qs = qs.filter(registration__isnull=False)
    elif f.registered == "no":
        qs = qs.filter(registration__isnull=True)
    if f.attribute:
        qs = qs.filter(registration__attribute=f.attribute)
    if f.status:
        qs = qs.filter(registration__status=f.status)
    if f.cause:
        qs = qs.filter(registration__main_cause=f.cause)
    for tag in f.tags:
        column = choices.TAGS.get(tag, (None,))[0]
        if column:
            qs = qs.filter(**{column: True})
    qs = qs.select_related("village__parent", "registration")
    if f.q:
        term = f.q.strip().lower()
        # Households whose head (or number) matches come first, then those matched by another member.
        head = Q(head_name__contains=term) | Q(name_pinyin__contains=term) | Q(number__startswith=term.upper())
        qs = qs.filter(search_q(f.q, user=user)).annotate(
            head_match=Case(When(head, then=0), default=1, output_field=IntegerField()))
        return qs.order_by("head_match", "name_pinyin", "id")
    return qs.order_by("name_pinyin", "id")


def matched_members(*, households: list[Household], q: str) -> dict[int, list[str]]:
    """For the households of a search page matched through a member rather than the head: the names
    of the members whose name or pinyin matches, so the list says why the household is there."""
    term = q.strip().lower()
    others = [h.pk for h in households if getattr(h, "head_match", 0)]
    names: dict[int, list[str]] = {}
    if not term or not others:
        return names
    for household_id, name, pinyin in (Member.objects.filter(household_id__in=others)
                                       .exclude(relation=choices.Relation.HEAD)
                                       .values_list("household_id", "name", "name_pinyin")):
        if term in name.lower() or term in pinyin:
            names.setdefault(household_id, []).append(name)
    return names


def paginate(queryset: QuerySet, page_number: Any, per_page: int = 50, *, search: bool = False) -> Page:
    """One page of the household list and its total, by the cheaper of two plans (measured at county
    scale in bench/RESULTS.md):

    - without a search term, COUNT(*) and then the page, which walks the pinyin index and stops after
      `per_page` rows (the county's unfiltered list: ~30 ms, against ~0.8 s for a window over every
      household and its joined rows);
    - with one, every household's search key is scanned anyway, so the page's ids and the total come
      from that one scan (COUNT(*) OVER () over the ids alone, not the joined rows: a common surname
      matching 10,000 households took 390 ms wide, 160 ms narrow), then the page's rows by id. The
      scan is ordered by LOWER(name_pinyin) — the same order, the keys being lower-case ASCII — so
      that PostgreSQL does not walk the pinyin index row by row for a LIMIT that the window keeps
      from stopping early (~400 ms against ~100 ms).
    """
    try:
        number = min(max(1, int(page_number)), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    paginator = Paginator(queryset, per_page)
    if search:
        rank = ["head_match"] if "head_match" in queryset.query.annotations else []
        ranked = (queryset.annotate(total_count=Window(Count("pk"))).order_by(*rank, Lower("name_pinyin"), "id")
                  .values_list("pk", "total_count"))
        ids = list(ranked[(number - 1) * per_page: number * per_page])
        if ids:
            by_id = {h.pk: h for h in queryset.filter(pk__in=[pk for pk, _total in ids])}
            paginator.count = ids[0][1]  # a cached_property: set, so Paginator never counts again
            return Page([by_id[pk] for pk, _total in ids], number, paginator)
        if number == 1:  # nothing matches: no second scan to count it
            paginator.count = 0
            return Page([], 1, paginator)
    paginator.count = queryset.count()  # no search, or a search's page past its end
    number = min(number, paginator.num_pages)
    rows = list(queryset[(number - 1) * per_page: number * per_page]) if paginator.count else []
    return Page(rows, number, paginator)


def household_get(*, user: User, pk: int) -> Household:
    _require_view(user)
    return get_object_or_404(Household.objects.visible_to(user).select_related("village__parent", "registration"),
                             pk=pk)


def household_members(*, household: Household) -> list[Member]:
    return sorted(household.members.all(), key=lambda m: (choices.RELATION_ORDER.get(m.relation, 99), m.pk))


def household_sheet(*, user: User, household: Household) -> dict:
    """Everything the 一户一表 shows, in a fixed number of queries."""
    members = household_members(household=household)
    overrides = {o.category: o for o in household.care_overrides.select_related("decided_by")}
    return {
        "members": members,
        "care": derive.care_members(members),
        "overrides": overrides,
        "incomes": list(household.incomes.order_by("-year")),
        "checklist": Checklist.objects.filter(household=household).first(),
        "helpers": list(household.helpers.select_related("cadre")),
        "history": household_history(user=user, household=household, members=members),
    }


def household_history(*, user: User, household: Household, members: Any = None) -> list:
    """The household's audit events, and those about its members (reveals), newest first."""
    member_ids = [str(m.pk) for m in (members if members is not None else household.members.all())]
    events = AuditEvent.objects.visible_to(user).filter(
        Q(object_type="registry.household", object_id=str(household.pk))
        | Q(object_type="registry.member", object_id__in=member_ids))
    return list(events.order_by("-created_at", "-id")[:200])


def member_get(*, user: User, pk: int) -> Member:
    _require_view(user)
    return get_object_or_404(Member.objects.visible_to(user).select_related("household__village"), pk=pk)


def village_get(*, user: User, code: str) -> Region:
    _require_view(user)
    try:
        full = codes.normalize_code(code)
    except codes.InvalidRegionCode:
        raise Http404 from None
    return get_object_or_404(Region.objects.visible_to(user).villages().select_related("parent"), code=full)


def village_file(*, user: User, village: Region) -> dict:
    """一村一档: the editable facts and the figures computed from the records."""
    file = VillageFile.objects.filter(village=village).first() or VillageFile(village=village)
    households = Household.objects.visible_to(user).filter(village=village)
    totals = households.aggregate(
        households=Count("id"), people=Sum("member_count"),
        dibao=Count("id", filter=Q(has_dibao=True)), extreme=Count("id", filter=Q(has_extreme=True)),
        disabled=Count("id", filter=Q(has_disabled=True)), family_planning=Count("id", filter=Q(has_family_planning=True)),
        care_child=Count("id", filter=Q(care_child=True)), care_elderly=Count("id", filter=Q(care_elderly=True)),
        care_women=Count("id", filter=Q(care_women=True)))
    registrations = Registration.objects.filter(household__in=households)
    reg = households.aggregate(households=Count("id", filter=choices.REGISTERED),
                               people=Sum("member_count", filter=choices.REGISTERED),
                               poor_people=Sum("member_count",
                                               filter=Q(registration__status__in=choices.POOR_STATUSES)))
    by_status = {row["status"]: row for row in registrations.values("status").annotate(
        households=Count("id"), people=Sum("household__member_count"))}
    by_cause = list(registrations.exclude(main_cause="").values("main_cause").annotate(
        households=Count("id")).order_by("-households"))
    people = totals["people"] or 0
    incidence = None
    if people:
        incidence = round(100 * (reg["poor_people"] or 0) / people, 2)
    groups = list(households.values("group").annotate(households=Count("id"), people=Sum("member_count"))
                  .order_by("group"))
    return {
        "file": file, "totals": totals, "people": people, "registered": reg, "incidence": incidence,
        "by_status": [(label, by_status.get(code, {})) for code, label in choices.Status.choices],
        "by_cause": [(dict(choices.Cause.choices).get(r["main_cause"], r["main_cause"]), r["households"])
                     for r in by_cause],
        "groups": groups, "team": village_team(user=user, village_code=village.code),
    }


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    _require_view(user)
    return ImportJob.objects.visible_to(user).select_related("created_by").order_by("-created_at")


def import_job_get(*, user: User, pk: int) -> ImportJob:
    return get_object_or_404(import_job_list(user=user), pk=pk)


def export_job_list(*, user: User) -> QuerySet[ExportJob]:
    _require_view(user)
    return ExportJob.objects.visible_to(user).select_related("created_by").order_by("-created_at")


def export_job_get(*, user: User, pk: int) -> ExportJob:
    return get_object_or_404(export_job_list(user=user), pk=pk)


def villages_for(*, user: User) -> QuerySet[Region]:
    """Villages the user may pick (forms, filters)."""
    return Region.objects.visible_to(user).villages().select_related("parent").order_by("code")


def townships_for(*, user: User) -> QuerySet[Region]:
    return Region.objects.visible_to(user).townships().order_by("code")


def unit_pairing(*, user: User, unit: Any) -> dict | None:
    """How a sending unit's people pair with households the user can read: per helper (a resident
    cadre or a staff member), the households paired, and the unit's total. None for a role that
    may not read the registry."""
    if not permissions.can_view(user):
        return None
    helpers = Helper.objects.visible_to(user).filter(Q(cadre__sending_unit=unit) | Q(staff__sending_unit=unit))
    rows = list(helpers.values("name", "cadre_id", "staff_id").annotate(households=Count("household", distinct=True))
                .order_by("-households", "name"))
    return {"unit": unit, "helpers": rows, "households": helpers.values("household").distinct().count()}


def _plans(user: User) -> QuerySet[VillagePlan]:
    """Plans in the user's scope, each with its items counted: `total` (dropped ones aside), `due` (of
    those, due by today) and `done`."""
    _require_view(user)
    live = ~Q(items__status=PlanItem.Status.DROPPED)
    return VillagePlan.objects.visible_to(user).annotate(
        total=Count("items", filter=live),
        due=Count("items", filter=live & Q(items__due_on__lte=timezone.localdate())),
        done=Count("items", filter=Q(items__status=PlanItem.Status.DONE)))


def village_plans(*, user: User, village: Region) -> list[VillagePlan]:
    """The village's plans, newest first, with their counts."""
    return list(_plans(user).filter(village=village))


def plan_get(*, user: User, pk: int) -> VillagePlan:
    return get_object_or_404(_plans(user).select_related("village__parent"), pk=pk)


def plan_items(*, plan: VillagePlan) -> QuerySet[PlanItem]:
    return plan.items.all()


def plan_item_get(*, user: User, pk: int) -> PlanItem:
    _require_view(user)
    return get_object_or_404(PlanItem.objects.visible_to(user).select_related("plan__village"), pk=pk)
