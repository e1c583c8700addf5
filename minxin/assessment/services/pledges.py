"""年初承诺 and 年终评诺: a cadre files and submits, the township makes it public and reviews it."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.assessment.hearts import HEART_CODES
from minxin.assessment.models import Pledge, PledgeBoard, PledgeDelivery, PledgeItem
from minxin.assessment.services.common import clean_text
from minxin.cadres.models import Assignment, Cadre
from minxin.core.audit import audit_record, snapshot
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.guards import require, require_scope

MAX_ITEMS = 30


def _own(actor: User | None, cadre: Cadre) -> None:
    if actor is not None and cadre.user_id != actor.pk:
        raise PermissionDenied(_("只能填报本人的年初承诺。"), code="not_own_pledge")


def _clean_items(items: list[dict]) -> list[dict]:
    clean = []
    for index, item in enumerate(items, start=1):
        heart = (item.get("heart") or "").strip()
        text, measure = (item.get("text") or "").strip(), (item.get("measure") or "").strip()
        if not (text or measure):
            continue  # an empty row of the form
        if heart not in HEART_CODES:
            raise DomainError("invalid_heart", _("第 %(n)d 项：请选择所属的“心”。") % {"n": index}, field="items")
        if not text or not measure:
            raise DomainError("item_incomplete", _("第 %(n)d 项：承诺事项和衡量标准都要填写（承诺须可衡量）。")
                              % {"n": index}, field="items")
        clean.append({"heart": heart, "text": text[:300], "measure": measure[:200]})
    if not clean:
        raise DomainError("no_items", _("请至少填写一项承诺。"), field="items")
    if len(clean) > MAX_ITEMS:
        raise DomainError("too_many_items", _("承诺事项最多 %(n)d 项。") % {"n": MAX_ITEMS}, field="items")
    return clean


@transaction.atomic
def pledge_save(*, actor: User | None, cadre: Cadre, year: int, items: list[dict]) -> Pledge:
    """Create or change a cadre's pledge for a year (before it is made public)."""
    require(actor, roles.FILE_PLEDGE)
    _own(actor, cadre)
    today = timezone.localdate()
    if year not in (today.year, today.year + 1):
        raise DomainError("invalid_year", _("只能填报今年或明年的承诺。"), field="year")
    clean = _clean_items(items)
    pledge = Pledge.objects.select_for_update().filter(cadre=cadre, year=year).first()
    if pledge is not None and pledge.is_public:
        raise DomainError("pledge_public", _("%(year)s 年承诺已于 %(date)s 公开，不能再修改。")
                          % {"year": year, "date": timezone.localtime(pledge.published_at).strftime("%Y-%m-%d")})
    assignment = (cadre.assignments.filter(status=Assignment.Status.ACTIVE).order_by("-start_date").first())
    if assignment is None:
        raise DomainError("not_assigned", _("%(name)s 当前没有在岗的驻村任职。") % {"name": cadre.name})
    creating = pledge is None
    if pledge is None:
        before = None
        pledge = Pledge.objects.create(cadre=cadre, year=year, village_id=assignment.village_id)
    else:
        before = {"items": [(i.heart, i.text, i.measure) for i in pledge.items.all()]}
        pledge.items.all().delete()
    PledgeItem.objects.bulk_create([PledgeItem(pledge=pledge, position=n, **item) for n, item in enumerate(clean)])
    audit_record(actor=actor, action="pledge.create" if creating else "pledge.update", obj=pledge,
                 region_code=pledge.village_id, before=before,
                 after={"items": [(i["heart"], i["text"], i["measure"]) for i in clean]})
    return pledge


@transaction.atomic
def pledge_submit(*, actor: User | None, pledge: Pledge) -> Pledge:
    require(actor, roles.FILE_PLEDGE)
    pledge = Pledge.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=pledge.pk)
    _own(actor, pledge.cadre)
    if pledge.status != Pledge.Status.DRAFT:
        raise DomainError("already_submitted", _("承诺已提交（%(status)s）。") % {"status": pledge.get_status_display()})
    pledge.status, pledge.submitted_at = Pledge.Status.SUBMITTED, timezone.now()
    pledge.save()
    audit_record(actor=actor, action="pledge.submit", obj=pledge, region_code=pledge.village_id,
                 before={"status": "draft"}, after={"status": pledge.status})
    return pledge


@transaction.atomic
def pledge_publish(*, actor: User | None, pledge: Pledge) -> Pledge:
    """The township checks a submitted pledge and makes it public on the village page."""
    require(actor, roles.REVIEW_PLEDGES)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    require_scope(actor, pledge.village_id)
    if pledge.status != Pledge.Status.SUBMITTED:
        message = (_("承诺已公开。") if pledge.is_public else _("承诺尚未提交，不能公开。"))
        raise DomainError("not_submitted", message)
    pledge.status, pledge.published_at, pledge.published_by = Pledge.Status.PUBLIC, timezone.now(), actor
    pledge.save()
    PledgeBoard.objects.get_or_create(village_id=pledge.village_id)
    audit_record(actor=actor, action="pledge.publish", obj=pledge, region_code=pledge.village_id,
                 before={"status": "submitted"}, after={"status": "public"})
    return pledge


def may_deliver(user: User | None, pledge: Pledge) -> bool:
    """The cadre who made the pledge, or whoever reviews pledges, records its filing."""
    return user is None or user.can(roles.REVIEW_PLEDGES) or (pledge.cadre.user_id == user.pk
                                                               and user.can(roles.FILE_PLEDGE))


@transaction.atomic
def pledge_deliver(*, actor: User | None, pledge: Pledge, audience: str, delivered_on: datetime.date,
                   note: str = "") -> PledgeDelivery:
    """Record that the pledge was filed with one of its audiences (the cadre, or the township that
    reviews pledges). Recording an audience again corrects its date and note."""
    if not may_deliver(actor, pledge):
        raise PermissionDenied(_("只有本人或审核承诺的乡镇、县级人员可以登记承诺报送。"), code="not_allowed")
    require_scope(actor, pledge.village_id)
    if audience not in PledgeDelivery.Audience.values:
        raise DomainError("invalid_audience", _("请选择承诺对象。"), field="audience")
    if pledge.status == Pledge.Status.DRAFT:
        raise DomainError("draft", _("承诺提交后才能登记报送。"))
    today = timezone.localdate()
    if not datetime.date(pledge.year - 1, 1, 1) <= delivered_on <= today:
        raise DomainError("invalid_date", _("报送日期应在 %(start)s 与今天之间。") % {"start": f"{pledge.year - 1}-01-01"},
                          field="delivered_on")
    note = (note or "").strip()[:200]
    existing = PledgeDelivery.objects.select_for_update().filter(pledge=pledge, audience=audience).first()
    before = {"delivered_on": existing.delivered_on.isoformat(), "note": existing.note} if existing else None
    record, _created = PledgeDelivery.objects.update_or_create(
        pledge=pledge, audience=audience, defaults={"delivered_on": delivered_on, "note": note, "recorded_by": actor})
    audit_record(actor=actor, action="pledge.deliver", obj=pledge, region_code=pledge.village_id, before=before,
                 after={"audience": audience, "delivered_on": delivered_on.isoformat(), "note": note})
    return record


@transaction.atomic
def pledge_review(*, actor: User | None, item: PledgeItem, result: str, evidence: str) -> PledgeItem:
    """年终评诺 of one item: fulfilled / partly / not, with the evidence."""
    require(actor, roles.REVIEW_PLEDGES)
    item = PledgeItem.objects.select_for_update(of=("self",)).select_related("pledge").get(pk=item.pk)
    require_scope(actor, item.pledge.village_id)
    if not item.pledge.is_public:
        raise DomainError("not_public", _("承诺公开后才能评诺。"))
    if result not in PledgeItem.Result.values:
        raise DomainError("invalid_result", _("请选择评诺结果。"), field="result")
    evidence = clean_text(evidence, field="evidence", message=_("请填写评诺依据。"))
    before = snapshot(item, exclude=("pledge",))
    item.result, item.evidence, item.reviewed_by, item.reviewed_at = result, evidence, actor, timezone.now()
    item.save()
    audit_record(actor=actor, action="pledge.review", obj=item, region_code=item.pledge.village_id,
                 before={"result": before["result"]}, after={"result": result, "evidence": evidence})
    return item
