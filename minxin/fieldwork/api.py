"""Field-work API: the offline sync, the field app's bootstrap, visits, requests and coverage."""

import datetime
import json
import uuid as uuid_lib

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from minxin.core.errors import DomainError, TooLarge
from minxin.core.params import DbId
from minxin.core.schemas import Page
from minxin.fieldwork import coverage, selectors, services
from minxin.regions import codes
from minxin.regions.selectors import region_get

sync_router = Router(tags=["fieldwork"])
field_router = Router(tags=["fieldwork"])
visits_router = Router(tags=["fieldwork"])
requests_router = Router(tags=["fieldwork"])
coverage_router = Router(tags=["fieldwork"])

PAGE_SIZE = 100

_SYNC_BODY = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["records"],
        "properties": {"records": {"type": "array", "items": {
            "type": "object", "required": ["type", "uuid", "data"],
            "properties": {
                "type": {"type": "string", "enum": services.sync.RECORD_TYPES},
                "uuid": {"type": "string", "format": "uuid"},
                "data": {"type": "object"},
                "base_version": {"type": "integer"},
                "device_time": {"type": "string", "format": "date-time"},
            }}}}}}}},
}


class SyncResult(Schema):
    uuid: str | None
    type: str | None
    status: str
    id: int | None = None
    late: bool | None = None
    version: int | None = None
    reason: str | None = None
    server: dict | None = None
    errors: list[dict] | None = None


class SyncOut(Schema):
    received_at: datetime.datetime
    results: list[SyncResult]


@sync_router.post("", response=SyncOut, openapi_extra=_SYNC_BODY,
                  summary="离线记录批量同步（走访、会议、宣讲、培训、亲情聊天、日记、民情、诉求、户信息修改）")
def sync(request):
    try:
        raw = request.body
    except RequestDataTooBig:
        raise TooLarge("body_too_large", _("一次发送的数据过大，请分批同步。")) from None
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise DomainError("malformed_json", _("请求内容不是有效的 JSON。")) from None
    except RecursionError:
        raise DomainError("malformed_json", _("请求内容嵌套过深，不是有效的同步数据。")) from None
    if not isinstance(body, dict) or "records" not in body:
        raise DomainError("invalid_batch", _("请求应为 {\"records\": [...]}。"))
    results = services.sync_batch(actor=request.auth, records_in=body["records"])
    return {"received_at": timezone.now(), "results": results}


# --- the field app's bootstrap ---------------------------------------------------------------

BOOTSTRAP_MAX_HOUSEHOLDS = 5000


@field_router.get("/bootstrap", summary="外业应用离线数据包：本人可见的村和农户（电话等身份信息不含）")
def bootstrap(request):
    return selectors.field_bootstrap(user=request.auth, limit=BOOTSTRAP_MAX_HOUSEHOLDS)


# --- visits ----------------------------------------------------------------------------------


class VisitOut(Schema):
    id: int
    uuid: uuid_lib.UUID
    village: str
    household_id: int
    household_number: str
    cadre: str
    occurred_at: datetime.datetime
    kind: str
    kind_label: str
    notes: str
    help_given: str
    lat: float | None
    lon: float | None
    accuracy_m: int | None
    late: bool


class VisitPage(Page):
    items: list[VisitOut]


def _village_prefix(user, village: str | None) -> str | None:
    if not village:
        return None
    return region_get(user=user, code=village).prefix


@visits_router.get("", response=VisitPage, summary="走访记录（按村、农户筛选，分页）")
def visit_list(request, village: str | None = None, household: DbId | None = None, page: int = 1):
    visits = selectors.visit_list(user=request.auth, village=_village_prefix(request.auth, village),
                                  household=household)
    current = Paginator(visits, PAGE_SIZE).get_page(page)
    return {
        "count": current.paginator.count, "page": current.number, "page_size": PAGE_SIZE,
        "items": [{
            "id": v.id, "uuid": v.uuid, "village": v.village_id, "household_id": v.household_id,
            "household_number": v.household.number, "cadre": v.cadre.name, "occurred_at": v.occurred_at,
            "kind": v.kind, "kind_label": v.get_kind_display(), "notes": v.notes, "help_given": v.help_given,
            "lat": float(v.lat) if v.lat is not None else None, "lon": float(v.lon) if v.lon is not None else None,
            "accuracy_m": v.accuracy_m, "late": v.late,
        } for v in current],
    }


@visits_router.post("/{uuid}/photos", summary="为走访上传照片（JPEG/PNG/WebP，限制大小）")
def visit_photo(request, uuid: uuid_lib.UUID, photo: UploadedFile = File(...)):  # noqa: B008 - ninja's idiom
    visit = selectors.visit_by_uuid(user=request.auth, uuid=uuid)
    data = photo.read(settings.MINXIN_PHOTO_MAX_BYTES + 1)
    saved = services.visit_attach_photo(actor=request.auth, visit=visit, data=data)
    return {"uuid": str(saved.uuid), "size": saved.size, "content_type": saved.content_type}


# --- villager requests -----------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    village: str
    household_number: str | None
    source: str
    text: str
    status: str
    status_label: str
    submitted_at: datetime.datetime
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    response_hours: float | None
    satisfaction: str
    overdue: bool


@requests_router.get("", response=list[RequestOut], summary="群众诉求（含超期标记）")
def request_list(request, village: str | None = None, status: str | None = None, overdue: bool = False):
    rows = selectors.request_list(user=request.auth, village=_village_prefix(request.auth, village), status=status,
                                  overdue=overdue)[:500]
    return [{
        "id": r.id, "village": r.village_id, "household_number": r.household.number if r.household else None,
        "source": r.source, "text": r.text, "status": r.status, "status_label": r.get_status_display(),
        "submitted_at": r.submitted_at, "answered_at": r.answered_at, "closed_at": r.closed_at,
        "response_hours": r.response_hours, "satisfaction": r.satisfaction, "overdue": r.is_overdue,
    } for r in rows]


# --- coverage --------------------------------------------------------------------------------


@coverage_router.get("/{code}", summary="走访覆盖：村（本月/本季/本年已走访户数、从未走访、结对户半年未走访、留守关爱）或乡镇/县（各村）")
def coverage_detail(request, code: str):
    selectors.require_view(request.auth)
    region = region_get(user=request.auth, code=code)
    if region.level == codes.VILLAGE:
        c = coverage.village_coverage(village_code=region.code)
        return {
            "code": region.code, "name": region.name, "households": c.households,
            "visited": {"month": c.month, "quarter": c.quarter, "year": c.year},
            "never_visited": {"count": c.never_visited_count,
                              "households": [{"id": h.id, "number": h.number} for h in c.never_visited]},
            "paired": {"count": c.paired_count, "not_visited_6_months": c.paired_stale_count},
            "care": {"households": c.care_households, "care_visits_year": c.care_visits_year,
                     "not_visited_this_quarter": c.care_unvisited_quarter_count},
        }
    if region.level not in (codes.TOWNSHIP, codes.COUNTY):
        raise Http404
    per_village = coverage.region_coverage(prefix=region.prefix)
    allowed = set(selectors.village_codes(user=request.auth, prefix=region.prefix))
    return {"code": region.code, "name": region.name,
            "villages": [{"code": code, **figures} for code, figures in sorted(per_village.items())
                         if code in allowed]}
