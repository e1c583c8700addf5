"""Accounts: who may create and change which users, scope of each role, passwords, lockout."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minxin.accounts import services
from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.cadres import services as cadre_services
from minxin.cadres.models import Assignment, Cadre, Insurance, LeaveRequest, SendingUnit
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.models import AuditEvent
from minxin.regions.models import Region
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db

STRONG = "Qingshan-Lvshui-2026"


def fresh(user):
    """The same account read again, without its cached scope."""
    return User.objects.get(pk=user.pk)


# --- creating users ----------------------------------------------------------------------------

def test_township_admin_cannot_create_a_user_outside_its_township(world):
    actor = world.users["tdw_admin"]
    with pytest.raises(DomainError) as info:
        services.user_create(actor=actor, username="gz_new_clerk", role=Role.VILLAGE_CLERK,
                             scope=world.village("gz"), password=STRONG)
    assert info.value.code == "scope_outside"
    assert info.value.field == "scope"
    assert not User.objects.filter(username="gz_new_clerk").exists()


def test_township_admin_cannot_give_a_higher_role(world):
    actor = world.users["tdw_admin"]
    with pytest.raises(DomainError) as info:
        services.user_create(actor=actor, username="boss", role=Role.COUNTY_ADMIN,
                             scope=Region.objects.get(code="520627106000"), password=STRONG)
    assert info.value.code == "role_too_high"
    assert not User.objects.filter(username="boss").exists()


@pytest.mark.parametrize(("role", "scope_code"), [
    (Role.VILLAGE_CLERK, "520627106000"),  # a clerk holds a village
    (Role.TOWNSHIP_ADMIN, "520627106201"),  # a township admin holds a township
    (Role.COUNTY_ADMIN, "520627106000"),  # a county admin holds the county
    (Role.EXPERT, "520627106000"),  # experts are county-wide
])
def test_role_and_scope_level_must_match(world, role, scope_code):
    with pytest.raises(DomainError) as info:
        services.user_create(actor=world.users["county_admin"], username="mismatch", role=role,
                             scope=Region.objects.get(code=scope_code), password=STRONG)
    assert info.value.code == "scope_level"
    assert not User.objects.filter(username="mismatch").exists()


def test_sending_unit_liaison_needs_a_unit(world):
    with pytest.raises(DomainError) as info:
        services.user_create(actor=world.users["county_admin"], username="liaison2", role=Role.SENDING_UNIT,
                             scope=Region.objects.get(code="520627000000"), password=STRONG)
    assert info.value.code == "sending_unit_required"


def test_county_admin_can_create_a_township_admin(world):
    user = services.user_create(actor=world.users["county_admin"], username="gz_admin2", role=Role.TOWNSHIP_ADMIN,
                                scope=Region.objects.get(code="520627105000"), password=STRONG, full_name="官舟二")
    user = fresh(user)
    assert user.role == Role.TOWNSHIP_ADMIN and user.scope_id == "520627105000"
    assert user.check_password(STRONG)
    assert user.scope_prefixes() == ["520627105"]


def test_township_admin_can_create_a_clerk_in_its_own_village(world):
    user = services.user_create(actor=world.users["tdw_admin"], username="tdw_clerk2", role=Role.VILLAGE_CLERK,
                                scope=world.village("tdw", 1), password=STRONG)
    assert fresh(user).scope_prefixes() == [world.village("tdw", 1).code]


def test_roles_without_user_management_cannot_create_users(world):
    for persona in ("county_supervisor", "county_auditor", "tdw_cadre", "tdw_clerk", "tdw_liaison"):
        with pytest.raises(PermissionDenied):
            services.user_create(actor=world.users[persona], username=f"x_{persona}", role=Role.VILLAGE_CLERK,
                                 scope=world.village("tdw"), password=STRONG)
    assert not User.objects.filter(username__startswith="x_").exists()


def test_duplicate_username_is_refused_case_insensitively(world):
    with pytest.raises(DomainError) as info:
        services.user_create(actor=world.users["county_admin"], username="TDW_CLERK", role=Role.VILLAGE_CLERK,
                             scope=world.village("tdw"), password=STRONG)
    assert info.value.code == "duplicate_username"


# --- passwords ---------------------------------------------------------------------------------

@pytest.mark.parametrize("password", ["abc123", "1234567890123", "password123", "tdw_newclerk1"])
def test_weak_password_is_refused_with_a_clear_message(world, password):
    with pytest.raises(DomainError) as info:
        services.user_create(actor=world.users["county_admin"], username="tdw_newclerk", role=Role.VILLAGE_CLERK,
                             scope=world.village("tdw"), password=password, full_name="新文书")
    assert info.value.code == "weak_password"
    assert info.value.field == "password"
    assert info.value.message.strip()
    assert not User.objects.filter(username="tdw_newclerk").exists()


def test_weak_password_on_the_user_form_is_shown_and_nothing_is_written(world, as_user):
    client = as_user(world.users["county_admin"])
    before = User.objects.count()
    response = client.post(reverse("accounts:user-new"), {
        "username": "tdw_newclerk", "full_name": "新文书", "role": Role.VILLAGE_CLERK,
        "scope": world.village("tdw").code, "password": "12345",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors["password"]
    assert any("密码" in error for error in errors)  # Django's validators, in Chinese
    assert User.objects.count() == before


def test_admin_password_reset_enforces_validators(world):
    clerk = world.users["tdw_clerk"]
    with pytest.raises(DomainError) as info:
        services.user_set_password(actor=world.users["tdw_admin"], user=clerk, password="short")
    assert info.value.code == "weak_password"
    assert fresh(clerk).check_password(PASSWORD)
    services.user_set_password(actor=world.users["tdw_admin"], user=clerk, password=STRONG)
    assert fresh(clerk).check_password(STRONG)


def test_township_admin_cannot_reset_another_townships_password(world):
    with pytest.raises(DomainError):
        services.user_set_password(actor=world.users["tdw_admin"], user=world.users["gz_clerk"], password=STRONG)
    assert fresh(world.users["gz_clerk"]).check_password(PASSWORD)


def test_an_administrator_changes_its_own_password_with_the_old_one_only(world, as_user):
    """The reset page needs no old password: for one's own account (a session left open) it sends
    to the change page, which does."""
    admin = world.users["tdw_admin"]
    client = as_user(admin)
    answer = client.post(reverse("accounts:user-password", args=[admin.pk]), {"password": STRONG})
    assert answer.status_code == 302 and answer["Location"] == reverse("accounts:password-change")
    assert fresh(admin).check_password(PASSWORD)


def test_deactivating_an_account_revokes_its_tokens_for_good(world):
    admin, clerk = world.users["tdw_admin"], world.users["tdw_clerk"]
    services.token_issue(actor=clerk, user=clerk, name="手机")
    fields = {"role": clerk.role, "scope": clerk.scope, "full_name": clerk.full_name, "phone": ""}
    services.user_update(actor=admin, user=clerk, is_active=False, **fields)
    assert not clerk.api_tokens.filter(revoked_at__isnull=True).exists()
    services.user_update(actor=admin, user=fresh(clerk), is_active=True, **fields)
    assert not clerk.api_tokens.filter(revoked_at__isnull=True).exists()


# --- changing users ----------------------------------------------------------------------------

def test_self_demotion_and_self_deactivation_are_blocked(world):
    admin = world.users["tdw_admin"]
    township = Region.objects.get(code="520627106000")
    with pytest.raises(DomainError) as info:
        services.user_update(actor=admin, user=admin, role=Role.SUPERVISOR, scope=township, full_name="x", phone="")
    assert info.value.code == "self_demotion"
    with pytest.raises(DomainError):
        services.user_update(actor=admin, user=admin, role=Role.TOWNSHIP_ADMIN, scope=township,
                             full_name="x", phone="", is_active=False)
    admin = fresh(admin)
    assert admin.role == Role.TOWNSHIP_ADMIN and admin.is_active


def test_self_demotion_through_the_edit_page(world, as_user):
    admin = world.users["county_admin"]
    client = as_user(admin)
    response = client.post(reverse("accounts:user-edit", args=[admin.pk]), {
        "full_name": "x", "role": Role.SUPERVISOR, "scope": "520627000000", "is_active": "on",
    })
    assert response.status_code == 200
    assert "不能修改自己的角色" in response.content.decode()
    assert fresh(admin).role == Role.COUNTY_ADMIN


def test_township_admin_cannot_move_a_user_to_another_township(world):
    with pytest.raises(DomainError) as info:
        services.user_update(actor=world.users["tdw_admin"], user=world.users["tdw_clerk"],
                             role=Role.VILLAGE_CLERK, scope=world.village("gz"), full_name="x", phone="")
    assert info.value.code == "scope_outside"
    assert fresh(world.users["tdw_clerk"]).scope_id == world.village("tdw").code


def test_user_update_can_deactivate_and_is_audited(world):
    clerk = world.users["tdw_clerk"]
    services.user_update(actor=world.users["tdw_admin"], user=clerk, role=Role.VILLAGE_CLERK,
                         scope=world.village("tdw"), full_name="张文书", phone="", is_active=False)
    assert not fresh(clerk).is_active
    event = AuditEvent.objects.filter(action="user.update", object_id=str(clerk.pk)).get()
    assert event.after == {"full_name": "张文书", "is_active": False}
    assert event.before["is_active"] is True


# --- the user list and form --------------------------------------------------------------------

def test_user_list_as_township_admin_shows_only_its_township(world, as_user):
    response = as_user(world.users["tdw_admin"]).get(reverse("accounts:user-list"))
    assert response.status_code == 200
    shown = {u.username for u in response.context["page"].object_list}
    assert {"tdw_admin", "tdw_clerk", "tdw_supervisor", "tdw_auditor", "tdw_cadre"} <= shown
    assert not any(name.startswith("gz_") for name in shown)
    assert "county_admin" not in shown and "tdw_liaison" not in shown  # county-scoped accounts
    body = response.content.decode()
    assert "gz_clerk" not in body and "gz_admin" not in body
    assert ">county_admin</td>" not in body and ">tdw_clerk</td>" in body


def test_user_list_is_refused_to_roles_without_user_management(world, as_user):
    assert as_user(world.users["tdw_clerk"]).get(reverse("accounts:user-list")).status_code == 403


def test_user_form_offers_only_what_the_actor_may_give(world, as_user):
    response = as_user(world.users["tdw_admin"]).get(reverse("accounts:user-new"))
    form = response.context["form"]
    roles_offered = {value for value, _label in form.fields["role"].choices}
    assert Role.COUNTY_ADMIN not in roles_offered and Role.TOWNSHIP_ADMIN in roles_offered
    scopes = set(form.fields["scope"].queryset.values_list("code", flat=True))
    assert scopes and all(code.startswith("520627106") for code in scopes)


def test_creating_a_user_through_the_page(world, as_user):
    client = as_user(world.users["tdw_admin"])
    response = client.post(reverse("accounts:user-new"), {
        "username": "tdw_clerk_b", "full_name": "茶园文书", "role": Role.VILLAGE_CLERK,
        "scope": world.village("tdw", 1).code, "password": STRONG,
    })
    assert response.status_code == 302
    user = User.objects.get(username="tdw_clerk_b")
    assert user.scope_id == world.village("tdw", 1).code and user.check_password(STRONG)


def test_posting_an_out_of_scope_region_to_the_form_is_refused(world, as_user):
    client = as_user(world.users["tdw_admin"])
    response = client.post(reverse("accounts:user-new"), {
        "username": "sneaky", "full_name": "x", "role": Role.VILLAGE_CLERK,
        "scope": world.village("gz").code, "password": STRONG,
    })
    assert response.status_code == 200 and "scope" in response.context["form"].errors
    assert not User.objects.filter(username="sneaky").exists()


# --- scope of each role ------------------------------------------------------------------------

def test_scope_prefixes_per_role(world):
    tdw_village, gz_village = world.village("tdw").code, world.village("gz").code
    expected = {
        "county_admin": ["520627"], "county_supervisor": ["520627"], "county_auditor": ["520627"],
        "expert": ["520627"],
        "tdw_admin": ["520627106"], "tdw_supervisor": ["520627106"], "tdw_auditor": ["520627106"],
        "gz_admin": ["520627105"],
        "tdw_clerk": [tdw_village], "gz_clerk": [gz_village],
        "tdw_cadre": [tdw_village], "gz_cadre": [gz_village],  # from the active assignment
        "tdw_liaison": [tdw_village], "gz_liaison": [gz_village],  # from the unit's cadres' assignments
    }
    for persona, prefixes in expected.items():
        assert fresh(world.users[persona]).scope_prefixes() == prefixes, persona


def test_cadre_scope_follows_its_assignments(world):
    cadre_user = world.users["tdw_cadre"]
    cadre = world.cadres["tdw"][0]
    assignment = world.assignments["tdw"][0]
    cadre_services.assignment_end(actor=world.users["tdw_admin"], assignment=assignment,
                                  end_date=timezone.localdate(), reason="期满")
    assert fresh(cadre_user).scope_prefixes() == []
    cadre_services.assignment_create(actor=world.users["tdw_admin"], cadre=cadre, village=world.village("tdw", 1),
                                     role=Assignment.Role.TEAM_MEMBER, start_date=timezone.localdate())
    assert fresh(cadre_user).scope_prefixes() == [world.village("tdw", 1).code]


def test_cadre_scope_is_narrowed_by_its_stored_scope(world):
    # A cadre account whose stored scope is 土地坳镇 never sees a 官舟镇 village, even if posted there.
    cadre_user = world.users["tdw_cadre"]
    Assignment.objects.create(cadre=world.cadres["tdw"][0], village=world.village("gz", 1),
                              role=Assignment.Role.TEAM_MEMBER, start_date=timezone.localdate())
    assert fresh(cadre_user).scope_prefixes() == [world.village("tdw").code]


def test_liaison_scope_spans_its_units_villages(world):
    unit = world.units["tdw"]
    cadre = Cadre.objects.create(name="坳干部丁", sex="F", birth_date=datetime.date(1990, 1, 1),
                                 id_number="52062719900101002X", phone="13900000999", sending_unit=unit,
                                 region_code=world.village("gz", 1).code)
    Assignment.objects.create(cadre=cadre, village=world.village("gz", 1), role=Assignment.Role.TEAM_MEMBER,
                              start_date=timezone.localdate())
    prefixes = fresh(world.users["tdw_liaison"]).scope_prefixes()
    assert prefixes == sorted([world.village("tdw").code, world.village("gz", 1).code])


def test_inactive_user_sees_nothing(world):
    admin = world.users["county_admin"]
    User.objects.filter(pk=admin.pk).update(is_active=False)
    admin = fresh(admin)
    assert Region.objects.visible_to(admin).count() == 0
    assert Cadre.objects.visible_to(admin).count() == 0
    assert Region.objects.visible_to(None).count() == 0


def test_visible_to_on_each_model(world):
    tdw, gz = world.users["tdw_admin"], world.users["gz_admin"]
    county = world.users["county_admin"]
    checks = [
        (Region.objects, "code"),
        (User.objects, "scope_id"),
        (Cadre.objects, "region_code"),
        (Assignment.objects, "village_id"),
        (Insurance.objects, "cadre__region_code"),
        (LeaveRequest.objects, "village_code"),
        (AuditEvent.objects, "region_code"),
    ]
    # a few audit events on each side
    for side in ("tdw", "gz"):
        cadre_services.insurance_record(actor=county, cadre=world.cadres[side][1], policy_number=f"N{side}",
                                        insurer="平安", start_date=timezone.localdate(),
                                        end_date=timezone.localdate() + datetime.timedelta(days=30))
    for manager, field in checks:
        mine = list(manager.visible_to(tdw).values_list(field, flat=True))
        theirs = list(manager.visible_to(gz).values_list(field, flat=True))
        everything = list(manager.visible_to(county).values_list(field, flat=True))
        assert mine and theirs, manager.model
        assert all(code.startswith("520627106") for code in mine), manager.model
        assert all(code.startswith("520627105") for code in theirs), manager.model
        assert len(everything) >= len(mine) + len(theirs)
    tdw_units = set(SendingUnit.objects.visible_to(tdw))
    assert tdw_units == {world.units["tdw"]}
    assert set(SendingUnit.objects.visible_to(county)) >= {world.units["tdw"], world.units["gz"]}
    assert set(SendingUnit.objects.visible_to(fresh(world.users["gz_liaison"]))) == {world.units["gz"]}


def test_cadre_sees_only_its_own_leave(world):
    cadre_user = fresh(world.users["tdw_cadre"])
    other = world.cadres["tdw"][1]
    LeaveRequest.objects.create(cadre=other, village_code=world.village("tdw").code, start_date=timezone.localdate(),
                                end_date=timezone.localdate(), days=1, reason="x", approval_level="township",
                                requested_by=world.users["tdw_admin"])
    from minxin.cadres.selectors import leave_list

    assert {leave.cadre_id for leave in leave_list(user=cadre_user)} == {world.cadres["tdw"][0].pk}


# --- lockout -----------------------------------------------------------------------------------

def test_lockout_after_repeated_failures(world, client):
    limit = settings.AXES_FAILURE_LIMIT
    assert settings.AXES_ENABLED
    url = reverse("accounts:login")
    for _attempt in range(limit):
        response = client.post(url, {"username": "tdw_clerk", "password": "wrong-password"})
        assert "_auth_user_id" not in client.session
    response = client.post(url, {"username": "tdw_clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已被暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account from the same address is not locked
    response = client.post(url, {"username": "gz_clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["gz_clerk"].pk)


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(world, client):
    url = reverse("accounts:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "tdw_clerk", "password": "wrong-password"})
    response = client.post(url, {"username": "tdw_clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["tdw_clerk"].pk)


def test_login_with_wrong_password_shows_an_error(world, client):
    response = client.post(reverse("accounts:login"), {"username": "tdw_clerk", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_deactivated_user_cannot_log_in(world, client):
    User.objects.filter(username="tdw_clerk").update(is_active=False)
    response = client.post(reverse("accounts:login"), {"username": "tdw_clerk", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- API tokens end with the password, and an administrator can end them -------------------------


def _bearer(client, raw):
    return client.get("/api/v1/regions/520627000000", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_a_password_reset_or_change_revokes_every_api_token(world, client):
    clerk = world.users["tdw_clerk"]
    _token, raw = services.token_issue(actor=clerk, user=clerk, name="手机")
    assert _bearer(client, raw) in (200, 404)  # the token works (the county may be outside the clerk's scope)
    services.user_set_password(actor=world.users["tdw_admin"], user=fresh(clerk), password=STRONG)
    assert _bearer(client, raw) == 401
    event = AuditEvent.objects.filter(action="user.set_password", object_id=str(clerk.pk)).latest("id")
    assert event.after == {"tokens_revoked": 1}
    _token, raw = services.token_issue(actor=clerk, user=clerk)
    client.force_login(fresh(clerk))
    response = client.post(reverse("accounts:password-change"),
                           {"old_password": STRONG, "new_password1": "Wanshui-Qianshan-2027",
                            "new_password2": "Wanshui-Qianshan-2027"})
    assert response.status_code == 302
    client.logout()
    assert _bearer(client, raw) == 401


def test_an_administrator_revokes_another_users_tokens_from_its_page(world, client):
    clerk = world.users["tdw_clerk"]
    raws = [services.token_issue(actor=clerk, user=clerk)[1] for _ in range(2)]
    url = reverse("accounts:user-tokens-revoke", args=[clerk.pk])
    client.force_login(world.users["tdw_admin"])
    page = client.get(reverse("accounts:user-edit", args=[clerk.pk])).content.decode()
    assert 'data-testid="revoke-tokens"' in page and "（2 个）" in page
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert [_bearer(Client(), raw) for raw in raws] == [401, 401]
    event = AuditEvent.objects.get(action="token.revoke_all")
    assert event.actor == world.users["tdw_admin"] and event.after == {"tokens_revoked": 2}
    client.force_login(world.users["gz_admin"])  # another township's administrator: not its user
    assert client.post(url).status_code == 404
    client.force_login(world.users["tdw_clerk"])  # a clerk manages no one
    assert client.post(url).status_code in (403, 404)


def test_a_password_set_outside_the_service_still_revokes_the_tokens(world, client, monkeypatch, settings):
    """Django's own `changepassword` command saves the user directly: the tokens go all the same."""
    from django.core.management import call_command

    clerk = world.users["tdw_clerk"]
    _token, raw = services.token_issue(actor=None, user=clerk)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": STRONG)
    call_command("changepassword", clerk.username, stdout=__import__("io").StringIO())
    assert fresh(clerk).check_password(STRONG)
    assert _bearer(client, raw) == 401


def test_a_login_that_only_rehashes_the_password_keeps_the_tokens(world, client, settings):
    """A new hasher makes Django re-save the hash at the next login: the password is the same, the
    tokens stay."""
    from django.contrib.auth.hashers import make_password

    clerk = world.users["tdw_clerk"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher"]
    User.objects.filter(pk=clerk.pk).update(password=make_password(STRONG))
    _token, raw = services.token_issue(actor=None, user=clerk)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher"]
    assert client.post(reverse("accounts:login"), {"username": clerk.username, "password": STRONG}).status_code == 302
    assert fresh(clerk).password.startswith("md5$")  # rehashed with the preferred hasher
    client.logout()
    assert _bearer(client, raw) in (200, 404)  # still a valid token (the county may be outside its scope)
