"""Household services: care rules, one head, optimistic versions, money, history and reveals."""

import datetime
from decimal import Decimal

import pytest

from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.privacy import reveal_identifier
from minxin.registry import derive, selectors, services
from minxin.registry.io.importer import Person
from tests.sealed import plain
from tests.world import make_id_number

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def p(relation, age, sex="M", migrant="", **kw):
    return Person(relation=relation, sex=sex, birth_date=TODAY.replace(year=TODAY.year - age), migrant=migrant,
                  name=kw.pop("name", relation), **kw)


def test_left_behind_child_both_parents_away_or_one_away_and_other_unable():
    both = [p("head", 35, migrant="outside"), p("spouse", 33, "F", migrant="province"), p("son", 8), p("parent", 66)]
    assert derive.care_members(both, TODAY)["child"] == [both[2]]
    one_unable = [p("head", 35, migrant="outside"), p("spouse", 33, "F", health="serious"), p("daughter", 10, "F")]
    assert derive.care_members(one_unable, TODAY)["child"] == [one_unable[2]]
    one_home = [p("head", 35, migrant="outside"), p("spouse", 33, "F"), p("son", 8)]
    assert derive.care_members(one_home, TODAY)["child"] == []
    grandchild = [p("head", 62), p("son", 36, migrant="outside"), p("daughter_in_law", 34, "F", migrant="outside"),
                  p("grandson", 15)]
    assert derive.care_members(grandchild, TODAY)["child"] == [grandchild[3]]
    sixteen = [p("head", 40, migrant="outside"), p("son", 16)]
    assert derive.care_members(sixteen, TODAY)["child"] == []


def test_left_behind_elderly_and_women():
    couple = [p("head", 70), p("spouse", 68, "F"), p("son", 40, migrant="outside")]
    assert derive.care_members(couple, TODAY)["elderly"] == couple[:2]
    with_son_home = [p("head", 70), p("son", 40)]
    assert derive.care_members(with_son_home, TODAY)["elderly"] == []
    wife = [p("head", 40, migrant="outside"), p("spouse", 38, "F"), p("son", 12)]
    assert derive.care_members(wife, TODAY)["women"] == [wife[1]]
    assert derive.household_fields(wife, {"women": False}, TODAY)["care_women"] is False


def test_three_generations_a_son_of_62_with_his_own_son_at_home_is_not_left_behind():
    """之子 aged 62: his children are the head's grandchildren. One of them lives at home."""
    family = [p("head", 86), p("spouse", 84, "F"), p("son", 62), p("daughter_in_law", 60, "F"),
              p("grandson", 35, migrant="outside"), p("granddaughter", 30, "F")]
    assert derive.care_members(family, TODAY)["elderly"] == []
    # With both grandchildren away, the son and his wife are 留守老人; the head and spouse are not
    # (their son lives at home).
    away = [*family[:4], p("grandson", 35, migrant="outside"), p("granddaughter", 30, "F", migrant="province")]
    assert derive.care_members(away, TODAY)["elderly"] == away[2:4]


def test_three_generations_a_grandchild_whose_parents_are_away_is_left_behind_though_an_aunt_is_home():
    family = [p("head", 60), p("spouse", 58, "F"), p("son", 35, migrant="outside"),
              p("daughter_in_law", 33, "F", migrant="province"), p("daughter", 20, "F"), p("grandson", 8)]
    assert derive.care_members(family, TODAY)["child"] == [family[5]]
    # A daughter's child (之外孙子女) has the daughter and her husband for parents, not the head's son.
    maternal = [p("head", 60), p("son", 35), p("daughter", 32, "F", migrant="outside"),
                p("son_in_law", 34, migrant="outside"), p("daughters_child", 6, "F")]
    assert derive.care_members(maternal, TODAY)["child"] == [maternal[4]]


def test_three_generations_in_laws_are_not_children_and_a_daughter_can_be_left_behind():
    # The head's son is away; his wife at home does not make the head's parents' case: the head
    # (70) has no child at home. The daughter-in-law is a 留守妇女.
    family = [p("head", 70), p("son", 45, migrant="outside"), p("daughter_in_law", 43, "F"), p("grandson", 10)]
    care = derive.care_members(family, TODAY)
    assert care["elderly"] == [family[0]] and care["women"] == [family[2]] and care["child"] == []
    # A daughter living with her husband's family is recorded 之女 with 之女婿: he is away.
    daughter = [p("head", 65), p("spouse", 63, "F"), p("daughter", 30, "F"), p("son_in_law", 32, migrant="outside")]
    assert derive.care_members(daughter, TODAY)["women"] == [daughter[2]]


def test_two_sons_the_rule_holds_only_for_every_possible_parent():
    """Two sons, one away, one home: whose child is the grandson cannot be read from the relations,
    so he is not flagged on a guess (an override with a reason settles it)."""
    family = [p("head", 66), p("son", 40, migrant="outside"), p("son", 36), p("grandson", 12)]
    assert derive.care_members(family, TODAY)["child"] == []
    # A "son" too young to be anyone's father is not a candidate: the grandson (12) has one father.
    young = [p("head", 66), p("son", 40, migrant="outside"), p("son", 22), p("grandson", 12)]
    assert derive.care_members(young, TODAY)["child"] == [young[3]]


def _household(world):
    return world.registry["tdw"]["household"]


def test_optimistic_version_refuses_a_stale_save(world):
    household = _household(world)
    version = household.version
    services.household_update(actor=world.users["tdw_admin"], household=household, version=version, group="5",
                              address="甲", phone="", lat=None, lon=None)
    stale = selectors.household_get(user=world.users["tdw_clerk"], pk=household.pk)
    with pytest.raises(services.Conflict):
        services.household_update(actor=world.users["tdw_clerk"], household=stale, version=version, group="6",
                                  address="乙", phone="", lat=None, lon=None)
    stale.refresh_from_db()
    assert stale.group == "5组" and stale.address == "甲" and stale.version == version + 1


def test_a_household_keeps_exactly_one_head(world):
    household = _household(world)
    head = household.members.get(relation="head")
    with pytest.raises(DomainError, match="户主不能直接改为"):
        services.member_save(actor=None, household=household, version=household.version, member=head,
                             id_number=plain(head), name=head.name, relation="spouse")
    child = household.members.get(relation="son")
    services.member_save(actor=None, household=household, version=household.version, member=child,
                         id_number=plain(child), name=child.name, relation="head")
    assert list(household.members.filter(relation="head")) == [child]
    head.refresh_from_db()
    assert head.relation == "other"
    household.refresh_from_db()
    assert household.head_name == child.name


def test_one_person_one_record_and_clear_messages(world):
    household = _household(world)
    other = world.registry["gz"]["household"]
    member = other.members.first()
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        services.member_save(actor=world.users["tdw_admin"], household=household, version=household.version,
                             id_number=plain(member), name="某", relation="other")
    with pytest.raises(DomainError, match="校验码"):
        services.member_save(actor=None, household=household, version=household.version,
                             id_number=make_id_number("19900101", 5)[:17] + "0", name="某", relation="other")
    with pytest.raises(DomainError, match="不是有效的号码"):
        services.household_update(actor=None, household=household, version=household.version, group="", address="",
                                  phone="12345", lat=None, lon=None)


def test_income_per_capita_is_decimal_to_the_fen(world):
    household = _household(world)
    income = services.income_save(actor=None, household=household, version=household.version, year=2025,
                                  wage=Decimal("10000.00"), business=Decimal("2000.01"), transfer=Decimal("1500"),
                                  assets=Decimal("0"), costs=Decimal("500.00"), persons=3)
    assert income.per_capita == Decimal("4333.34") and isinstance(income.per_capita, Decimal)


def test_history_has_member_events_and_reveals_and_the_auditor_never_reveals(world):
    household = _household(world)
    member = household.members.get(relation="son")
    reveal_identifier(actor=world.users["tdw_admin"], obj=member, field="id_number", region_code=member.village_code)
    with pytest.raises(PermissionDenied):
        reveal_identifier(actor=world.users["tdw_auditor"], obj=member, field="id_number",
                          region_code=member.village_code)
    actions = [e.action for e in selectors.household_history(user=world.users["tdw_auditor"], household=household)]
    assert {"household.create", "member.create", "registration.create", "reveal.id_number"} <= set(actions)
    assert selectors.household_history(user=world.users["gz_admin"], household=household) == []


def test_member_remove_needs_a_reason_and_never_the_head(world, client):
    household = _household(world)
    head = household.members.get(relation="head")
    with pytest.raises(DomainError, match="不能移除户主"):
        services.member_remove(actor=None, member=head, version=household.version, reason="迁出")
    child = household.members.get(relation="son")
    client.force_login(world.users["tdw_admin"])
    response = client.post(f"/registry/members/{child.pk}/remove/", {"reason": "", "version": household.version})
    assert response.status_code == 302 and household.members.filter(pk=child.pk).exists()
    client.post(f"/registry/members/{child.pk}/remove/", {"reason": "迁往县城", "version": household.version})
    household.refresh_from_db()
    assert household.member_count == 1
    actions = [e.action for e in selectors.household_history(user=world.users["tdw_admin"], household=household)]
    assert "member.remove" in actions


def test_care_override_needs_a_reason_and_is_recorded(world):
    household = _household(world)
    with pytest.raises(DomainError, match="须填写理由"):
        services.care_override_set(actor=None, household=household, version=household.version, category="child",
                                   value=True)
    services.care_override_set(actor=world.users["tdw_admin"], household=household, version=household.version,
                               category="child", value=True, reason="父亲长期外出")
    household.refresh_from_db()
    assert household.care_child
    services.care_override_set(actor=None, household=household, version=household.version, category="child",
                               value=None)
    household.refresh_from_db()
    assert not household.care_child


def test_roles_that_may_not_edit(world):
    household = _household(world)
    for persona in ("tdw_auditor", "tdw_supervisor", "tdw_liaison"):
        with pytest.raises(PermissionDenied):
            services.household_update(actor=world.users[persona], household=household, version=household.version,
                                      group="", address="", phone="", lat=None, lon=None)


def test_refresh_all_follows_todays_ages_and_the_rules_and_keeps_overrides(world):
    """A household saved when its child was 15 is refreshed the day the child turns 16; a household
    whose stored flag predates the rule is corrected; an override with its reason stays."""
    from minxin.core.models import AuditEvent
    from minxin.registry.models import CareOverride, Household

    admin, village = world.users["tdw_admin"], world.village("tdw")
    household = services.household_create(actor=admin, village=village, number="R1", head={
        "name": "田大山", "id_number": make_id_number("19900601", 81), "ethnicity": "土家族", "migrant": "outside"})
    services.member_save(actor=admin, household=household, version=household.version, member=None, name="田小河",
                         id_number=make_id_number("20100602", 83), relation="son")
    services.households_refresh_all(today=datetime.date(2026, 6, 1))
    household.refresh_from_db()
    assert household.care_child is True  # 15 that day, his father away
    # The day he turns 16 nothing is saved, but the nightly pass clears the flag.
    birthday = datetime.date(2026, 6, 2)
    assert services.households_refresh_all(today=birthday) >= 1
    household.refresh_from_db()
    assert household.care_child is False
    # A flag stored under an older rule is corrected; an override is applied over the rule.
    Household.objects.filter(pk=household.pk).update(care_elderly=True)
    CareOverride.objects.create(household=household, category="women", value=True, reason="丈夫常年在外，县里认定")
    services.households_refresh_all(today=birthday)
    household.refresh_from_db()
    assert household.care_elderly is False and household.care_women is True
    events = AuditEvent.objects.filter(action="household.refresh_all")
    recorded = [event.after["changed"] for event in events.order_by("id")]
    assert len(recorded) == 3 and all(recorded)  # one for each pass that changed a household
    assert services.households_refresh_all(today=birthday) == 0  # nothing left to change, nothing recorded
    assert events.count() == 3
