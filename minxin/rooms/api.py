"""Liaison rooms API: the rooms with their grades and working-fund balance, one room with its dues
(what each payer owes and still owes) and evaluations, the outstanding dues, and recording a
tranche received — the same services, rules and messages as the pages. A money-changing call takes
an `Idempotency-Key` header: a retried request posts once; the key reused with another payload is
refused (409)."""

import datetime
from decimal import Decimal

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from ninja import Field, Header, Router, Schema, Status

from minxin.core.params import DbId
from minxin.core.schemas import Page
from minxin.ledger.money import to_yuan
from minxin.regions.selectors import region_get
from minxin.rooms import selectors, services
from minxin.rooms.checklist import STANDARDS
from minxin.rooms.models import Due, Evaluation, Room

router = Router(tags=["rooms"])
PAGE_SIZE = 100


def _prefix(user, village: str | None) -> str | None:
    return region_get(user=user, code=village).prefix if village else None


class RoomOut(Schema):
    id: int
    village: str
    village_name: str
    township_name: str
    opened_on: datetime.date | None
    standards_met: int
    standards_total: int
    balance: Decimal
    grade: str | None
    total: int | None
    period: str | None


class DueOut(Schema):
    id: int
    room_id: int
    year: int
    payer: str
    payer_label: str
    sending_unit: str | None
    amount: Decimal
    received: Decimal
    remaining: Decimal
    due_on: datetime.date


class EvaluationOut(Schema):
    year: int
    half: int
    evaluated_on: datetime.date
    total: int
    grade: str
    grade_label: str
    scores: dict[str, int]


class RoomDetail(RoomOut):
    address: str
    equipment: str
    disclosed_on: datetime.date | None
    standards: dict[str, bool]
    dues: list[DueOut]
    evaluations: list[EvaluationOut]


class RoomPage(Page):
    items: list[RoomOut]


class DuePage(Page):
    items: list[DueOut]


def _room(room: Room, balance: int) -> dict:
    period = f"{room.latest_year}H{room.latest_half}" if room.latest_year else None
    return {"id": room.pk, "village": room.village_id, "village_name": room.village.name,
            "township_name": room.village.parent.name, "opened_on": room.opened_on,
            "standards_met": room.standards_met, "standards_total": len(STANDARDS), "balance": to_yuan(balance),
            "grade": room.latest_grade, "total": room.latest_total, "period": period}


def _due(due: Due) -> dict:
    return {"id": due.pk, "room_id": due.room_id, "year": due.year, "payer": due.payer,
            "payer_label": due.get_payer_display(), "sending_unit": due.sending_unit.name if due.sending_unit else None,
            "amount": to_yuan(due.amount_fen), "received": to_yuan(due.received_fen),
            "remaining": to_yuan(due.remaining_fen), "due_on": due.due_on}


def _evaluation(e: Evaluation) -> dict:
    return {"year": e.year, "half": e.half, "evaluated_on": e.evaluated_on, "total": e.total, "grade": e.grade,
            "grade_label": e.get_grade_display(), "scores": e.scores}


def _detail(user, room: Room) -> dict:
    return {**_room(room, selectors.balances([room])[room.village_id]), "address": room.address,
            "equipment": room.equipment, "disclosed_on": room.disclosed_on,
            "standards": {code: bool(room.standards.get(code)) for code, _label in STANDARDS},
            "dues": [_due(d) for d in selectors.dues(user=user).filter(room=room)],
            "evaluations": [_evaluation(e) for e in selectors.evaluations(user=user, room=room)]}


@router.get("", response=RoomPage, summary="干群连心室（工作经费余额、最近一次评估等级；按村、等级筛选，分页）")
def room_list(request, village: str | None = None, grade: str = "", page: int = 1):
    rows = selectors.room_list(user=request.auth, region=_prefix(request.auth, village), grade=grade)
    current = Paginator(rows, PAGE_SIZE).get_page(page)
    shown = list(current.object_list)
    balances = selectors.balances(shown)
    return {"count": current.paginator.count, "page": current.number, "page_size": PAGE_SIZE,
            "items": [_room(room, balances[room.village_id]) for room in shown]}


@router.get("/dues", response=DuePage, summary="应拨经费及到账情况（outstanding 只看尚欠，overdue 只看已过到账期限）")
def due_list(request, village: str | None = None, year: int | None = None, payer: str = "",
             outstanding: bool = False, overdue: bool = False, page: int = 1):
    rows = selectors.dues(user=request.auth, region=_prefix(request.auth, village), year=year, payer=payer,
                          outstanding=outstanding, overdue=overdue)
    current = Paginator(rows, PAGE_SIZE).get_page(page)
    return {"count": current.paginator.count, "page": current.number, "page_size": PAGE_SIZE,
            "items": [_due(d) for d in current.object_list]}


@router.get("/{room_id}", response=RoomDetail, summary="一个干群连心室：标准化清单、应拨与到账、半年评估")
def room_detail(request, room_id: DbId):
    return _detail(request.auth, selectors.room_get(user=request.auth, pk=room_id))


class ReceiptIn(Schema):
    due_id: DbId
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    received_on: datetime.date
    reference: str = Field("", max_length=64)


@router.post("/{room_id}/receipts", response={201: RoomDetail},
             summary="登记经费到账（带 Idempotency-Key 请求头，重试只记一次）")
def receipt_record(request, room_id: DbId, body: ReceiptIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64)):
    room = selectors.room_get(user=request.auth, pk=room_id)
    due = get_object_or_404(selectors.dues(user=request.auth).filter(room=room), pk=body.due_id)
    services.receipt_record(actor=request.auth, due=due, amount=body.amount, received_on=body.received_on,
                            reference=body.reference, idempotency_key=idempotency_key)
    return Status(201, _detail(request.auth, selectors.room_get(user=request.auth, pk=room_id)))
