"""Party pages, exports and API (issue 17.1–17.8): every page renders for those who read the branch,
the forms call the services (a refused step shows its rule on the form, nothing written), hostile
input is refused, the exports and the branch's .docx carry no identifier, and the API speaks the
same rules with the same scoping."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from minxin.core.models import AuditEvent
from minxin.party.models import Case, Event, PartyMember, Step, Warning

pytestmark = pytest.mark.django_db


def _party(world, side="tdw"):
    return world.party[side]


def _pages(world):
    party = _party(world)
    branch = party["branch"].pk
    return [reverse("party:branch-list"), reverse("party:branch-detail", args=[branch]), reverse("party:case-list"),
            reverse("party:case-detail", args=[party["case"].pk]), reverse("party:reserve-list"),
            reverse("party:warning-list"), reverse("party:rect-list"),
            reverse("party:rect-detail", args=[party["rect"].pk]), reverse("party:site-list")]


@pytest.mark.parametrize("persona", ["county_admin", "tdw_admin", "tdw_cadre", "tdw_clerk", "tdw_liaison",
                                     "county_auditor", "tdw_supervisor"])
def test_every_page_renders_for_those_who_read_the_branch(world, as_user, persona):
    client = as_user(world.users[persona])
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("party:branch-detail", args=[_party(world)["branch"].pk])).content.decode()
    assert "坳村党支部" in page and "坳党员甲" in page
    assert ('data-testid="event-new"' in page) == (persona in ("county_admin", "tdw_admin", "tdw_cadre", "tdw_clerk"))
    assert ("人工标记" in page and "flags/new" in page) == (persona in ("county_admin", "tdw_admin"))
    case_page = client.get(reverse("party:case-detail", args=[_party(world)["case"].pk])).content.decode()
    assert ('data-testid="step-target"' in case_page) == (persona in ("county_admin", "tdw_admin", "tdw_cadre",
                                                                       "tdw_clerk"))


def test_the_expert_sees_nothing_of_the_branch(world, as_user):
    client = as_user(world.users["expert"])
    for url in _pages(world):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/api/v1/party/branches/{_party(world)['branch'].pk}").status_code == 403


def test_the_branch_page_shows_the_warning_and_why(world, as_user):
    client = as_user(world.users["county_admin"])
    page = client.get(reverse("party:branch-detail", args=[_party(world)["branch"].pk])).content.decode()
    assert "2 级预警" in page and "人工标记" in page and "坳信访苗头" in page and "长期未发展党员" in page
    listing = client.get(reverse("party:warning-list") + "?level=2").content.decode()
    assert "坳村党支部" in listing and "舟村党支部" in listing and "坳信访苗头" in listing


def test_a_step_refused_by_its_rule_shows_the_rule_and_writes_nothing(world, as_user):
    client = as_user(world.users["tdw_cadre"])
    case = _party(world)["case"]
    members = _party(world)["members"]
    url = reverse("party:step-new", args=[case.pk, "target"])
    steps = Step.objects.count()
    response = client.post(url, {"on": timezone.localdate().isoformat(), "sponsors": [members[0].pk]})
    assert response.status_code == 200 and "须有 2 名正式党员作入党介绍人" in response.content.decode()
    assert Step.objects.count() == steps
    response = client.post(url, {"on": "2026-02-30", "sponsors": [m.pk for m in members[:2]]})
    assert response.status_code == 200 and Step.objects.count() == steps
    response = client.post(url, {"on": timezone.localdate().isoformat(), "sponsors": [m.pk for m in members[:2]],
                                 "document": "考察\x00材料"})
    assert response.status_code == 400 and "NUL" in response.content.decode() and Step.objects.count() == steps
    response = client.post(url, {"on": timezone.localdate().isoformat(), "sponsors": [m.pk for m in members[:2]],
                                 "document": "考察材料" * 60})
    assert response.status_code == 200 and Step.objects.count() == steps
    assert 'name="document"' in response.content.decode() and "is-invalid" in response.content.decode()
    response = client.post(url, {"on": timezone.localdate().isoformat(), "sponsors": [m.pk for m in members[:2]]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Case.Stage.TARGET and set(case.sponsors.all()) == set(members[:2])
    assert client.get(reverse("party:step-new", args=[case.pk, "promote"])).status_code == 404
    # The township's approval is not the branch's to record.
    assert client.get(reverse("party:step-new", args=[case.pk, "approve"])).status_code == 403


def test_recording_organisational_life_from_the_page(world, as_user):
    client = as_user(world.users["tdw_clerk"])
    branch = _party(world)["branch"]
    members = _party(world)["members"]
    url = reverse("party:event-new", args=[branch.pk])
    other = _party(world, "gz")["members"][0]
    events = Event.objects.count()
    response = client.post(url, {"kind": "theme_day", "held_on": timezone.localdate().isoformat(), "topic": "主题党日",
                                 "attendees": [members[0].pk, other.pk]})
    assert response.status_code == 200 and Event.objects.count() == events  # another branch's member: not a choice
    response = client.post(url, {"kind": "theme_day", "held_on": timezone.localdate().isoformat(), "topic": "主题党日",
                                 "attendees": [m.pk for m in members]})
    assert response.status_code == 302
    event = Event.objects.latest("id")
    assert event.expected == 3 and event.attendees.count() == 3


def test_a_member_keeps_in_touch_with_households_of_the_village_only(world, as_user):
    from minxin.core.errors import DomainError
    from minxin.party import services
    from minxin.party.models import Contact

    client = as_user(world.users["tdw_cadre"])
    branch, members = _party(world)["branch"], _party(world)["members"]
    url = reverse("party:contact-new", args=[branch.pk])
    foreign = world.registry["gz"]["household"]
    response = client.post(url, {"member": members[0].pk, "household": foreign.pk,
                                 "since": timezone.localdate().isoformat()})
    assert response.status_code == 200 and not Contact.objects.filter(household=foreign, member=members[0]).exists()
    own = _party(world)["people"]["党员甲"].household
    assert client.post(url, {"member": members[0].pk, "household": own.pk,
                             "since": timezone.localdate().isoformat()}).status_code == 302
    page = client.get(reverse("party:branch-detail", args=[branch.pk])).content.decode()
    assert "坳户主甲户" in page and "坳党员甲户" in page
    with pytest.raises(DomainError) as caught:
        services.contact_add(actor=None, branch=branch, member=members[0], household=own, since=timezone.localdate())
    assert caught.value.code == "duplicate"
    with pytest.raises(DomainError) as caught:
        services.contact_add(actor=None, branch=branch, member=members[0], household=foreign, since=timezone.localdate())
    assert caught.value.code == "not_in_village"


def test_a_survey_with_absurd_counts_is_refused_on_its_form(world, as_user):
    from minxin.party.models import Survey

    client = as_user(world.users["tdw_clerk"])
    url = reverse("party:survey-new", args=[_party(world)["branch"].pk])
    surveys = Survey.objects.count()
    for respondents, satisfied, dissatisfied in ((99999999999, 1, 1), (10, 8, 5), (0, 0, 0)):
        response = client.post(url, {"held_on": timezone.localdate().isoformat(), "respondents": respondents,
                                     "satisfied": satisfied, "dissatisfied": dissatisfied})
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode(), respondents
    assert Survey.objects.count() == surveys


def test_a_township_recomputes_the_warnings_of_its_own_scope_only(world, as_user):
    client = as_user(world.users["tdw_clerk"])
    assert client.post(reverse("party:warnings-refresh")).status_code == 403
    client = as_user(world.users["tdw_admin"])
    Warning.objects.all().delete()
    response = client.post(reverse("party:warnings-refresh"))
    assert response.status_code == 302
    assert set(Warning.objects.values_list("branch__village__parent_id", flat=True)) == {"520627106000"}
    assert client.get(reverse("party:warnings-refresh")).status_code == 405
    # logged under the smallest region holding the branches recomputed (the township's one village),
    # so the dashboard counts that place again, not every county
    assert AuditEvent.objects.filter(action="party.warnings").latest("id").region_code == "520627106201"


def test_exports_and_the_record_hold_names_not_identifiers(world, as_user):
    client = as_user(world.users["county_admin"])
    id_numbers = list(PartyMember.objects.values_list("person__id_number", flat=True))
    for name in ("branch-list", "case-list", "reserve-list", "warning-list", "rect-list"):
        response = client.get(reverse(f"party:{name}") + "?format=xlsx")
        assert response.status_code == 200, name
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        cells = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
        assert "坳" in cells and "舟" in cells, name
        assert not any(number in cells for number in id_numbers if number), name
    response = client.get(reverse("party:branch-docx", args=[_party(world)["branch"].pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "坳村党支部档案" in text and "2 级预警" in text and "现有党员 3 名" in text
    assert not any(number in text for number in id_numbers if number)


def test_the_api_lists_scoped_branches_and_refuses_a_step_with_its_rule(world, as_user):
    client = as_user(world.users["tdw_admin"])
    rows = client.get("/api/v1/party/branches").json()
    assert [row["name"] for row in rows["items"]] == ["坳村党支部"] and rows["items"][0]["warning_level"] == 2
    detail = client.get(f"/api/v1/party/branches/{_party(world)['branch'].pk}").json()
    assert detail["posts"][0]["holder"] == "坳党员甲" and {fact["rule"] for fact in detail["facts"]} == {"flag", "no_target"}
    assert client.get(f"/api/v1/party/branches/{_party(world, 'gz')['branch'].pk}").status_code == 404
    assert client.get("/api/v1/party/branches?level=9").status_code == 422
    case = _party(world)["case"]
    url = f"/api/v1/party/cases/{case.pk}/steps"
    refused = client.post(url, {"kind": "target", "on": timezone.localdate().isoformat(),
                                "sponsors": [_party(world)["members"][0].pk]}, content_type="application/json")
    assert refused.status_code == 400 and "2 名正式党员" in refused.json()["error"]["message"]
    foreign = client.post(url, {"kind": "target", "on": timezone.localdate().isoformat(),
                                "sponsors": [m.pk for m in _party(world, "gz")["members"][:2]]},
                          content_type="application/json")
    assert foreign.status_code == 400 and foreign.json()["error"]["code"] == "sponsor_unknown"
    done = client.post(url, {"kind": "target", "on": timezone.localdate().isoformat(),
                             "sponsors": [m.pk for m in _party(world)["members"][:2]]}, content_type="application/json")
    assert done.status_code == 201 and done.json()["stage"] == "target"
    cases = client.get("/api/v1/party/cases?stage=target").json()
    assert [row["person"] for row in cases["items"]] == ["坳申请人"]
