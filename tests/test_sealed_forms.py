"""Edit forms of records that hold a sealed identifier (core.sealing): the page shows the mask, never
the envelope (its keyed digests link a person's records across tables); the mask sent back unchanged
keeps the stored value, and a value typed in full replaces it."""

import pytest
from django.urls import reverse

from minxin.cadres import services as cadres
from minxin.cadres.models import SendingUnit
from minxin.core.identifiers import SEALED_PREFIX
from minxin.core.sealedfields import reveal_field

pytestmark = pytest.mark.django_db

PHONE, MASK = "13912345678", "139****5678"


def _unit_with_phone(world) -> SendingUnit:
    unit = world.units["tdw"]
    return cadres.sending_unit_save(actor=None, unit=unit, name=unit.name, level=unit.level, kind=unit.kind,
                                    contact_name="张联络", contact_phone=PHONE)


def _posted(unit: SendingUnit, phone: str) -> dict:
    return {"name": unit.name, "level": unit.level, "kind": unit.kind, "contact_name": unit.contact_name,
            "contact_phone": phone}


def test_the_unit_edit_page_shows_the_phone_masked_and_no_envelope(world, as_user):
    unit = _unit_with_phone(world)
    assert unit.contact_phone.startswith(SEALED_PREFIX)
    page = as_user(world.users["county_admin"]).get(reverse("cadres:unit-edit", args=[unit.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert SEALED_PREFIX not in content and unit.contact_phone not in content
    assert f'value="{MASK}"' in content and PHONE not in content


def test_the_unit_saved_with_its_mask_unchanged_keeps_the_stored_phone(world, as_user):
    unit = _unit_with_phone(world)
    envelope = unit.contact_phone
    client = as_user(world.users["county_admin"])
    answer = client.post(reverse("cadres:unit-edit", args=[unit.pk]), {**_posted(unit, MASK), "contact_name": "李联络"})
    assert answer.status_code == 302, answer.content.decode()
    unit.refresh_from_db()
    assert unit.contact_name == "李联络"
    assert unit.contact_phone == envelope and reveal_field(unit, "contact_phone") == PHONE


def test_the_unit_saved_with_a_new_phone_stores_it(world, as_user):
    unit = _unit_with_phone(world)
    client = as_user(world.users["county_admin"])
    answer = client.post(reverse("cadres:unit-edit", args=[unit.pk]), _posted(unit, "13800005555"))
    assert answer.status_code == 302, answer.content.decode()
    unit.refresh_from_db()
    assert reveal_field(unit, "contact_phone") == "13800005555"
    # A phone that is no phone is the field's error, and the stored one stays.
    answer = client.post(reverse("cadres:unit-edit", args=[unit.pk]), _posted(unit, "139****0000"))
    assert answer.status_code == 200 and answer.context["form"].errors["contact_phone"]
    unit.refresh_from_db()
    assert reveal_field(unit, "contact_phone") == "13800005555"


def test_no_edit_page_of_a_record_with_a_sealed_identifier_shows_an_envelope(world, as_user):
    """Every form over a model with a sealed field (the unit's contact phone, a cadre's, a household's,
    a member's, an account's) shows masks only."""
    _unit_with_phone(world)
    account = world.users["tdw_clerk"]
    account.phone = "13700001111"
    account.save()
    household = world.registry["tdw"]["household"]
    assert household.phone and world.cadres["tdw"][0].phone and world.registry["tdw"]["member"].id_number
    client = as_user(world.users["county_admin"])
    for url in (reverse("cadres:unit-edit", args=[world.units["tdw"].pk]),
                reverse("cadres:edit", args=[world.cadres["tdw"][0].pk]),
                reverse("registry:household-edit", args=[household.pk]),
                reverse("registry:member-edit", args=[world.registry["tdw"]["member"].pk]),
                reverse("accounts:user-edit", args=[account.pk])):
        page = client.get(url)
        content = page.content.decode()
        assert page.status_code == 200, url
        assert SEALED_PREFIX not in content, url
        assert "****" in content, url  # the mask is shown in the envelope's place
