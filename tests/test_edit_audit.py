"""Every edit page of the permission matrix, driven as a user drives it: open the form, change one field,
submit. The audit event must carry that field's value before and after — the services' own tests
cannot see a form that copied the new values onto the object before the service took its snapshot."""

import re
from html.parser import HTMLParser

import pytest

from minxin.core.models import AuditEvent
from tests.permission_matrix import OBJECT_ROUTES

pytestmark = pytest.mark.django_db

# Edit page → the field changed, its new value, and where it differs: the field's key in the log, how
# the log writes the new value, what an empty form needs filled first. County administrators edit.
EDITS = {
    "regions:edit": {"field": "name", "new": "新名村"},
    "cadres:edit": {"field": "post", "new": "第一书记兼村主任"},
    "cadres:unit-edit": {"field": "contact_name", "new": "王联络"},
    "accounts:user-edit": {"field": "full_name", "new": "改名后"},
    "registry:household-edit": {"field": "address", "new": "新寨子 8 号"},
    "registry:member-edit": {"field": "name", "new": "改名人"},
    "registry:village-file-edit": {"field": "notes", "new": "修路完工"},
    "registry:registration-edit": {"field": "year", "new": "2016"},
    "registry:income-edit": {"field": "wage", "new": "12345.67", "fill": {"year": "2025"}},
    "registry:checklist-edit": {"field": "note", "new": "入户核实无误"},
    "registry:helpers-edit": {"field": "names", "new": "李四、王五", "key": "helpers", "logged": ["李四", "王五"]},
    "registry:plan-edit": {"field": "title", "new": "改过的发展规划"},
    "registry:plan-item-edit": {"field": "progress_note", "new": "已开工建设"},
    "cadres:study-edit": {"field": "title", "new": "改过的学习主题"},
    "disputes:dispute-edit": {"field": "title", "new": "改过的案由"},
    "rooms:room-edit": {"field": "address", "new": "村委会二楼"},
    "fund:application-edit": {"field": "title", "new": "改过的项目名称"},
    "party:branch-edit": {"field": "name", "new": "改过的党组织名称"},
    "party:post-edit": {"field": "term_start", "new": "2022"},
    "party:reserve-edit": {"field": "training", "new": "跟班学习村务和财务"},
}


# What a browser does to a value its input cannot hold (HTML's value sanitization): it shows and
# sends nothing. A date written 2026/03/17 in a date input comes back empty.
_VALID = {"date": r"\d{4}-\d{2}-\d{2}", "datetime-local": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?",
          "number": r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", "month": r"\d{4}-\d{2}"}


def _sanitized(kind: str, value: str) -> str:
    pattern = _VALID.get(kind)
    return value if pattern is None or re.fullmatch(pattern, value) else ""


class _FormReader(HTMLParser):
    """The fields of the page's main POST form (the first with a submit that is not a logout),
    with the values the page filled in: what the browser would send back untouched."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action"), "data": {}}
            self.forms.append(self._form)
        if self._form is None or "name" not in attrs and tag != "option":
            return
        data = self._form["data"]
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    data[attrs["name"]] = attrs.get("value", "on")
            else:
                data[attrs["name"]] = _sanitized(attrs.get("type") or "text", attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            data[self._textarea] = None  # its text follows; a browser drops one newline after the tag
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            data[self._select] = attrs.get("value", "")

    def handle_data(self, text):
        if self._textarea is not None:
            data = self._form["data"]
            first = data[self._textarea] is None
            data[self._textarea] = (data[self._textarea] or "") + (text[1:] if first and text.startswith("\n") else text)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def form_data(html: str, field: str) -> dict:
    reader = _FormReader()
    reader.feed(html)
    return next(form["data"] for form in reader.forms if field in form["data"])


def test_every_edit_page_of_the_matrix_is_covered_here():
    edit_pages = {route.name for route in OBJECT_ROUTES if route.method == "POST" and route.name.endswith("edit")}
    assert edit_pages == set(EDITS)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_through_its_page_logs_the_field_before_and_after(world, client, name):
    edit = EDITS[name]
    field, new, key = edit["field"], edit["new"], edit.get("key", edit["field"])
    route = next(r for r in OBJECT_ROUTES if r.name == name and r.method == "POST")
    url = route.url(world, "tdw")
    client.force_login(world.users["county_admin"])
    data = form_data(client.get(url).content.decode(), field)
    data.update({name: value for name, value in edit.get("fill", {}).items() if not data.get(name)})
    old = data[field]
    assert old != new
    data[field] = new
    latest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r'invalid-feedback[^>]*>([^<]*)<|alert-danger[^>]*>([^<]*)<',
                                                   response.content.decode())
    events = list(AuditEvent.objects.filter(id__gt=latest).exclude(action__startswith="search."))
    changed = [e for e in events if key in (e.after or {})]
    assert len(changed) == 1, [(e.action, e.before, e.after) for e in events]
    event = changed[0]
    if "logged" in edit:
        assert event.after[key] == edit["logged"] and event.before[key] != edit["logged"], (event.before, event.after)
    else:
        created = not event.before or event.before.get("id", 0) is None  # a year's first income, say
        assert str(event.after[key]) == new, event.after
        assert created or str(event.before.get(key) or "") == old, (event.before, event.after)


# The stored rows an edit page may touch; what a save moves on by itself (its timestamp, the
# optimistic-lock version, a recomputed search key) is left out.
def _stored() -> dict:
    from minxin.accounts.models import User
    from minxin.cadres.models import Cadre, SendingUnit
    from minxin.fund.models import Application, BudgetLine
    from minxin.party.models import Branch, Post, Reserve
    from minxin.regions.models import Region
    from minxin.registry.models import Checklist, Helper, Household, Income, Member, Registration, VillageFile
    from minxin.rooms.models import Room

    moving = {"updated_at", "version", "last_login"}
    return {model._meta.label: sorted(str(sorted((k, str(v)) for k, v in row.items() if k not in moving))
                                      for row in model.objects.values())
            for model in (Region, Cadre, SendingUnit, User, Household, Member, VillageFile, Registration, Income,
                          Checklist, Helper, Room, Application, BudgetLine, Branch, Post, Reserve)}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_saving_an_edit_page_untouched_changes_nothing(world, client, name):
    """What the page shows is what it sends back: a value the browser cannot show (a date in the
    wrong format) would come back empty and be erased."""
    route = next(r for r in OBJECT_ROUTES if r.name == name and r.method == "POST")
    url = route.url(world, "tdw")
    client.force_login(world.users["county_admin"])
    data = form_data(client.get(url).content.decode(), EDITS[name]["field"])
    before = _stored()
    response = client.post(url, data)
    if "fill" in EDITS[name]:  # the page asks for a value first (which year's income): refused, untouched
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    else:
        assert response.status_code == 302, re.findall(r'invalid-feedback[^>]*>([^<]*)<', response.content.decode())
    assert _stored() == before
