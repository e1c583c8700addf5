"""Demo sending units, cadres (about three per village), assignments, insurance and leave."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from faker import Faker

from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.cadres.models import Assignment, Cadre, Insurance, LeaveRequest, SendingUnit, UnitStaff
from minxin.cadres.services import leave_level
from minxin.core.pinyin import pinyin_key
from minxin.demo.names import INSURERS, LEAVE_REASONS, UNIT_BASES
from minxin.demo.people import IdentityMaker

ROLES = [Assignment.Role.FIRST_SECRETARY, Assignment.Role.TEAM_LEADER, Assignment.Role.TEAM_MEMBER,
         Assignment.Role.TEAM_MEMBER]


def _units(ctx) -> list[SendingUnit]:
    needed = max(8, len(ctx.villages) // 3)
    units = []
    for index in range(needed):
        name, level, kind = UNIT_BASES[index % len(UNIT_BASES)]
        if index >= len(UNIT_BASES):  # county scale: more units than the base list, e.g. 县财政局（二组）
            name = f"{name}（第{index // len(UNIT_BASES) + 1}批）"
        units.append(SendingUnit(name=name, level=level, kind=kind, county_code=ctx.county,
                                 contact_name=ctx.faker.name()))
    return SendingUnit.objects.bulk_create(units)


STAFF_POSTS = ["科长", "副科长", "科员", "干部", "副主任", "专业技术人员"]


def _unit_staff(ctx) -> None:
    """Each unit's helping staff (一人驻村，全单位帮扶), drawn from their own random streams so that
    adding them left the rest of the demo as it was."""
    rng = random.Random(ctx.seed + 5)
    faker = Faker("zh_CN")
    faker.seed_instance(ctx.seed + 5)
    people = IdentityMaker(rng)
    staff = []
    for unit in ctx.units:
        for name in sorted({people.name(faker, rng.choice("MF")) for _ in range(rng.randint(3, 6))}):
            staff.append(UnitStaff(sending_unit=unit, name=name, name_pinyin=pinyin_key(name), position=rng.choice(STAFF_POSTS)))
    UnitStaff.objects.bulk_create(staff, batch_size=1000)
    for member in staff:
        ctx.unit_staff.setdefault(member.sending_unit_id, []).append(member)
    ctx.counts.update(unit_staff=len(staff))


def generate(ctx) -> None:
    today = timezone.localdate()
    people = IdentityMaker(ctx.rng, ctx.county, ctx.id_numbers)
    ctx.people = people
    units = _units(ctx)
    for unit in units:
        unit.contact_phone = people.mobile()
    SendingUnit.objects.bulk_update(units, ["contact_phone"])
    cadres, assignments = [], []
    for village in ctx.villages:
        for slot in range(ctx.rng.randint(*ctx.scale.cadres_per_village)):
            sex = "M" if ctx.rng.random() < 0.72 else "F"
            birth = people.birth_date(min_age=26, max_age=55, today=today)
            name = people.name(ctx.faker, sex)
            cadre = Cadre(
                name=name, sex=sex, birth_date=birth, id_number=people.id_number(birth=birth, sex=sex),
                phone=people.mobile(), is_party_member=slot < 2 or ctx.rng.random() < 0.8,
                post=ctx.rng.choice(["科员", "副科长", "科长", "副主任", "干部", "专业技术人员"]),
                sending_unit=ctx.rng.choice(units), region_code=village.code, name_pinyin=pinyin_key(name),
            )
            cadres.append(cadre)
            start = today - datetime.timedelta(days=ctx.rng.randint(60, 900))
            assignments.append(Assignment(cadre=cadre, village=village, role=ROLES[slot], start_date=start))
    Cadre.objects.bulk_create(cadres, batch_size=1000)
    for assignment in assignments:
        assignment.cadre_id = assignment.cadre.pk
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    ctx.units, ctx.cadres = units, cadres
    _unit_staff(ctx)

    policies = []
    for index, cadre in enumerate(cadres):
        roll = ctx.rng.random()
        if roll < 0.06:
            continue  # no cover at all: flagged
        start = today - datetime.timedelta(days=ctx.rng.randint(30, 340))
        if roll < 0.10:
            start = today - datetime.timedelta(days=ctx.rng.randint(400, 500))  # lapsed last year: flagged
        policies.append(Insurance(
            cadre=cadre, insurer=ctx.rng.choice(INSURERS), policy_number=f"YA{ctx.seed:03d}{index:07d}",
            start_date=start, end_date=start + datetime.timedelta(days=364), premium=Decimal("120.00"),
        ))
    Insurance.objects.bulk_create(policies, batch_size=1000)

    leaves = []
    for assignment in ctx.rng.sample(assignments, max(2, len(assignments) // 25)):
        start = today + datetime.timedelta(days=ctx.rng.randint(1, 20))
        days = ctx.rng.choice([1, 2, 3, 5, 7])
        leaves.append((assignment, start, days))
    ctx.pending_leaves = leaves
    ctx.counts.update(sending_units=len(units), cadres=len(cadres), assignments=len(assignments),
                      insurance_policies=len(policies))


def create_leaves(ctx, requester) -> None:
    """Pending leave requests, filed by the township account (called once accounts exist)."""
    rows = [
        LeaveRequest(
            cadre=a.cadre, village_code=a.village_id, start_date=start,
            end_date=start + datetime.timedelta(days=days - 1), days=days, reason=ctx.rng.choice(LEAVE_REASONS),
            approval_level=leave_level(days), requested_by=requester,
        )
        for a, start, days in ctx.pending_leaves
    ]
    rows += _decided_leaves(ctx, requester)
    LeaveRequest.objects.bulk_create(rows)
    ctx.counts["leave_requests"] = len(rows)


def _decided_leaves(ctx, requester) -> list[LeaveRequest]:
    """Leave taken earlier in the year, approved or (now and then) refused, at the level its length
    needs (≤ 3 days the township, longer the county). Own random stream: the rest is unchanged."""
    rng = random.Random(ctx.seed + 8)
    today = timezone.localdate()
    county = User.objects.filter(role=Role.COUNTY_ADMIN).order_by("pk").first()
    townships = {u.scope_id: u for u in User.objects.filter(role=Role.TOWNSHIP_ADMIN)}
    assignments = Assignment.objects.select_related("cadre").order_by("pk")
    rows = []
    for index, assignment in enumerate(rng.sample(list(assignments), max(3, assignments.count() // 5))):
        days = rng.choice([1, 2, 3, 4, 6])
        earliest = max(assignment.start_date, today - datetime.timedelta(days=300))
        start = earliest + datetime.timedelta(days=rng.randint(0, max(0, (today - earliest).days - days - 10)))
        approved = index % 5 != 1  # one in five refused, and always one
        level = leave_level(days)
        township = townships.get(assignment.village_id[:9] + "000", requester)
        rows.append(LeaveRequest(
            cadre=assignment.cadre, village_code=assignment.village_id, start_date=start,
            end_date=start + datetime.timedelta(days=days - 1), days=days, reason=rng.choice(LEAVE_REASONS),
            approval_level=level, requested_by=township,
            status=LeaveRequest.Status.APPROVED if approved else LeaveRequest.Status.REJECTED,
            decided_by=township if level == LeaveRequest.Level.TOWNSHIP else county,
            decided_at=timezone.make_aware(datetime.datetime.combine(start - datetime.timedelta(days=2),
                                                                     datetime.time(10))),
            decision_note="同意，请做好工作交接。" if approved else "近期有督查安排，请调整时间。"))
    return rows
