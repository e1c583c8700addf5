"""Party API: branches with their counts and warning, one branch (committees, the year's
organisational life, the latest warning and its facts), the development cases, and recording a
step of a case — the same selectors, services, rules and messages as the pages. People are named
only (no identifier)."""

import datetime

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from minxin.core.errors import DomainError
from minxin.core.params import DbId
from minxin.core.schemas import Page
from minxin.party import selectors, services_case
from minxin.party.models import Branch, Case, PartyMember
from minxin.party.rules import branch_kind
from minxin.regions.selectors import region_get

router = Router(tags=["party"])
PAGE_SIZE = 100


def _prefix(user, village: str | None) -> str | None:
    return region_get(user=user, code=village).prefix if village else None


def _page(rows, page: int, item) -> dict:
    current = Paginator(rows, PAGE_SIZE).get_page(page)
    return {"count": current.paginator.count, "page": current.number, "page_size": PAGE_SIZE,
            "items": [item(row) for row in current.object_list]}


class BranchOut(Schema):
    id: int
    village: str
    village_name: str
    township_name: str
    name: str
    full_members: int
    probationary_members: int
    activists: int
    targets: int
    warning_level: int
    warning_on: datetime.date | None


class PostOut(Schema):
    committee: str
    title: str
    holder: str | None
    since: datetime.date | None
    vacant_since: datetime.date | None
    term: str


class LifeOut(Schema):
    kind: str
    label: str
    held: int
    missed: int


class FactOut(Schema):
    rule: str
    label: str
    detail: str
    points: int


class BranchDetail(BranchOut):
    kind: str
    joint_unit: str | None
    posts: list[PostOut]
    life: list[LifeOut]
    facts: list[FactOut]


class BranchPage(Page):
    items: list[BranchOut]


class CaseStepOut(Schema):
    kind: str
    label: str
    on: datetime.date


class CaseOut(Schema):
    id: int
    branch_id: int
    village: str
    person: str
    stage: str
    stage_label: str
    applied_on: datetime.date
    stage_on: datetime.date
    rules_version: str


class CaseDetail(CaseOut):
    steps: list[CaseStepOut]


class CasePage(Page):
    items: list[CaseOut]


def _branch(branch: Branch) -> dict:
    return {"id": branch.pk, "village": branch.village_id, "village_name": branch.village.name,
            "township_name": branch.village.parent.name, "name": branch.name,
            "full_members": branch.full_count, "probationary_members": branch.probationary_count,
            "activists": branch.activist_count, "targets": branch.target_count,
            "warning_level": branch.warning_level, "warning_on": branch.warning_on}


def _case(case: Case) -> dict:
    return {"id": case.pk, "branch_id": case.branch_id, "village": case.branch.village_id, "person": case.person.name,
            "stage": case.stage, "stage_label": case.get_stage_display(), "applied_on": case.applied_on,
            "stage_on": case.stage_on, "rules_version": case.rules_version}


def _case_detail(case: Case) -> dict:
    return {**_case(case), "steps": [{"kind": step.kind, "label": step.get_kind_display(), "on": step.on}
                                     for step in case.steps.all()]}


@router.get("/branches", response=BranchPage, summary="村党组织（党员、积极分子、发展对象人数，最近一次预警等级；按村、预警等级筛选）")
def branch_list(request, village: str | None = None, level: int | None = Query(None, ge=0, le=5), page: int = 1):
    rows = selectors.branch_list(user=request.auth, region=_prefix(request.auth, village), level=level)
    return _page(rows, page, _branch)


@router.get("/branches/{branch_id}", response=BranchDetail, summary="一个村党组织：村两委、本年组织生活、预警及触发事实")
def branch_detail(request, branch_id: DbId):
    branch = selectors.branch_get(user=request.auth, pk=branch_id)
    today = timezone.localdate()
    latest = selectors.latest_warning(branch)
    members = selectors.members(branch).count()
    return {**_branch(branch), "kind": branch_kind(members), "joint_unit": branch.joint_unit.name if branch.joint_unit else None,
            "posts": [{"committee": post.committee, "title": post.title, "holder": post.holder.name if post.holder else None,
                       "since": post.since, "vacant_since": post.vacant_since, "term": f"{post.term_start}-{post.term_end}"}
                      for post in selectors.posts(branch)],
            "life": [{"kind": row["kind"], "label": str(row["label"]), "held": row["held"], "missed": row["missed"]}
                     for row in selectors.calendar(branch, today.year, today)],
            "facts": latest.facts if latest else []}


@router.get("/cases", response=CasePage, summary="发展党员（按村、阶段筛选）")
def case_list(request, village: str | None = None, stage: str = "", page: int = 1):
    rows = selectors.cases(user=request.auth, region=_prefix(request.auth, village),
                           stage=stage if stage in Case.Stage.values else "")
    return _page(rows, page, _case)


@router.get("/cases/{case_id}", response=CaseDetail, summary="一个发展党员案例及其各环节")
def case_detail(request, case_id: DbId):
    return _case_detail(selectors.case_get(user=request.auth, pk=case_id))


class StepIn(Schema):
    kind: str = Field(max_length=16)
    on: datetime.date
    document: str = Field("", max_length=200)
    sponsors: list[DbId] = Field(default_factory=list, max_length=10)
    hours: int | None = Field(None, ge=0, le=1000)
    notice_from: datetime.date | None = None
    entitled: int | None = Field(None, ge=0, le=10000)
    present: int | None = Field(None, ge=0, le=10000)
    votes_for: int | None = Field(None, ge=0, le=10000)
    against: int | None = Field(None, ge=0, le=10000)
    abstain: int | None = Field(None, ge=0, le=10000)
    reason: str = Field("", max_length=500)


@router.post("/cases/{case_id}/steps", response={201: CaseDetail},
             summary="登记发展党员的一个环节（不合规定的环节被拒绝，并引用所依据的规定）")
def step_record(request, case_id: DbId, body: StepIn):
    case = selectors.case_get(user=request.auth, pk=case_id)
    details = body.dict(exclude={"kind", "on", "document", "sponsors", "votes_for"}, exclude_none=True)
    if body.votes_for is not None:
        details["for"] = body.votes_for
    if body.sponsors:
        details["sponsors"] = list(PartyMember.objects.filter(branch=case.branch, pk__in=body.sponsors))
        if len(details["sponsors"]) != len(set(body.sponsors)):
            raise DomainError("sponsor_unknown", _("入党介绍人须为本支部党员。"), field="sponsors")
    services_case.step_record(actor=request.auth, case=case, kind=body.kind, on=body.on, document=body.document,
                              **details)
    return Status(201, _case_detail(selectors.case_get(user=request.auth, pk=case_id)))
