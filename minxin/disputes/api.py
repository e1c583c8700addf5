"""Disputes API: dispute case files and petitions — lists (scoped, paginated), one case with its
parties and steps, filing one, and taking its next step (the same services, rules and messages as
the pages). Phones are masked; registry parties are named, their identifiers stay in the registry."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.paginator import Paginator
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from minxin.core.identifiers import mask_phone
from minxin.core.params import DbId
from minxin.core.schemas import Page
from minxin.disputes import selectors_cases, services_case, services_petition
from minxin.disputes.models import Dispute, DisputeParty, Petition
from minxin.regions.selectors import region_get

disputes_router = Router(tags=["disputes"])
petitions_router = Router(tags=["disputes"])
PAGE_SIZE = 100
Text = Field("", max_length=5000)


def _prefix(user, village: str | None) -> str | None:
    return region_get(user=user, code=village).prefix if village else None


class StepOut(Schema):
    step: str
    label: str
    done_on: datetime.date
    by: str | None
    note: str


class PartyOut(Schema):
    side: str
    name: str
    villager: bool
    household_id: int | None
    phone: str


class DisputeOut(Schema):
    id: int
    case_no: str
    village: str
    title: str
    category: str
    risk: str
    intake: str
    state: str
    state_label: str
    level: str
    arose_on: datetime.date
    reported_on: datetime.date
    due_on: datetime.date | None
    overdue: bool
    mediator: str
    result: str
    concluded_on: datetime.date | None
    agreement: str
    amount: Decimal | None


class DisputeDetail(DisputeOut):
    summary: str
    parties: list[PartyOut]
    steps: list[StepOut]
    source_visit_id: int | None
    source_need_id: int | None
    source_request_id: int | None


class DisputePage(Page):
    items: list[DisputeOut]


def _steps(obj) -> list[dict]:
    return [{"step": s.step, "label": s.get_step_display(), "done_on": s.done_on, "by": str(s.by) if s.by else None,
             "note": s.note} for s in obj.steps.all()]


def _overdue(due: datetime.date | None) -> bool:
    return due is not None and due < timezone.localdate()


def _dispute(d: Dispute) -> dict:
    return {"id": d.pk, "case_no": d.case_no, "village": d.village_id, "title": d.title, "category": d.category,
            "risk": d.risk, "intake": d.intake, "state": d.state, "state_label": d.get_state_display(),
            "level": d.level, "arose_on": d.arose_on, "reported_on": d.reported_on, "due_on": d.due_on,
            "overdue": _overdue(d.due_on), "mediator": d.mediator, "result": d.result,
            "concluded_on": d.concluded_on, "agreement": d.agreement, "amount": d.amount}


def _party(p: DisputeParty) -> dict:
    return {"side": p.side, "name": p.name, "villager": p.member_id is not None,
            "household_id": p.member.household_id if p.member_id else None, "phone": mask_phone(p.phone)}


def _dispute_detail(d: Dispute) -> dict:
    return {**_dispute(d), "summary": d.summary, "parties": [_party(p) for p in d.parties.all()],
            "steps": _steps(d), "source_visit_id": d.source_visit_id, "source_need_id": d.source_need_id,
            "source_request_id": d.source_request_id}


@disputes_router.get("", response=DisputePage, summary="矛盾纠纷（按村、进度、风险等级筛选，分页）")
def dispute_list(request, village: str | None = None, state: str = "", risk: str = "", overdue: bool = False,
                 page: int = 1):
    rows = selectors_cases.dispute_list(user=request.auth, region=_prefix(request.auth, village), state=state,
                                        risk=risk, overdue=overdue)
    current = Paginator(rows, PAGE_SIZE).get_page(page)
    return {"count": current.paginator.count, "page": current.number, "page_size": PAGE_SIZE,
            "items": [_dispute(d) for d in current.object_list]}


@disputes_router.get("/{dispute_id}", response=DisputeDetail, summary="一件矛盾纠纷的案卷（当事人、办理经过）")
def dispute_detail(request, dispute_id: DbId):
    return _dispute_detail(selectors_cases.dispute_get(user=request.auth, pk=dispute_id))


class PartyIn(Schema):
    side: Literal["first", "second"]
    member_id: DbId | None = None
    name: str = Field("", max_length=64)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)


class DisputeIn(Schema):
    village: str = Field(max_length=12)
    title: str = Field(max_length=100)
    summary: str = Field(max_length=5000)
    intake: str = Field(max_length=16)
    category: str = Field(max_length=16)
    risk: str = Field(max_length=8)
    arose_on: datetime.date
    reported_on: datetime.date
    parties: list[PartyIn] = Field(max_length=services_case.MAX_PARTIES)
    visit_id: DbId | None = None
    need_id: DbId | None = None
    request_id: DbId | None = None


@disputes_router.post("", response={201: DisputeDetail}, summary="登记矛盾纠纷（早报告）")
def dispute_open(request, body: DisputeIn):
    data = body.dict()
    village = region_get(user=request.auth, code=data.pop("village"))
    parties = [services_case.Party(**party) for party in data.pop("parties")]
    dispute = services_case.dispute_open(actor=request.auth, village=village, parties=parties, **data)
    return Status(201, _dispute_detail(selectors_cases.dispute_get(user=request.auth, pk=dispute.pk)))


class DisputeStepIn(Schema):
    step: str = Field(max_length=16)
    done_on: datetime.date
    note: str = Text
    mediator: str = Field("", max_length=64)
    result: str = Field("", max_length=16)
    agreement: str = Field("", max_length=8)
    agreement_terms: str = Text
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    perform_by: datetime.date | None = None
    court: str = Field("", max_length=100)


@disputes_router.post("/{dispute_id}/steps", response=DisputeDetail,
                      summary="办理下一环节（早部署、早预防、早排查、早化解、上报乡镇、履行、回访、司法确认）")
def dispute_step(request, dispute_id: DbId, body: DisputeStepIn):
    dispute = selectors_cases.dispute_get(user=request.auth, pk=dispute_id)
    services_case.dispute_step(actor=request.auth, dispute=dispute, **body.dict())
    return _dispute_detail(selectors_cases.dispute_get(user=request.auth, pk=dispute_id))


# --- petitions ---------------------------------------------------------------------------------

class PetitionOut(Schema):
    id: int
    case_no: str
    region: str
    title: str
    petitioner: str
    phone: str
    persons: int
    channel: str
    nature: str
    state: str
    state_label: str
    received_on: datetime.date
    due_on: datetime.date | None
    overdue: bool
    handler: str
    handling_due: datetime.date | None
    replied_on: datetime.date | None
    backlog_leader: str
    backlog_deadline: datetime.date | None


class PetitionDetail(PetitionOut):
    content: str
    reply: str
    steps: list[StepOut]


class PetitionPage(Page):
    items: list[PetitionOut]


def _petition(p: Petition) -> dict:
    return {"id": p.pk, "case_no": p.case_no, "region": p.region_id, "title": p.title, "petitioner": p.petitioner,
            "phone": mask_phone(p.phone), "persons": p.persons, "channel": p.channel, "nature": p.nature,
            "state": p.state, "state_label": p.get_state_display(), "received_on": p.received_on,
            "due_on": p.due_on, "overdue": _overdue(p.due_on), "handler": p.handler, "handling_due": p.handling_due,
            "replied_on": p.replied_on, "backlog_leader": p.backlog_leader, "backlog_deadline": p.backlog_deadline}


def _petition_detail(p: Petition) -> dict:
    return {**_petition(p), "content": p.content, "reply": p.reply, "steps": _steps(p)}


@petitions_router.get("", response=PetitionPage, summary="信访事项（按村、状态筛选，分页；overdue 只看超期）")
def petition_list(request, village: str | None = None, state: str = "", overdue: bool = False,
                  backlog: bool = False, page: int = 1):
    rows = selectors_cases.petition_list(user=request.auth, region=_prefix(request.auth, village), state=state,
                                         overdue=overdue, backlog=backlog)
    current = Paginator(rows, PAGE_SIZE).get_page(page)
    return {"count": current.paginator.count, "page": current.number, "page_size": PAGE_SIZE,
            "items": [_petition(p) for p in current.object_list]}


@petitions_router.get("/{petition_id}", response=PetitionDetail, summary="一件信访事项及其办理经过")
def petition_detail(request, petition_id: DbId):
    return _petition_detail(selectors_cases.petition_get(user=request.auth, pk=petition_id))


class PetitionIn(Schema):
    region: str = Field(max_length=12)
    petitioner: str = Field("", max_length=64)
    member_id: DbId | None = None
    phone: str = Field("", max_length=20)
    persons: int = Field(1, ge=1, le=services_petition.MAX_PERSONS)
    channel: str = Field(max_length=8)
    nature: str = Field(max_length=12)
    title: str = Field(max_length=100)
    content: str = Field(max_length=5000)
    received_on: datetime.date


@petitions_router.post("", response={201: PetitionDetail}, summary="登记信访事项")
def petition_register(request, body: PetitionIn):
    data = body.dict()
    region = region_get(user=request.auth, code=data.pop("region"))
    petition = services_petition.petition_register(actor=request.auth, region=region, **data)
    return Status(201, _petition_detail(selectors_cases.petition_get(user=request.auth, pk=petition.pk)))


class PetitionStepIn(Schema):
    step: str = Field(max_length=20)
    done_on: datetime.date
    note: str = Text
    handler: str = Field("", max_length=100)
    result: str = Field("", max_length=16)
    leader: str = Field("", max_length=100)
    deadline: datetime.date | None = None


@petitions_router.post("/{petition_id}/steps", response=PetitionDetail,
                       summary="办理下一环节（受理、不予受理、延期、答复、复查、复核、办结、列为积案）")
def petition_step(request, petition_id: DbId, body: PetitionStepIn):
    petition = selectors_cases.petition_get(user=request.auth, pk=petition_id)
    services_petition.petition_step(actor=request.auth, petition=petition, **body.dict())
    return _petition_detail(selectors_cases.petition_get(user=request.auth, pk=petition_id))
