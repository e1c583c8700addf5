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


def _shared_unit(world):
    """The tdw unit with a cadre posted in each township, like the demo's county units whose people
    work in villages of several townships: both township administrators see it."""
    cadre = world.cadres["gz"][2]
    cadre.sending_unit = world.units["tdw"]
    cadre.save()
    return world.units["tdw"]


def _unit_post(unit, **changes):
    return {"name": unit.name, "level": unit.level, "kind": unit.kind, "contact_name": unit.contact_name,
            "contact_phone": unit.contact_phone, **changes}


@pytest.mark.parametrize("persona", ["tdw_admin", "gz_admin"])
def test_a_township_admin_keeps_neither_a_unit_nor_its_staff(world, client, persona):
    """A sending unit is a county organisation whose staff pair households in several townships: a
    township administrator (who manages its own villages' cadres) may read it but not change it."""
    from minxin.cadres import services as cadre_services
    from minxin.core.errors import PermissionDenied
    from minxin.core.models import AuditEvent

    unit = _shared_unit(world)
    staff = UnitStaff.objects.create(sending_unit=unit, name="杨玉", position="科员")
    admin = world.users[persona]
    client.force_login(admin)
    page = client.get(reverse("cadres:unit-detail", args=[unit.pk]))
    assert page.status_code == 200 and "杨玉" in page.content.decode()  # the unit is in its scope
    html = page.content.decode()
    assert reverse("cadres:unit-staff-retire", args=[staff.pk]) not in html
    assert reverse("cadres:unit-staff-new", args=[unit.pk]) not in html
    assert reverse("cadres:unit-edit", args=[unit.pk]) not in html
    assert client.get(reverse("cadres:unit-edit", args=[unit.pk])).status_code == 403
    assert client.post(reverse("cadres:unit-edit", args=[unit.pk]),
                       _unit_post(unit, contact_name="冒名")).status_code == 403
    assert client.get(reverse("cadres:unit-new")).status_code == 403
    assert client.post(reverse("cadres:unit-staff-retire", args=[staff.pk])).status_code == 403
    assert _add(client, world, "tdw", "冒名").status_code == 403
    assert "新增派出单位" not in client.get(reverse("cadres:unit-list")).content.decode()
    # Nothing changed, and the services refuse it too (whatever page or API calls them).
    staff.refresh_from_db()
    unit.refresh_from_db()
    assert staff.active is True and unit.contact_name == ""
    assert list(UnitStaff.objects.filter(sending_unit=unit).values_list("name", flat=True)) == ["杨玉"]
    assert not AuditEvent.objects.filter(action__in=["unit_staff.retire", "unit_staff.save", "sending_unit.update"])
    assert not cadre_services.may_manage_staff(admin, unit) and not cadre_services.may_manage_unit(admin, unit)
    with pytest.raises(PermissionDenied):
        cadre_services.unit_staff_retire(actor=admin, staff=staff)
    with pytest.raises(PermissionDenied):
        cadre_services.unit_staff_save(actor=admin, unit=unit, name="冒名")
    with pytest.raises(PermissionDenied):
        cadre_services.sending_unit_save(actor=admin, unit=unit, name=unit.name, level=unit.level, kind=unit.kind,
                                         contact_name="冒名")
    staff.refresh_from_db()
    assert staff.active is True


def test_the_county_admin_keeps_units_and_the_liaison_its_own_units_staff(world, client):
    unit = _shared_unit(world)
    staff = UnitStaff.objects.create(sending_unit=unit, name="杨玉", position="科员")
    # The county administrator: the unit's page offers editing, the form saves, the staff list is kept.
    client.force_login(world.users["county_admin"])
    html = client.get(reverse("cadres:unit-detail", args=[unit.pk])).content.decode()
    assert reverse("cadres:unit-edit", args=[unit.pk]) in html
    assert reverse("cadres:unit-staff-retire", args=[staff.pk]) in html
    assert client.get(reverse("cadres:unit-edit", args=[unit.pk])).status_code == 200
    response = client.post(reverse("cadres:unit-edit", args=[unit.pk]), _unit_post(unit, contact_name="王联络"))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.contact_name == "王联络"
    assert client.post(reverse("cadres:unit-staff-retire", args=[staff.pk])).status_code == 302
    staff.refresh_from_db()
    assert staff.active is False
    # The unit's own liaison keeps its staff (not the unit's own record); another unit's liaison, which
    # sees this unit through the cadre posted among its own, may not.
    client.force_login(world.users["tdw_liaison"])
    html = client.get(reverse("cadres:unit-detail", args=[unit.pk])).content.decode()
    assert reverse("cadres:unit-staff-new", args=[unit.pk]) in html
    assert reverse("cadres:unit-edit", args=[unit.pk]) not in html
    assert _add(client, world, "tdw", "杨玉").status_code == 302  # taken back on the list
    staff.refresh_from_db()
    assert staff.active is True
    assert client.post(reverse("cadres:unit-staff-retire", args=[staff.pk])).status_code == 302
    staff.refresh_from_db()
    assert staff.active is False
    assert client.get(reverse("cadres:unit-edit", args=[unit.pk])).status_code == 403
    assert _add(client, world, "tdw", "杨玉").status_code == 302
    client.force_login(world.users["gz_liaison"])
    assert client.get(reverse("cadres:unit-detail", args=[unit.pk])).status_code == 200
    assert client.post(reverse("cadres:unit-staff-retire", args=[staff.pk])).status_code == 403
    staff.refresh_from_db()
    assert staff.active is True
