"""Masked identifiers hold against combination (SPEC §1): what a role without the reveal right reads
about a person — pages, API answers, exports, the audit log — never gives back the full ID number (its
hidden digits are the birth date) or a villager's full phone; identifier searches match the last
four characters only, and are logged and rate-limited."""

import datetime
import io
from urllib.parse import urlencode

import docx
import pytest
from django.test import Client
from python_calamine import CalamineWorkbook
from stdnum.cn import ric

from minxin.core.models import AuditEvent
from minxin.registry import services as registry
from minxin.registry.models import Member
from tests import permission_matrix as matrix
from tests.sealed import plain
from tests.world import PERSONA_SIDES

# Every persona whose role may not reveal identifiers and that sees 土地坳镇 (side "tdw").
NO_REVEAL = sorted(p for p, sides in PERSONA_SIDES.items()
                   if "tdw" in sides and not p.endswith("_admin") and p != "county_admin")
VILLAGER_PHONE = "13800001234"
CALLER_PHONE = "13912345678"


def same_mask_other_birth(number: str) -> str:
    """Another valid number with the same mask (area code and last four) and another birth date."""
    day = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    for shift in range(1, 4000):
        body = f"{number[:6]}{day + datetime.timedelta(days=shift):%Y%m%d}{number[14:17]}"
        if ric.calc_check_digit(body + "0") == number[17]:
            return body + number[17]
    raise AssertionError("no such number")


def _text(response) -> str:
    """A response as text: a spreadsheet as its cells, a Word document as its paragraphs and tables."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return "\n".join(str(cell) for name in book.sheet_names
                         for row in book.get_sheet_by_name(name).to_python() for cell in row)
    if kind.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml"):
        document = docx.Document(io.BytesIO(content))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return content.decode(errors="replace")


def _birth_forms(day: datetime.date) -> list[str]:
    return [f"{day:%Y%m%d}", f"{day:%Y-%m-%d}", f"{day:%Y/%m/%d}", f"{day.year}年{day.month}月{day.day}日",
            f"{day:%Y年%m月%d日}", f"{day:%Y.%m.%d}"]


@pytest.fixture
def edited(world):
    """Changes made by a township admin, so the audit log holds before/after of a person."""
    admin = world.users["tdw_admin"]
    household = world.registry["tdw"]["household"]
    child = world.registry["tdw"]["member"]
    registry.household_update(actor=admin, household=household, version=household.version, group="3组",
                              address="坳路1号", phone="13800004321", lat=None, lon=None)
    household.refresh_from_db()
    registry.household_update(actor=admin, household=household, version=household.version, group="3组",
                              address="坳路1号", phone=VILLAGER_PHONE, lat=None, lon=None)
    household.refresh_from_db()
    registry.member_save(actor=admin, household=household, version=household.version, member=child,
                         id_number=same_mask_other_birth(plain(child)), name=child.name, relation="son",
                         migrant="")
    request = world.fieldwork["tdw"]["request"]
    request.contact_phone = CALLER_PHONE
    request.save()
    return world


def _everything(client, world) -> str:
    """All that a persona can read about side tdw: every list (and its .xlsx), every object page and
    API answer of the permission matrix, the audit log and its export."""
    urls = [r.url(world) for r in matrix.LIST_ROUTES + matrix.API_LIST_ROUTES]
    urls += [u + ("&" if "?" in u else "?") + urlencode({"format": "xlsx"}) for u in urls if not u.startswith("/api/")]
    urls += [r.url(world, "tdw") for r in matrix.OBJECT_ROUTES + matrix.API_OBJECT_ROUTES if r.method == "GET"]
    urls += ["/audit/", "/audit/?format=xlsx"]
    texts = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            texts.append(_text(response))
    return "\n".join(texts)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", NO_REVEAL)
def test_nothing_readable_puts_an_identifier_back_together(edited, persona):
    world = edited
    client = Client()
    client.force_login(world.users[persona])
    corpus = _everything(client, world)
    assert len(corpus) > 1000  # the persona did read pages (a crawl of 404s would prove nothing)
    people = [*Member.objects.filter(village_code__startswith="520627106"), *world.cadres["tdw"]]
    leaks = []
    for person in people:
        person.refresh_from_db()
        if plain(person) in corpus:
            leaks.append(f"{person.name}: full ID number")
        leaks += [f"{person.name}: birth date {form}" for form in _birth_forms(person.birth_date) if form in corpus]
    leaks += [f"phone {phone}" for phone in (VILLAGER_PHONE, "13800004321", CALLER_PHONE) if phone in corpus]
    assert not leaks, "\n".join(leaks)


@pytest.mark.django_db
def test_the_audit_log_keeps_no_birth_date_and_shows_a_change_of_hidden_digits(edited):
    child = Member.objects.get(pk=edited.registry["tdw"]["member"].pk)
    household = edited.registry["tdw"]["household"]
    event = AuditEvent.objects.filter(action="member.update", object_id=str(household.pk)).latest("id")
    assert event.before["id_number"] == event.after["id_number"].split("（")[0] == plain(child)[:6] + "*" * 12
    assert event.after["id_number"] != event.before["id_number"]  # marked as changed, in no clear digits
    assert set(event.before["birth_date"]) <= set("0123456789") and len(event.before["birth_date"]) == 4
    assert plain(child)[6:14] not in str(event.before) + str(event.after)


def _household_ids(client, term: str) -> set[int]:
    response = client.get("/api/v1/households?" + urlencode({"q": term}))
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["county_auditor", "tdw_supervisor", "tdw_clerk"])
def test_searches_by_id_number_match_the_last_four_only_without_the_reveal_right(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    household = world.registry["tdw"]["household"]
    number = plain(world.registry["tdw"]["member"])
    assert household.pk in _household_ids(client, number[-4:])
    for length in (5, 8, 12, 18):
        assert household.pk not in _household_ids(client, number[-length:]), length
    cadre = world.cadres["tdw"][0]
    found = {row["id"] for row in client.get("/api/v1/cadres?q=" + plain(cadre)[-5:]).json()}
    assert cadre.pk not in found
    page = client.get("/registry/households/?q=" + number[-6:]).content.decode()
    assert world.registry["tdw"]["member"].name not in page


@pytest.mark.django_db
def test_a_role_that_may_reveal_finds_a_person_by_the_whole_number(world):
    client = Client()
    client.force_login(world.users["tdw_admin"])
    number = plain(world.registry["tdw"]["member"])
    assert world.registry["tdw"]["household"].pk in _household_ids(client, number)


@pytest.mark.django_db
def test_identifier_searches_are_logged_masked_and_rate_limited(world, settings):
    settings.MINXIN_ID_SEARCH_LIMIT = 3
    client = Client()
    user = world.users["county_auditor"]
    client.force_login(user)
    number = plain(world.registry["tdw"]["member"])
    _household_ids(client, number[-4:])
    client.get("/api/v1/households?q=zsf")  # a name search is no identifier search
    events = AuditEvent.objects.filter(action="search.identifier", actor=user)
    assert events.count() == 1 and events.get().after == {"term": number[-4:]}
    _household_ids(client, "0" + number[-4:])  # longer: no identifier search for this role, nothing to log
    assert client.get("/cadres/?q=" + number[-4:]).status_code == 200
    _household_ids(client, number[-4:])  # the third, the limit
    assert client.get("/api/v1/households?q=" + number[-4:]).status_code == 429
    assert client.get("/api/v1/households?q=" + number[-4:]).json()["error"]["code"] == "rate_limited"
    assert client.get("/registry/households/?q=" + number[-4:]).status_code == 429
    assert client.get("/registry/households/?q=zsf").status_code == 200  # names still work
    assert events.count() == 3


@pytest.mark.django_db
def test_a_whole_number_searched_by_a_role_that_may_reveal_is_logged_by_its_last_four(world):
    client = Client()
    user = world.users["tdw_admin"]
    client.force_login(user)
    number = plain(world.registry["tdw"]["member"])
    _household_ids(client, number)
    event = AuditEvent.objects.get(action="search.identifier", actor=user)
    assert event.after == {"term": "*" * 14 + number[-4:]}


@pytest.mark.django_db
def test_a_callers_phone_is_masked_and_revealed_only_to_handlers_and_logged(edited):
    world = edited
    item = world.fieldwork["tdw"]["request"]
    url = f"/fieldwork/requests/{item.pk}/"
    for persona, may in (("tdw_auditor", False), ("tdw_supervisor", False), ("tdw_cadre", True), ("tdw_admin", True)):
        client = Client()
        client.force_login(world.users[persona])
        page = client.get(url).content.decode()
        assert CALLER_PHONE not in page and "139****5678" in page
        response = client.post(url + "reveal-phone/")
        assert response.status_code == (200 if may else 403), persona
        logged = AuditEvent.objects.filter(action="reveal.contact_phone", actor=world.users[persona])
        assert (CALLER_PHONE in response.content.decode()) == may == logged.exists()


@pytest.mark.django_db
def test_checking_typed_id_numbers_cannot_confirm_hidden_digits_unnoticed(world, settings):
    """A clerk (no reveal right) who types guesses of a masked number and watches for "already
    registered" is logged on a hit and stopped at the limit — also through the form, whose refused
    save rolls its own transaction back."""
    settings.MINXIN_ID_CHECK_LIMIT = 3
    clerk = world.users["tdw_clerk"]
    client = Client()
    client.force_login(clerk)
    household = world.registry["tdw"]["household"]
    number = plain(world.registry["tdw"]["member"])
    answer = client.post("/registry/households/validate/?field=id_number", {"id_number": number})
    assert "已登记" in answer.content.decode()
    hit = AuditEvent.objects.get(action="search.identifier.match", actor=clerk)
    assert hit.after == {"term": "*" * 14 + number[-4:]}
    form = {"version": household.version, "name": "猜", "id_number": number, "relation": "son"}
    for _attempt in range(2):
        page = client.post(f"/registry/households/{household.pk}/members/new/", form).content.decode()
        assert "已登记" in page
    assert AuditEvent.objects.filter(action="search.identifier.match", actor=clerk).count() == 3
    answer = client.post("/registry/households/validate/?field=id_number", {"id_number": number})
    assert "过于频繁" in answer.content.decode() and "已登记" not in answer.content.decode()
