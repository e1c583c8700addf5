"""Demo party branches: one per village, its members from the registry's 中共党员 (topped up to five)
and the village's party cadres, the two committees (a few secretaries' posts vacant), a year of
organisational life (weak branches fall silent for months), development cases at every stage
through the pipeline's services and rules — the applicant, the activist, the target voted on and
waiting for the township's approval, the probationer near confirmation (full members come from the
registry's 中共党员) —, two
reserve cadres, a satisfaction survey, the warnings computed today and a quarter ago, the
rectification of the weak branches (last year's accepted and followed up), and demonstration sites.
The demo accounts' village (the first) has an applicant waiting for the talk and a target waiting
for approval; the second village is weak and under rectification, its month's progress not yet
reported. Own random stream."""

import datetime
import random

from django.utils import timezone

from minxin.cadres.models import Assignment
from minxin.party import services, services_case, services_rect
from minxin.party.models import Branch, Case, Event, PartyMember, Post, Step
from minxin.party.rules import LIFE_EVERY, MONTH, QUARTER, SITE_CODES, add_months, rules, version_on
from minxin.registry.models import Household, Member

TOPICS = {"member_meeting": "学习传达上级会议精神，讨论村级重大事项", "committee": "研究本月重点工作",
          "group": "党小组学习", "lecture": "书记讲党课：铸牢为民服务的初心", "theme_day": "主题党日：走访困难群众、清扫村容",
          "life_meeting": "年度组织生活会：对照检查、批评与自我批评", "appraisal": "民主评议党员"}
PROBLEMS = [("村党组织书记长期空缺", "选优配强书记，从致富能手、退役军人中物色人选", "乡镇党委组织委员"),
            ("组织生活不规范，三会一课不经常", "建立三会一课台账，驻村第一书记每月督促", "驻村第一书记"),
            ("村集体经济薄弱", "谋划合作社项目，申报扶贫基金", "村委会主任"),
            ("群众反映问题回应不及时", "落实干群连心室值班和说事制度", "驻村工作队长")]


def _adults(village, today, *, exclude: set[int] = frozenset(), low: int = 24, high: int = 45, members: bool = False,
            limit: int = 40) -> list[Member]:
    """Up to `limit` villagers aged `low`–`high` (24: still 18 when a four-year-old case began), party
    members or not, outside `exclude` — chosen in SQL, a village holding a thousand people."""
    youngest, oldest = add_months(today, -12 * low), add_months(today, -12 * (high + 1))
    # The village's households first: joined in one statement, PostgreSQL walked the members in
    # (household, id) order for the LIMIT, through most of the county's 600,000 for a late village.
    households = list(Household.objects.filter(village=village).values_list("pk", flat=True))
    rows = Member.objects.filter(household_id__in=households, party_member=members, birth_date__lte=youngest,
                                 birth_date__gt=oldest).exclude(pk__in=exclude).only(
        "id", "birth_date", "name", "village_code", "party_member", "household_id").order_by("household_id", "id")[:limit]
    return list(rows)


def _members(rng, branch, village, today) -> list[PartyMember]:
    registered = _adults(village, today, low=18, high=90, members=True, limit=60)
    if len(registered) < 5:
        extra = rng.sample(_adults(village, today, low=30, high=70), 5 - len(registered))
        Member.objects.filter(pk__in=[p.pk for p in extra]).update(party_member=True)
        for person in extra:
            person.party_member = True
        registered += extra
    rows = [PartyMember(branch=branch, person=p, joined_on=_joined(rng, p, today), status=PartyMember.Status.FULL)
            for p in registered]
    for row in rows:
        row.full_on = add_months(row.joined_on, 12)
    cadres = Assignment.objects.filter(village=village).active().filter(cadre__is_party_member=True,
                                                                          cadre__party_membership__isnull=True)
    rows += [PartyMember(branch=branch, cadre_id=cadre_id, joined_on=datetime.date(2005, 7, 1),
                         full_on=datetime.date(2006, 7, 1)) for cadre_id in cadres.values_list("cadre_id", flat=True)]
    return PartyMember.objects.bulk_create(rows)


def _joined(rng, person, today) -> datetime.date:
    start = max(person.birth_date.year + 20, 1970)
    return datetime.date(min(start + rng.randint(0, 20), today.year - 3), rng.randint(1, 12), rng.randint(1, 28))


def _posts(rng, branch, members, today, weak: bool) -> None:
    people = [m.person for m in members if m.person_id]
    term = 2021 + (today.year - 2021) // 5 * 5  # the general elections of 2021, 2026, …
    if datetime.date(term, 3, 15) > today:
        term -= 5
    seats = [(Post.Committee.PARTY, Post.Title.SECRETARY), (Post.Committee.PARTY, Post.Title.DEPUTY),
             (Post.Committee.PARTY, Post.Title.MEMBER), (Post.Committee.VILLAGE, Post.Title.DIRECTOR),
             (Post.Committee.VILLAGE, Post.Title.VICE_DIRECTOR), (Post.Committee.VILLAGE, Post.Title.MEMBER)]
    for index, (committee, title) in enumerate(seats):
        vacant = weak and title == Post.Title.SECRETARY
        holder = None if vacant else people[index % len(people)] if index != 3 else people[0]  # 一肩挑
        since = today - datetime.timedelta(days=150) if vacant else datetime.date(term, 3, 15)
        services.post_save(actor=None, branch=branch, committee=committee, title=title, term_start=term, holder=holder,
                           since=since)


def _life(rng, branch, members, today, weak: bool) -> int:
    """A year of organisational life up to today; a weak branch stops four months ago."""
    start = add_months(today.replace(day=1), -11)
    silent_from = add_months(today, -4) if weak else None
    events, attendance = [], []
    for kind, every in LIFE_EVERY.items():
        step = {MONTH: 1, QUARTER: 3}.get(every, 12)
        month = start if every == MONTH else start.replace(month=(start.month - 1) // 3 * 3 + 1) if every == QUARTER \
            else datetime.date(today.year - 1, 12, 1)
        while month <= today:
            day = month.replace(day=rng.randint(3, 25))
            if day <= today and not (silent_from and day >= silent_from) and rng.random() > 0.05:
                events.append(Event(branch=branch, kind=kind, held_on=day, topic=TOPICS[kind], expected=len(members)))
            month = add_months(month, step)
    events = Event.objects.bulk_create(events)
    for event in events:
        if event.kind in ("member_meeting", "life_meeting"):
            present = rng.sample(members, max(1, int(len(members) * rng.uniform(0.75, 1))))
            attendance += [Event.attendees.through(event_id=event.pk, partymember_id=m.pk) for m in present]
    Event.attendees.through.objects.bulk_create(attendance)
    return len(events)


def _case(rng, branch, person, sponsors, applied: datetime.date, stop_at: str, today) -> Case:
    """A case from its application to `stop_at` (a Step.Kind), every step through the services."""
    case = services_case.case_open(actor=None, branch=branch, person=person, applied_on=applied)
    r = rules(version_on(applied))
    plan = [(Step.Kind.TALK, applied + datetime.timedelta(days=rng.randint(5, 25)), {}),
            (Step.Kind.ACTIVIST, applied + datetime.timedelta(days=40), {})]
    activist = applied + datetime.timedelta(days=40)
    plan += [(Step.Kind.REVIEW, add_months(activist, 6 * n), {}) for n in (1, 2)]
    target = add_months(activist, r.activist_months) + datetime.timedelta(days=10)
    notice_from = target + datetime.timedelta(days=20)
    until = notice_from + datetime.timedelta(days=11)
    meeting = until + datetime.timedelta(days=3)
    approve = meeting + datetime.timedelta(days=25)
    plan += [(Step.Kind.TARGET, target, {"sponsors": sponsors}), (Step.Kind.POLITICAL, target + datetime.timedelta(days=15), {}),
             (Step.Kind.TRAINING, target + datetime.timedelta(days=18), {"hours": r.training_hours + 8}),
             (Step.Kind.NOTICE, until, {"notice_from": notice_from}),
             (Step.Kind.MEETING, meeting, {"entitled": 20, "present": 18, "for": 17, "against": 0, "abstain": 1}),
             (Step.Kind.APPROVE, approve, {}), (Step.Kind.OATH, approve + datetime.timedelta(days=5), {}),
             (Step.Kind.CONFIRM, add_months(approve, r.probation_months) + datetime.timedelta(days=3), {})]
    for kind, on, details in plan:
        if on > today:
            break
        services_case.step_record(actor=None, case=case, kind=kind, on=on, **details)
        if kind == stop_at:
            break
    return case


def _cases(rng, branch, members, village, today, *, first: bool, weak: bool) -> int:
    sponsors = [m for m in members if m.person_id][:2]
    pool = _adults(village, today)
    rng.shuffle(pool)
    made = 0
    # (how long ago the application was, the step the case stops at)
    plans = [(10, Step.Kind.APPLY), (300, Step.Kind.REVIEW)]
    if not weak:
        plans += [(rng.randint(430, 460), Step.Kind.TARGET)] if rng.random() < 0.45 else []
        plans += [(480 if first else rng.randint(470, 520), Step.Kind.MEETING)] if first or rng.random() < 0.25 else []
        plans += [(rng.randint(815, 835), Step.Kind.OATH)] if rng.random() < 0.25 else []
    for (days, stop_at), person in zip(plans, pool, strict=False):
        if stop_at == Step.Kind.APPLY:
            services_case.case_open(actor=None, branch=branch, person=person,
                                    applied_on=today - datetime.timedelta(days=days if first else rng.randint(30, 60)))
            if not first:  # the demo accounts' village keeps its applicant waiting for the talk
                case = Case.objects.get(person=person)
                services_case.step_record(actor=None, case=case, kind=Step.Kind.TALK,
                                          on=case.applied_on + datetime.timedelta(days=7))
        else:
            _case(rng, branch, person, sponsors, today - datetime.timedelta(days=days), stop_at, today)
        made += 1
    return made


def _reserves(rng, branch, members, village, today) -> int:
    taken = set(Case.objects.filter(branch=branch).values_list("person_id", flat=True))
    pool = _adults(village, today, exclude=taken, low=22, high=40, limit=20)
    for person, kind in zip(rng.sample(pool, min(2, len(pool))), ("reserve", "goose"), strict=False):
        services.reserve_save(actor=None, village=village, person=person, pool=kind,
                              since=today - datetime.timedelta(days=rng.randint(60, 700)),
                              training="参加县级村干部示范培训班，跟班学习村务管理", mentor=members[0])
    return min(2, len(pool))


def _rectify(rng, branch, unit, today, *, accepted: bool) -> None:
    year = today.year - 1 if accepted else today.year
    listed = datetime.date(year, 2, 20)
    rect = services_rect.rectification_list(
        actor=None, branch=branch, year=year, listed_on=listed, decision=f"沿党发〔{year}〕12号",
        reasons="书记长期空缺，组织生活不正常，群众满意度低", leader=rng.choice(["县委副书记", "县委组织部部长", "县人大常委会副主任"]),
        unit=unit)
    for problem, measure, owner in PROBLEMS[:3]:
        item = services_rect.item_add(actor=None, rect=rect, problem=problem, measure=measure, owner=owner,
                                      deadline=add_months(listed, rng.randint(3, 8)))
        if accepted or rng.random() < 0.4:
            services_rect.item_sign_off(actor=None, item=item, done_on=min(add_months(listed, 3), today))
    month = listed.replace(day=1)
    last = add_months(listed, 9) if accepted else add_months(today.replace(day=1), -1)
    while month <= last:
        services_rect.progress_record(actor=None, rect=rect, month=month, note="按整改方案推进，召开专题组织生活会一次")
        month = add_months(month, 1)
    if accepted:
        accepted_on = datetime.date(year, 12, 10)
        rect = services_rect.accept(actor=None, rect=rect, accepted_on=accepted_on, score=rng.choice([78, 82, 86]),
                             respondents=60, dissatisfied=rng.randint(2, 10))
        services_rect.follow_up_record(actor=None, rect=rect, on=min(add_months(accepted_on, 6), today),
                                       finding="整改成果巩固，组织生活正常", relapsed=False)


def generate(ctx) -> None:
    rng = random.Random(ctx.seed + 17)
    today = timezone.localdate()
    counts = {"party_branches": 0, "party_members": 0, "party_events": 0, "party_cases": 0, "party_reserves": 0}
    weak_branches, good_branches = [], []
    for index, village in enumerate(ctx.villages):
        weak = index == 1 or (index > 1 and rng.random() < 0.08)
        branch = services.branch_save(actor=None, village=village, name=f"中共{village.name}支部委员会",
                                      founded_on=datetime.date(rng.randint(1952, 1998), 7, 1),
                                      joint_unit=rng.choice(ctx.units) if ctx.units and rng.random() < 0.3 else None,
                                      contact_unit=rng.choice(ctx.units) if ctx.units else None)
        members = _members(rng, branch, village, today)
        _posts(rng, branch, members, today, weak)
        counts["party_events"] += _life(rng, branch, members, today, weak)
        counts["party_cases"] += _cases(rng, branch, members, village, today, first=index == 0, weak=weak)
        counts["party_reserves"] += _reserves(rng, branch, members, village, today)
        share = rng.uniform(0.45, 0.58) if weak else rng.uniform(0.78, 0.97)
        services.survey_record(actor=None, branch=branch, held_on=today - datetime.timedelta(days=rng.randint(20, 80)),
                               respondents=50, satisfied=int(50 * share), dissatisfied=50 - int(50 * share) - 2)
        counts["party_branches"] += 1
        counts["party_members"] += len(members)
        (weak_branches if weak else good_branches).append(branch)
    for number, branch in enumerate(weak_branches):
        unit = ctx.units[number % len(ctx.units)]
        _rectify(rng, branch, unit, today, accepted=False)
    for branch in rng.sample(good_branches, min(len(good_branches), max(1, len(good_branches) // 25))):
        _rectify(rng, branch, ctx.units[0], today, accepted=True)
    for branch in rng.sample(good_branches, min(len(good_branches), max(1, len(good_branches) // 20))):
        site = services.site_propose(actor=None, branch=branch, year=today.year - 1, feature="党建引领产业发展，联建共建成效明显")
        services.site_review(actor=None, site=site, criteria=dict.fromkeys(SITE_CODES, True),
                             reviewed_on=datetime.date(today.year - 1, 12, 20), review="各项标准达标，予以命名",
                             status="named")
    branches = list(Branch.objects.select_related("village"))
    services_rect.warnings_store(actor=None, branches=branches, day=today - datetime.timedelta(days=90))
    counts["party_warned"] = services_rect.warnings_store(actor=None, branches=branches, day=today)
    ctx.counts.update(counts)
