"""Command line: create-user, issue-token, demo (DESIGN §4)."""

import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from minxin.accounts.models import ApiToken, User
from minxin.cadres.models import Assignment, Cadre
from minxin.core.identifiers import parse_id_number
from minxin.core.models import AuditEvent
from minxin.regions.models import Region
from minxin.regions.services import region_seed_county
from tests.sealed import plain

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
STRONG = "Qingshan-Lvshui-2026"


def run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


# --- create-user -------------------------------------------------------------------------------

@pytest.mark.parametrize("scope", ["520627106", "520627106000"])
def test_create_user(scope):
    region_seed_county()
    out = run("create-user", "tdw_boss", role="township_admin", scope=scope, password=STRONG, full_name="土地坳管理员")
    user = User.objects.get(username="tdw_boss")
    assert user.role == "township_admin" and user.scope_id == "520627106000"
    assert user.full_name == "土地坳管理员" and user.check_password(STRONG)
    assert "tdw_boss" in out and "520627106000" in out
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.actor is None and event.actor_name == "system"


@pytest.mark.parametrize("scope", ["52062x", "5206271", "520627000201", ""])
def test_create_user_with_a_malformed_scope(scope):
    region_seed_county()
    with pytest.raises(CommandError, match="区划代码"):
        run("create-user", "someone", role="county_admin", scope=scope, password=STRONG)
    assert not User.objects.filter(username="someone").exists()


def test_create_user_with_an_unknown_region():
    region_seed_county()
    with pytest.raises(CommandError, match="520627199"):
        run("create-user", "someone", role="township_admin", scope="520627199", password=STRONG)
    assert not User.objects.filter(username="someone").exists()


def test_create_user_with_a_weak_password():
    region_seed_county()
    with pytest.raises(CommandError) as info:
        run("create-user", "someone", role="county_admin", scope="520627", password="123")
    assert "密码" in str(info.value)
    assert not User.objects.filter(username="someone").exists()


def test_create_user_with_a_role_that_does_not_fit_the_scope():
    region_seed_county()
    with pytest.raises(CommandError):
        run("create-user", "someone", role="village_clerk", scope="520627", password=STRONG)
    assert not User.objects.filter(username="someone").exists()


def test_create_user_asks_for_the_password_twice(monkeypatch):
    region_seed_county()
    answers = iter([STRONG, STRONG + "x", STRONG, STRONG])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="differ"):
        run("create-user", "someone", role="county_admin", scope="520627")
    assert not User.objects.filter(username="someone").exists()
    run("create-user", "someone", role="county_admin", scope="520627")
    assert User.objects.get(username="someone").check_password(STRONG)


def test_create_user_with_an_unknown_role():
    region_seed_county()
    with pytest.raises(CommandError):
        run("create-user", "someone", "--role", "emperor", "--scope", "520627", "--password", STRONG)


# --- issue-token -------------------------------------------------------------------------------

def test_issue_token_prints_a_token_that_works_on_the_api(client):
    region_seed_county()
    run("create-user", "county", role="county_admin", scope="520627", password=STRONG)
    raw = run("issue-token", "county").strip()
    assert raw and "\n" not in raw
    token = ApiToken.objects.get(user__username="county")
    assert token.key_hash == ApiToken.hash(raw) and raw not in (token.key_hash, token.key_prefix)
    response = client.get("/api/v1/regions/520627", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["code"] == "520627000000"


def test_issue_token_for_unknown_or_deactivated_user():
    region_seed_county()
    with pytest.raises(CommandError, match="nobody"):
        run("issue-token", "nobody")
    run("create-user", "gone", role="county_admin", scope="520627", password=STRONG)
    User.objects.filter(username="gone").update(is_active=False)
    with pytest.raises(CommandError):
        run("issue-token", "gone")
    assert not ApiToken.objects.exists()


# --- demo --------------------------------------------------------------------------------------

class _Rollback(Exception):
    pass


def _demo_snapshot(seed):
    """Load the tiny demo, read what it made, and roll it back: a fresh database each time."""
    snapshot = {}
    try:
        with transaction.atomic():
            out = run("demo", scale="tiny", seed=seed)
            snapshot = {
                "out": out,
                "villages": list(Region.objects.villages().order_by("code").values_list("code", "name", "is_poor")),
                # identifiers compared opened: each sealing draws a fresh nonce
                "cadres": sorted((c.name, plain(c), plain(c, "phone"), c.sex) for c in Cadre.objects.all()),
                "assignments": sorted((a.village_id, a.role, plain(a.cadre))
                                      for a in Assignment.objects.select_related("cadre")),
                "users": list(User.objects.order_by("username").values_list("username", "role", "scope_id")),
            }
            raise _Rollback
    except _Rollback:
        pass
    assert not Region.objects.exists()
    return snapshot


def test_demo_is_deterministic_for_a_seed():
    first, second, other = _demo_snapshot(1), _demo_snapshot(1), _demo_snapshot(2)
    assert first["cadres"] and first["villages"]
    for key in ("villages", "cadres", "assignments", "users", "out"):
        assert first[key] == second[key], key
    assert first["cadres"] != other["cadres"]


def test_tiny_demo_shape_and_printed_accounts():
    from minxin.demo.accounts import DEMO_PASSWORD

    out = run("demo", scale="tiny", seed=1)
    townships = Region.objects.townships().filter(code__in=Region.objects.villages().values("parent_id"))
    assert townships.count() == 1
    assert Region.objects.villages().count() == 2
    # every account is printed, and the printed password logs it in
    users = list(User.objects.all())
    assert {u.role for u in users} >= {"county_admin", "township_admin", "cadre", "village_clerk", "sending_unit"}
    for user in users:
        assert user.username in out
        assert user.check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in out
    # every demo ID number is one the platform itself accepts
    for number in map(plain, Cadre.objects.all()):
        assert parse_id_number(number).number == number
    # the demo cadre account works in its village
    cadre_user = User.objects.get(role="cadre")
    assert cadre_user.scope_prefixes() and all(len(p) == 12 for p in cadre_user.scope_prefixes())
    assert AuditEvent.objects.filter(action="demo.load").count() == 1


def test_demo_if_empty_on_a_filled_database_does_nothing():
    run("demo", scale="tiny", seed=1)
    counts = (Region.objects.count(), Cadre.objects.count(), User.objects.count(), AuditEvent.objects.count())
    out = run("demo", "--if-empty", scale="tiny", seed=3)
    assert "not loaded" in out
    assert (Region.objects.count(), Cadre.objects.count(), User.objects.count(),
            AuditEvent.objects.count()) == counts
    with pytest.raises(CommandError):
        run("demo", scale="tiny", seed=3)
    assert Cadre.objects.count() == counts[1]


def test_console_script_is_installed():
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "minxin"), "create-user", "--help"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "--role" in result.stdout and "--scope" in result.stdout


def test_refresh_households_corrects_a_stale_flag(world):
    from minxin.registry.models import Household

    run("refresh-households")  # the test world writes some rows directly: bring them in line first
    household = Household.objects.get(pk=world.registry["tdw"]["household"].pk)
    Household.objects.filter(pk=household.pk).update(care_women=not household.care_women)
    assert run("refresh-households").strip() == "Refreshed households: 1 changed."
    household_after = Household.objects.get(pk=household.pk)
    assert household_after.care_women == household.care_women
    assert run("refresh-households").strip() == "Refreshed households: 0 changed."


def test_the_demo_fills_the_pairing_staff_pledge_audiences_and_use_of_results():
    """No empty state where real use would have records: units have helping staff who pair with
    households, pledges were filed with their audiences, and the published quarter was used."""
    from minxin.assessment.models import Consequence, PledgeDelivery
    from minxin.cadres.models import UnitStaff
    from minxin.registry.models import Helper

    run("demo", scale="tiny", seed=1)
    assert UnitStaff.objects.exists()
    staffed = Helper.objects.filter(staff__isnull=False).select_related("staff__sending_unit", "household")
    assert staffed.exists()
    # A staff helper belongs to a unit whose cadres serve that household's village.
    for helper in staffed:
        assert Cadre.objects.filter(sending_unit=helper.staff.sending_unit,
                                    assignments__village_id=helper.household.village_id).exists()
    assert PledgeDelivery.objects.exists()
    assert set(Consequence.objects.values_list("kind", flat=True)) >= {"commendation", "promotion", "accountability"}
    # Leave decided earlier in the year at the right level, and the year's grade proposals.
    from django.utils import timezone

    from minxin.assessment.models import AnnualGrade
    from minxin.cadres.models import LeaveRequest

    decided = LeaveRequest.objects.exclude(status="pending")
    assert {"approved", "rejected"} <= set(decided.values_list("status", flat=True))
    for leave in decided.select_related("decided_by"):
        assert leave.decided_by is not None and leave.end_date < timezone.localdate()
        assert leave.decided_by.role == ("township_admin" if leave.days <= 3 else "county_admin")
    grades = AnnualGrade.objects.all()
    assert grades.count() == Cadre.objects.count()
    from minxin.assessment import grading, selectors

    cap = grading.excellent_cap(grades.count(), selectors.scheme_current("520627000000").excellent_cap_pct)
    assert grades.filter(grade="excellent").count() <= cap
    # Needs come from the visit they were voiced on; handled requests have their handler, in scope.
    from django.db.models import F

    from minxin.fieldwork.models import Need, VillagerRequest

    assert Need.objects.exists() and not Need.objects.exclude(visit__household_id=F("household_id")).exists()
    handled = VillagerRequest.objects.filter(assigned_at__isnull=False).select_related("assignee")
    assert all(r.assignee and r.assignee.in_scope(r.village_id) for r in handled)
