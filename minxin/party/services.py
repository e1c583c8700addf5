"""Writes of the branch's own records: the branch, the two committees' seats, members from the
registry or the cadres, dual contacts, organisational life, satisfaction surveys, reserve cadres,
manual warning flags and demonstration sites. Each checks the actor's capability and scope, refuses
bad input with the field named, and writes an audit event. The development pipeline is
`services_case`, rectification `services_rect`, the computed warning `warnings`."""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.cadres.models import Cadre, SendingUnit
from minxin.core.audit import audit_record, changed_fields, locked, snapshot
from minxin.core.errors import DomainError
from minxin.core.guards import acting_user, require, require_scope
from minxin.core.validation import check_text, not_before, past_date
from minxin.party.models import Branch, Case, Contact, Event, Flag, PartyMember, Post, Reserve, Site, Survey
from minxin.party.rules import LIFE_EVERY, SITE_CODES
from minxin.regions import codes
from minxin.regions.models import Region
from minxin.registry.models import Household, Member

MAX_LEVEL = 5
MAX_SURVEYED = 100_000  # more villagers than any village has; keeps the counts inside a database integer
PARTY_FOUNDED = 1921  # the earliest year a branch was founded or a member joined


def _audit(actor: User | None, action: str, obj: Model, village: str, **change: dict) -> None:
    audit_record(actor=actor, action=action, obj=obj, region_code=village, **change)


def branch_save(*, actor: User | None, village: Region, name: str, founded_on: datetime.date | None = None,
                joint_unit: SendingUnit | None = None, contact_unit: SendingUnit | None = None) -> Branch:
    """The village's branch, created on first save, edited after."""
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, village.code, field="village")
    if village.level != codes.VILLAGE:
        raise DomainError("not_village", _("党组织须建在村一级。"), field="village")
    name = check_text(name, field="name", required=True, max_length=100)
    past_date(founded_on, "founded_on", required=False, earliest=PARTY_FOUNDED)
    with transaction.atomic():
        branch = Branch.objects.select_for_update().filter(village=village).first()
        before = snapshot(branch) if branch else None
        if branch is None:
            branch = Branch(village=village)
        branch.name, branch.founded_on, branch.joint_unit, branch.contact_unit = name, founded_on, joint_unit, contact_unit
        branch.save()
        before, after = changed_fields(before or {}, snapshot(branch))
        _audit(actor, "party.branch", branch, village.code, before=before, after=after)
    return branch


def _village_person(branch: Branch, person: Member | None, field: str) -> None:
    if person is not None and person.village_code != branch.village_id:
        raise DomainError("not_in_village", _("须为本村村民。"), field=field)


def post_save(*, actor: User | None, branch: Branch, committee: str, title: str, term_start: int,
              holder: Member | None, since: datetime.date | None, post: Post | None = None) -> Post:
    """A committee seat filled by `holder` since `since`, or vacant since `since` (holder None)."""
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, branch.village_id)
    if committee not in Post.Committee.values or title not in Post.Title.values:
        raise DomainError("invalid", _("请选择班子和职务。"), field="title")
    if not 2000 <= term_start <= timezone.localdate().year:
        raise DomainError("invalid_year", _("本届起始年份应在 2000 年至今年之间。"), field="term_start")
    past_date(since, "since")
    assert since is not None
    _village_person(branch, holder, "holder")
    if holder is not None and committee == Post.Committee.PARTY and not PartyMember.objects.filter(
            person=holder, left_on__isnull=True).exists():
        raise DomainError("not_member", _("村党组织委员会成员须为党员。"), field="holder")
    with transaction.atomic():
        before = snapshot(locked(post)) if post is not None else {}
        post = post or Post(branch=branch)
        post.committee, post.title, post.term_start, post.holder = committee, title, term_start, holder
        post.since, post.vacant_since = (since, None) if holder is not None else (None, since)
        post.save()
        before, after = changed_fields(before, snapshot(post))
        _audit(actor, "party.post", post, branch.village_id, before=before, after=after)
    return post


@transaction.atomic
def member_add(*, actor: User | None, branch: Branch, joined_on: datetime.date, person: Member | None = None,
               cadre: Cadre | None = None, status: str = PartyMember.Status.FULL) -> PartyMember:
    """A member who joined elsewhere or before Minxin (a case's admission adds its own): a villager of
    the registry or a cadre, never both."""
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, branch.village_id)
    if (person is None) == (cadre is None):
        raise DomainError("person_or_cadre", _("请选择本村村民或驻村干部之一。"), field="person")
    _village_person(branch, person, "person")
    if person is not None and Case.objects.filter(person=person).exclude(stage__in=[Case.Stage.FULL,
                                                                                  Case.Stage.STOPPED]).exists():
        raise DomainError("case_open", _("此人有正在进行的发展党员记录：由该记录的审批步骤登记入党。"), field="person")
    if status not in PartyMember.Status.values:
        raise DomainError("invalid", _("请选择党员类别。"), field="status")
    past_date(joined_on, "joined_on", earliest=PARTY_FOUNDED)
    try:
        with transaction.atomic():
            member = PartyMember.objects.create(branch=branch, person=person, cadre=cadre, joined_on=joined_on,
                                                status=status, full_on=joined_on if status == "full" else None)
            if person is not None:
                Member.objects.filter(pk=person.pk).update(party_member=True)
    except IntegrityError:
        raise DomainError("already_member", _("此人已在党员名册中。"), field="person") from None
    _audit(actor, "party.member", member, branch.village_id, after={"joined_on": joined_on.isoformat(), "status": status})
    return member


@transaction.atomic
def contact_add(*, actor: User | None, branch: Branch, member: PartyMember, household: Household,
                since: datetime.date) -> Contact:
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, branch.village_id)
    if member.branch_id != branch.pk or household.village_id != branch.village_id:
        raise DomainError("not_in_village", _("联系党员和农户须在本村。"), field="household")
    past_date(since, "since")
    try:
        with transaction.atomic():
            contact = Contact.objects.create(branch=branch, member=member, household=household, since=since)
    except IntegrityError:
        raise DomainError("duplicate", _("该党员已联系这一户。"), field="household") from None
    _audit(actor, "party.contact", contact, branch.village_id, after={"member": member.pk, "household": household.pk})
    return contact


def event_record(*, actor: User | None, branch: Branch, kind: str, held_on: datetime.date, topic: str,
                 attendees: Iterable[PartyMember], note: str = "") -> Event:
    """A meeting of organisational life with its attendance; the members expected are those of the
    branch on the day (joined on or before, not left)."""
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, branch.village_id)
    if kind not in LIFE_EVERY:
        raise DomainError("invalid", _("请选择组织生活类别。"), field="kind")
    past_date(held_on, "held_on")
    topic = check_text(topic, field="topic", required=True, max_length=200)
    note = check_text(note, field="note")
    attendees = list(attendees)
    if any(member.branch_id != branch.pk for member in attendees):
        raise DomainError("not_member", _("参加人须为本支部党员。"), field="attendees")
    expected = PartyMember.objects.filter(branch=branch, joined_on__lte=held_on).exclude(left_on__lte=held_on).count()
    with transaction.atomic():
        event = Event.objects.create(branch=branch, kind=kind, held_on=held_on, topic=topic, note=note,
                                     expected=expected, recorded_by=acting_user(actor))
        event.attendees.set(attendees)
        _audit(actor, "party.event", event, branch.village_id,
               after={"kind": kind, "held_on": held_on.isoformat(), "attended": len(attendees), "expected": expected})
    return event


@transaction.atomic
def survey_record(*, actor: User | None, branch: Branch, held_on: datetime.date, respondents: int, satisfied: int,
                  dissatisfied: int) -> Survey:
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, branch.village_id)
    past_date(held_on, "held_on")
    if respondents > MAX_SURVEYED:
        raise DomainError("too_many", _("参加测评人数不能超过 %(n)d。") % {"n": MAX_SURVEYED}, field="respondents")
    if respondents <= 0 or satisfied < 0 or dissatisfied < 0 or satisfied + dissatisfied > respondents:
        raise DomainError("counts", _("满意和不满意人数之和不能超过参加测评人数，参加人数须大于 0。"), field="satisfied")
    survey = Survey.objects.create(branch=branch, held_on=held_on, respondents=respondents, satisfied=satisfied,
                                   dissatisfied=dissatisfied)
    _audit(actor, "party.survey", survey, branch.village_id,
           after={"held_on": held_on.isoformat(), "respondents": respondents, "satisfied": satisfied})
    return survey


@transaction.atomic
def reserve_save(*, actor: User | None, village: Region, person: Member, pool: str, since: datetime.date,
                 training: str = "", mentor: PartyMember | None = None, outcome: str = Reserve.Outcome.TRAINING,
                 outcome_on: datetime.date | None = None, reserve: Reserve | None = None) -> Reserve:
    """A reserve cadre or 领头雁 of the village: who, since when, training, mentor, outcome."""
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, village.code, field="village")
    if person.village_code != village.code:
        raise DomainError("not_in_village", _("须为本村村民。"), field="person")
    if pool not in Reserve.Pool.values or outcome not in Reserve.Outcome.values:
        raise DomainError("invalid", _("请选择类别和培养结果。"), field="pool")
    past_date(since, "since")
    if outcome == Reserve.Outcome.TRAINING:
        outcome_on = None
    else:
        past_date(outcome_on, "outcome_on")
        assert outcome_on is not None
        not_before(outcome_on, since, field="outcome_on", what=_("纳入日期"))
    if mentor is not None and mentor.branch.village_id != village.code:
        raise DomainError("not_member", _("培养联系人须为本村党员。"), field="mentor")
    training = check_text(training, field="training")
    try:
        with transaction.atomic():
            before = snapshot(locked(reserve)) if reserve is not None else {}
            reserve = reserve or Reserve(village=village)
            reserve.person, reserve.pool, reserve.since, reserve.training = person, pool, since, training
            reserve.mentor, reserve.outcome, reserve.outcome_on = mentor, outcome, outcome_on
            reserve.save()
            before, after = changed_fields(before, snapshot(reserve))
            _audit(actor, "party.reserve", reserve, village.code, before=before, after=after)
    except IntegrityError:
        raise DomainError("duplicate", _("此人已在该类名单中。"), field="person") from None
    return reserve


@transaction.atomic
def flag_raise(*, actor: User | None, branch: Branch, level: int, reason: str, raised_on: datetime.date) -> Flag:
    require(actor, roles.APPROVE_PARTY)
    require_scope(actor, branch.village_id)
    if not 1 <= level <= MAX_LEVEL:
        raise DomainError("invalid_level", _("预警等级为 1 至 %(n)d 级。") % {"n": MAX_LEVEL}, field="level")
    reason = check_text(reason, field="reason", required=True)
    past_date(raised_on, "raised_on")
    flag = Flag.objects.create(branch=branch, level=level, reason=reason, raised_on=raised_on,
                               raised_by=acting_user(actor))
    _audit(actor, "party.flag", flag, branch.village_id, after={"level": level, "raised_on": raised_on.isoformat()})
    return flag


def flag_clear(*, actor: User | None, flag: Flag, cleared_on: datetime.date) -> Flag:
    require(actor, roles.APPROVE_PARTY)
    require_scope(actor, flag.branch.village_id)
    past_date(cleared_on, "cleared_on")
    not_before(cleared_on, flag.raised_on, field="cleared_on", what=_("标记日期"))
    with transaction.atomic():
        flag = locked(flag)
        if flag.cleared_on is not None:
            raise DomainError("cleared", _("该标记已解除。"))
        flag.cleared_on = cleared_on
        flag.save(update_fields=["cleared_on", "updated_at"])
        _audit(actor, "party.flag_clear", flag, flag.branch.village_id, after={"cleared_on": cleared_on.isoformat()})
    return flag


@transaction.atomic
def site_propose(*, actor: User | None, branch: Branch, year: int, feature: str) -> Site:
    require(actor, roles.KEEP_PARTY)
    require_scope(actor, branch.village_id)
    feature = check_text(feature, field="feature", required=True, max_length=200)
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise DomainError("invalid_year", _("年度不正确。"), field="year")
    try:
        with transaction.atomic():
            site = Site.objects.create(branch=branch, year=year, feature=feature)
    except IntegrityError:
        raise DomainError("duplicate", _("本村该年度已申报示范点。"), field="year") from None
    _audit(actor, "party.site", site, branch.village_id, after={"year": year, "feature": feature})
    return site


# What a review may make of a site: a proposal is named or refused; a refused one may be reviewed
# again; a named one reviewed again stays named or is revoked; a revoked one is proposed anew.
SITE_REVIEWS: dict[str, set[str]] = {
    Site.Status.PROPOSED: {Site.Status.NAMED, Site.Status.REFUSED},
    Site.Status.REFUSED: {Site.Status.NAMED, Site.Status.REFUSED},
    Site.Status.NAMED: {Site.Status.NAMED, Site.Status.REVOKED},
    Site.Status.REVOKED: set(),
}


def site_review(*, actor: User | None, site: Site, criteria: dict[str, bool], reviewed_on: datetime.date,
                review: str, status: str) -> Site:
    """The county reviews a site: every criterion must be met to name it."""
    require(actor, roles.DIRECT_PARTY)
    require_scope(actor, site.branch.village_id)
    past_date(reviewed_on, "reviewed_on")
    review = check_text(review, field="review")
    if status not in (Site.Status.NAMED, Site.Status.REFUSED, Site.Status.REVOKED):
        raise DomainError("invalid", _("请选择评审结论。"), field="status")
    met = {code: bool(criteria.get(code)) for code in SITE_CODES}
    if status == Site.Status.NAMED and not all(met.values()):
        raise DomainError("criteria", _("所有示范标准达标方可命名为示范点。"), field="criteria")
    with transaction.atomic():
        site = locked(site)
        if status not in SITE_REVIEWS[site.status]:
            raise DomainError("site_transition", _("“%(now)s”的示范点不能评为“%(status)s”。") % {
                "now": site.get_status_display(), "status": Site.Status(status).label}, field="status")
        before = snapshot(site)
        site.criteria, site.reviewed_on, site.review, site.status = met, reviewed_on, review, status
        site.save()
        before, after = changed_fields(before, snapshot(site))
        _audit(actor, "party.site_review", site, site.branch.village_id, before=before, after=after)
    return site
