"""Pairing helpers are people (issue 19.5): a sending unit's staff are kept on its page, chosen as
helpers of the households of the villages its cadres serve, and the unit's pairing is counted."""

import pytest
from django.urls import reverse

from minxin.cadres.models import UnitStaff
from minxin.core.errors import DomainError
from minxin.registry import services
from minxin.registry.models import Helper

pytestmark = pytest.mark.django_db


def _add(client, world, side, name, position="科员"):
    return client.post(reverse("cadres:unit-staff-new", args=[world.units[side].pk]), {"name": name, "position": position})


def test_the_units_liaison_or_a_cadre_manager_keeps_its_staff_list(world, client):
    client.force_login(world.users["tdw_liaison"])
    assert _add(client, world, "tdw", "坳单位王科长").status_code == 302
    duplicate = _add(client, world, "tdw", "坳单位王科长")
    assert duplicate.status_code == 400 and "已有帮扶干部" in duplicate.content.decode()
    assert _add(client, world, "tdw", "").status_code == 400
    # Another unit's liaison cannot see this unit at all; the auditor sees it but may not change it.
    client.force_login(world.users["gz_liaison"])
    assert _add(client, world, "tdw", "冒名").status_code == 404
    client.force_login(world.users["county_auditor"])
    assert _add(client, world, "tdw", "冒名").status_code == 403
    client.force_login(world.users["county_admin"])
    assert _add(client, world, "tdw", "坳单位李干事").status_code == 302
    assert sorted(UnitStaff.objects.filter(sending_unit=world.units["tdw"]).values_list("name", flat=True)) == [
        "坳单位李干事", "坳单位王科长"]
    staff = UnitStaff.objects.get(name="坳单位李干事")
    assert client.post(reverse("cadres:unit-staff-retire", args=[staff.pk])).status_code == 302
    staff.refresh_from_db()
    assert staff.active is False


def test_a_helper_is_chosen_from_cadres_and_unit_staff_and_the_unit_pairing_counts(world, client):
    admin, household = world.users["tdw_admin"], world.registry["tdw"]["household"]
    staff = UnitStaff.objects.create(sending_unit=world.units["tdw"], name="坳单位王科长", position="科长")
    cadre = world.cadres["tdw"][0]
    # Typing the staff member's name instead of choosing him is refused, and nothing changes.
    household.refresh_from_db()
    before = list(Helper.objects.filter(household=household).values_list("name", "cadre_id", "staff_id"))
    with pytest.raises(DomainError, match="请在上面的名单中勾选"):
        services.helpers_save(actor=admin, household=household, version=household.version, names=["坳单位王科长"])
    assert list(Helper.objects.filter(household=household).values_list("name", "cadre_id", "staff_id")) == before
    household.refresh_from_db()  # the refused save rolled back, version included
    services.helpers_save(actor=admin, household=household, version=household.version, cadres=[cadre],
                          staff=[staff], names=["村民代表张叔"])
    assert sorted(Helper.objects.filter(household=household).values_list("name", "cadre_id", "staff_id")) == sorted(
        [(cadre.name, cadre.pk, None), ("坳单位王科长", None, staff.pk), ("村民代表张叔", None, None)])
    # The unit's page counts its people's pairing, in the reader's scope.
    client.force_login(world.users["county_admin"])
    page = client.get(reverse("cadres:unit-detail", args=[world.units["tdw"].pk]))
    section = page.content.decode()
    assert 'data-testid="unit-pairing"' in section and "坳单位王科长" in section and "村民代表张叔" not in section
    paired = {h for h, in Helper.objects.filter(cadre__sending_unit=world.units["tdw"]).values_list("household_id")}
    paired |= {h for h, in Helper.objects.filter(staff__sending_unit=world.units["tdw"]).values_list("household_id")}
    assert household.pk in paired
    assert page.context["unit"] == world.units["tdw"] and f"{len(paired)} 户" in section
    # The helpers form lists the unit's staff for this village.
    client.force_login(admin)
    form = client.get(reverse("registry:helpers-edit", args=[household.pk])).content.decode()
    assert "坳单位王科长（坳派出单位 科长）" in form
