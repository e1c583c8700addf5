"""GET /api/v1/households (filtered, paged) and /api/v1/households/{id} (members nested, masked)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Schema

from minxin.core.errors import PermissionDenied as DomainPermissionDenied
from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.core.schemas import RegionRef
from minxin.regions.selectors import region_get
from minxin.registry import choices, selectors

router = Router(tags=["households"])
PAGE_SIZE = 50


class RegistrationOut(Schema):
    year: int | None
    attribute: str
    attribute_label: str
    status: str
    status_label: str
    exit_year: int | None
    main_cause: str
    other_causes: list[str]


class HouseholdOut(Schema):
    id: int
    number: str
    village: RegionRef
    township: RegionRef
    group: str
    head_name: str
    member_count: int
    phone: str
    lat: Decimal | None
    lon: Decimal | None
    tags: list[str]
    registration: RegistrationOut | None
    version: int


class MemberOut(Schema):
    id: int
    name: str
    id_number: str
    sex: str
    # The year only: beside the masked number, a full date would give back its hidden digits.
    birth_year: int
    relation: str
    relation_label: str
    ethnicity: str
    education: str
    school_status: str
    health: str
    labour: str
    migrant: str
    migrant_months: int | None
    dibao: bool
    extreme_support: bool
    disabled: bool
    family_planning: bool
    party_member: bool


class HouseholdDetailOut(HouseholdOut):
    address: str
    members: list[MemberOut]
    helpers: list[str]


class HouseholdPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[HouseholdOut]


class ListParams(Schema):
    village: str | None = None
    q: str = ""
    tag: list[str] = []
    registered: str = ""
    attribute: str = ""
    status: str = ""
    cause: str = ""
    group: str = ""
    page: int = 1


def _ref(region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level}


def _registration(reg) -> dict | None:
    if reg is None:
        return None
    return {"year": reg.year, "attribute": reg.attribute, "attribute_label": reg.get_attribute_display(),
            "status": reg.status, "status_label": reg.get_status_display(), "exit_year": reg.exit_year,
            "main_cause": reg.main_cause, "other_causes": reg.other_causes}


def _household(h) -> dict:
    return {
        "id": h.id, "number": h.number, "village": _ref(h.village), "township": _ref(h.village.parent),
        "group": h.group, "head_name": h.head_name, "member_count": h.member_count, "phone": mask_phone(h.phone),
        "lat": h.lat, "lon": h.lon, "version": h.version,
        "tags": [key for key, (column, _label) in choices.TAGS.items() if getattr(h, column)],
        "registration": _registration(getattr(h, "registration", None)),
    }


def _guard(call):
    try:
        return call()
    except (PermissionDenied, DomainPermissionDenied):
        raise DomainPermissionDenied() from None


@router.get("", response=HouseholdPage, summary="户列表（可按村、关键词、标签等筛选；证件号码、电话已脱敏）")
def household_list(request, params: Query[ListParams]):
    # A region code whole or as its prefix; unknown or out of scope → 404, like everywhere else.
    prefix = region_get(user=request.auth, code=params.village).prefix if params.village else ""
    filters = selectors.HouseholdFilters(
        region=prefix, group=params.group, registered=params.registered,
        attribute=params.attribute if params.attribute in choices.Attribute.values else "",
        status=params.status if params.status in choices.Status.values else "",
        cause=params.cause if params.cause in choices.Cause.values else "",
        tags=[t for t in params.tag if t in choices.TAGS], q=params.q[:50])
    qs = _guard(lambda: selectors.household_list(user=request.auth, filters=filters))
    page = selectors.paginate(qs, params.page, PAGE_SIZE, search=bool(filters.q))
    return {"count": page.paginator.count, "page": page.number, "page_size": PAGE_SIZE,
            "results": [_household(h) for h in page]}


@router.get("/{household_id}", response=HouseholdDetailOut, summary="户详情（家庭成员嵌套；证件号码、电话已脱敏）")
def household_detail(request, household_id: int):
    household = _guard(lambda: selectors.household_get(user=request.auth, pk=household_id))
    if household is None:
        raise Http404
    members = selectors.household_members(household=household)
    return {
        **_household(household), "address": household.address,
        "helpers": [h.name for h in household.helpers.all()],
        "members": [{
            "id": m.id, "name": m.name, "id_number": mask_id_number(m.id_number), "sex": m.sex,
            "birth_year": m.birth_date.year, "relation": m.relation, "relation_label": m.get_relation_display(),
            "ethnicity": m.ethnicity, "education": m.education, "school_status": m.school_status, "health": m.health,
            "labour": m.labour, "migrant": m.migrant, "migrant_months": m.migrant_months, "dibao": m.dibao,
            "extreme_support": m.extreme_support, "disabled": m.disabled, "family_planning": m.family_planning,
            "party_member": m.party_member,
        } for m in members],
    }
