"""Fund API: the county fund's balance, the applications (an expert: those of its panels) with their
budget and decision, recording a contribution and paying a tranche — the same services, rules and
messages as the pages. A money-changing call takes an `Idempotency-Key` header: a retried request
posts once; the key reused with another payload is refused (409)."""

import datetime
from decimal import Decimal

from django.core.paginator import Paginator
from ninja import Field, Header, Router, Schema, Status

from minxin.core.errors import PermissionDenied
from minxin.core.params import DbId
from minxin.core.schemas import Page
from minxin.fund import selectors, services, services_grant
from minxin.fund.models import Application
from minxin.ledger.money import to_yuan
from minxin.regions.selectors import region_get, user_county

router = Router(tags=["fund"])
PAGE_SIZE = 100


class BalanceOut(Schema):
    county: str
    available: Decimal
    committed: Decimal


class LineOut(Schema):
    category: str
    item: str
    amount: Decimal


class ApplicationOut(Schema):
    id: int
    number: str
    village: str
    title: str
    beneficiary: str
    kind: str
    state: str
    state_label: str
    requested: Decimal
    approved: Decimal | None
    paid: Decimal
    notice_from: datetime.date | None
    notice_until: datetime.date | None
    decided_on: datetime.date | None


class ApplicationDetail(ApplicationOut):
    plan: str
    mechanism: str
    targets: str
    beneficiaries: int
    lines: list[LineOut]
    score: Decimal | None
    direction: str


class ApplicationPage(Page):
    items: list[ApplicationOut]


def _application(a: Application) -> dict:
    return {"id": a.pk, "number": a.number, "village": a.village_id, "title": a.title, "beneficiary": a.beneficiary,
            "kind": a.kind, "state": a.state, "state_label": a.get_state_display(),
            "requested": to_yuan(a.requested_fen), "approved": to_yuan(a.approved_fen) if a.approved_fen else None,
            "paid": to_yuan(getattr(a, "paid", None) or 0), "notice_from": a.notice_from,
            "notice_until": a.notice_until, "decided_on": a.decided_on}


def _detail(a: Application) -> dict:
    seats = [seat.total for seat in a.seats.all() if seat.total is not None]
    return {**_application(a), "plan": a.plan, "mechanism": a.mechanism, "targets": a.targets,
            "beneficiaries": a.beneficiaries, "direction": a.direction,
            "score": services_grant.aggregate(seats) if a.decided_on else None,
            "lines": [{"category": line.category, "item": line.item, "amount": to_yuan(line.amount_fen)}
                      for line in a.lines.all()]}


@router.get("/balance", response=BalanceOut, summary="县精准扶贫基金可用余额和已批准待拨付金额（县级用户）")
def balance(request):
    found = selectors.balance(user=request.auth)
    if found is None:
        raise PermissionDenied()
    return {"county": found["county"], "available": to_yuan(found["available"]),
            "committed": to_yuan(found["committed"])}


@router.get("/applications", response=ApplicationPage, summary="项目申报（按村、状态、类型筛选，分页；专家只见本人参评的）")
def application_list(request, village: str | None = None, state: str = "", kind: str = "", page: int = 1):
    region = region_get(user=request.auth, code=village).prefix if village else None
    rows = selectors.applications(user=request.auth, region=region, state=state, kind=kind)
    current = Paginator(rows, PAGE_SIZE).get_page(page)
    return {"count": current.paginator.count, "page": current.number, "page_size": PAGE_SIZE,
            "items": [_application(a) for a in current.object_list]}


@router.get("/applications/{application_id}", response=ApplicationDetail, summary="一个项目申报：预算、决定")
def application_detail(request, application_id: DbId):
    return _detail(selectors.application_get(user=request.auth, pk=application_id))


class ContributionIn(Schema):
    source: str = Field(max_length=12)
    donor: str = Field(max_length=100)
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    received_on: datetime.date
    receipt_no: str = Field(max_length=64)
    memo: str = Field("", max_length=200)


class ContributionOut(Schema):
    id: int
    transaction_id: int
    amount: Decimal


@router.post("/contributions", response={201: ContributionOut},
             summary="登记基金筹集（带 Idempotency-Key 请求头，重试只记一次）")
def contribution_record(request, body: ContributionIn,
                        idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64)):
    county = user_county(request.auth)
    if county is None:
        raise PermissionDenied()
    contribution = services.contribution_record(actor=request.auth, county_code=county,
                                                idempotency_key=idempotency_key, **body.dict())
    return Status(201, {"id": contribution.pk, "transaction_id": contribution.transaction_id,
                        "amount": to_yuan(contribution.amount_fen)})


class TrancheIn(Schema):
    stage: str = Field(max_length=12)
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    paid_on: datetime.date
    voucher: str = Field("", max_length=64)


@router.post("/applications/{application_id}/tranches", response={201: ApplicationDetail},
             summary="拨付资金（预拨、完工拨付、验收后拨付；带 Idempotency-Key 请求头）")
def tranche_pay(request, application_id: DbId, body: TrancheIn,
                idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64)):
    application = selectors.application_get(user=request.auth, pk=application_id)
    services_grant.tranche_pay(actor=request.auth, application=application, idempotency_key=idempotency_key,
                               **body.dict())
    return Status(201, _detail(selectors.application_get(user=request.auth, pk=application_id)))
