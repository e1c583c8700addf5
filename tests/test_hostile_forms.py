"""Hostile values in forms, URLs and services that take what a list's query parameters do not: a
clear 4xx or a refusal naming the field, nothing written — never a 500, nor a value the database
would refuse (PostgreSQL) or keep silently (SQLite)."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from minxin.accounts.models import ApiToken
from minxin.assessment import services as assessment
from minxin.assessment.models import Period, Scheme
from minxin.assessment.window import parse_quarter
from minxin.cadres import services as cadres
from minxin.cadres.models import LeaveRequest, StudySession
from minxin.core.errors import DomainError
from minxin.core.forms import ModelFieldsForm, ModelMultipleChoiceField
from minxin.core.params import id_param, is_digits, month_param, year_param
from minxin.party.models import Event, Step
from minxin.registry.io.rows import RowError, parse_group
from minxin.registry.models import Helper, Member

pytestmark = pytest.mark.django_db


def test_digits_of_other_scripts_are_not_numbers():
    """str.isdigit passes "²" and "٣", which int() refuses: a parameter of them names nothing."""
    assert not is_digits("²²²²") and not is_digits("٣") and is_digits("2026")
    assert year_param("²²²²") is None and id_param("²") is None and id_param("12") == 12
    assert parse_group("²") == "²" and parse_group("３") == "3组"
    with pytest.raises(RowError):
        parse_group("1" * 5000)  # a number past int()'s 4,300 digits: refused for its length first


def test_a_month_parameter_outside_2000_to_now_is_this_month(world, client):
    this_month = timezone.localdate().replace(day=1)
    assert month_param("9999-12") == this_month == month_param("1999-12") == month_param("2026-13")
    assert month_param("2024-02") == datetime.date(2024, 2, 1)
    client.force_login(world.users["county_admin"])
    assert client.get(reverse("fieldwork:presence") + "?month=9999-12").status_code == 200


def test_a_nul_in_a_posted_field_or_in_the_path_is_a_clear_400(world, client):
    client.force_login(world.users["tdw_admin"])
    tokens = ApiToken.objects.count()
    answer = client.post(reverse("accounts:token-new"), {"name": "a\x00b"})
    assert answer.status_code == 400 and "NUL" in answer.content.decode()
    assert ApiToken.objects.count() == tokens
    member = world.registry["tdw"]["member"]
    answer = client.post(reverse("registry:member-remove", args=[member.pk]), {"reason": "迁出\x00"})
    assert answer.status_code == 400 and Member.objects.filter(pk=member.pk).exists()
    assert client.get("/registry/households/%00/").status_code == 400
    assert client.get("/api/v1/households/%00").json()["error"]["code"] == "invalid_input"


def test_a_leave_of_more_than_half_a_year_or_in_another_century_is_refused(world):
    admin, cadre = world.users["tdw_admin"], world.cadres["tdw"][1]
    start = timezone.localdate() + datetime.timedelta(days=5)
    before = LeaveRequest.objects.count()
    for end, code in ((start + datetime.timedelta(days=180), "leave_too_long"),
                      (datetime.date(2200, 1, 1), "leave_too_long")):
        with pytest.raises(DomainError) as refused:
            cadres.leave_request(actor=admin, cadre=cadre, start_date=start, end_date=end, reason="家中有事")
        assert (refused.value.code, refused.value.field) == (code, "end_date")
    with pytest.raises(DomainError) as refused:
        cadres.leave_request(actor=admin, cadre=cadre, start_date=datetime.date(9000, 1, 1),
                             end_date=datetime.date(9000, 1, 2), reason="家中有事")
    assert refused.value.code == "start_unlikely"
    assert LeaveRequest.objects.count() == before
    leave = cadres.leave_request(actor=admin, cadre=cadre, start_date=start, end_date=start + datetime.timedelta(days=179),
                                 reason="病休")
    assert leave.days == 180


def test_a_year_in_a_url_outside_2000_to_2099_is_404(world, client):
    client.force_login(world.users["county_admin"])
    cadre = world.cadres["tdw"][0]
    for year in (0, 1999, 2100, 99999):
        for url in (f"/assessment/archive/{cadre.pk}/{year}/", f"/assessment/archive/{cadre.pk}/{year}.docx",
                    f"/assessment/grades/{year}/"):
            assert client.get(url).status_code == 404, url
    assert client.get(reverse("assessment:archive", args=[cadre.pk, 2026])).status_code == 200


def test_a_quarter_outside_2000_to_2099_is_refused_and_nothing_computed(world, client):
    for text in ("0000Q1", "1000Q1", "2100Q1"):
        with pytest.raises(DomainError) as refused:
            parse_quarter(text)
        assert refused.value.code == "invalid_quarter"
    client.force_login(world.users["county_admin"])
    periods = Period.objects.count()
    answer = client.post(reverse("assessment:run"), {"quarter": "0000Q1"})
    assert answer.status_code == 200 and "2000 至 2099" in answer.content.decode()
    assert Period.objects.count() == periods


def test_scheme_values_past_their_columns_are_refused(world):
    admin = world.users["county_admin"]
    weights = assessment.default_weights()
    code = next(code for code, values in weights.items() if "step" in values)
    schemes = Scheme.objects.count()
    for field, value in (("step", "10000"), ("target", "100000000")):
        with pytest.raises(DomainError, match="不能超过") as refused:
            assessment.scheme_save(actor=admin, county_code="520627000000",
                                   weights={**weights, code: {**weights[code], field: value}})
        assert refused.value.field == f"{code}-{field}"
    assert Scheme.objects.count() == schemes
    saved = assessment.scheme_save(actor=admin, county_code="520627000000",
                                   weights={**weights, code: {**weights[code], "step": "9999.99", "target": "0.125"}})
    assert (saved.weights.get(indicator=code).step, saved.weights.get(indicator=code).target) == (
        Decimal("9999.99"), Decimal("0.12"))


def test_a_member_abroad_thirteen_months_or_a_helper_named_at_length_is_a_form_error(world, client):
    """The form's field allowed 32767 months (the model's check, 12: an IntegrityError), and the helpers'
    free names 500 characters at once (the column, 64: a DataError on PostgreSQL)."""
    household = world.registry["tdw"]["household"]
    client.force_login(world.users["tdw_admin"])
    members = Member.objects.count()
    page = client.post(reverse("registry:member-new", args=[household.pk]), {
        "version": household.version, "name": "出", "id_number": "", "relation": "son", "migrant": "out_province",
        "migrant_months": "13"})
    assert page.status_code == 200 and "is-invalid" in page.content.decode() and Member.objects.count() == members
    page = client.post(reverse("registry:helpers-edit", args=[household.pk]),
                       {"version": household.version, "names": "长" * 65})
    assert page.status_code == 200 and "64" in page.content.decode()
    assert not household.helpers.filter(name="长" * 65).exists()


# Ids a 64-bit key column cannot hold (one past each end, and far past), and an id that is no number.
BAD_IDS = [str(2**63), "99999999999999999999", str(-(2**63) - 1), "-99999999999999999999", "abc"]


def _study(world):
    own = world.cadres["tdw"][0]  # the cadre's own record: its one choice
    return ("tdw_cadre", reverse("cadres:study-new"), "attendees", [own.pk], StudySession.objects.count,
            {"title": "越界学习", "kind": "consult", "held_on": timezone.localdate().isoformat(), "hours": "2",
             "organiser": "", "note": ""})


def _helpers(world, field):
    household = world.registry["tdw"]["household"]
    cadre = world.cadres["tdw"][0]
    return ("tdw_admin", reverse("registry:helpers-edit", args=[household.pk]), field,
            [cadre.pk] if field == "cadres" else [], Helper.objects.count, {"version": household.version, "names": ""})


def _event(world):
    party = world.party["tdw"]
    return ("tdw_admin", reverse("party:event-new", args=[party["branch"].pk]), "attendees", [party["members"][0].pk],
            Event.objects.count, {"kind": "member_meeting", "held_on": timezone.localdate().isoformat(),
                                  "topic": "越界会议", "note": ""})


def _sponsors(world):
    party = world.party["tdw"]
    return ("tdw_admin", reverse("party:step-new", args=[party["case"].pk, "target"]), "sponsors",
            [party["members"][0].pk], Step.objects.count, {"on": timezone.localdate().isoformat(), "document": ""})


MULTIPLE_CHOICES = {
    "study-attendees": _study,
    "helpers-cadres": lambda world: _helpers(world, "cadres"),
    "helpers-staff": lambda world: _helpers(world, "staff"),
    "event-attendees": _event,
    "step-sponsors": _sponsors,
}


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("form", list(MULTIPLE_CHOICES))
def test_a_multiple_choice_of_an_id_no_row_can_have_is_the_fields_error(world, client, form, bad):
    """A multiple choice's `pk__in` lookup took an id past 64 bits to the database (OverflowError on
    SQLite, DataError on PostgreSQL: a 500); it is an invalid choice, as in a single choice, and
    nothing is written — also beside a valid choice."""
    persona, url, field, valid, count, data = MULTIPLE_CHOICES[form](world)
    client.force_login(world.users[persona])
    before = count()
    page = client.post(url, {**data, field: [*valid, bad]})
    assert page.status_code == 200
    with translation.override("zh-hans"):
        reason = forms.ModelMultipleChoiceField.default_error_messages["invalid_choice"] % {"value": bad}
    content = page.content.decode()
    assert escape(reason) in content and "is-invalid" in content
    assert count() == before


def test_a_many_to_many_field_a_model_describes_is_the_checked_multiple_choice(world):
    """A form that takes its fields from the model (core.forms.ModelFieldsForm) gets the same field for
    a many-to-many relation, not Django's."""

    class AttendeesForm(ModelFieldsForm):
        class Meta:
            model = Event
            fields = ["attendees"]

    assert isinstance(AttendeesForm.base_fields["attendees"], ModelMultipleChoiceField)
    member = world.party["tdw"]["members"][0]
    form = AttendeesForm({"attendees": [member.pk, "99999999999999999999"]})
    assert not form.is_valid() and form.errors.as_data()["attendees"][0].code == "invalid_choice"
    assert AttendeesForm({"attendees": [member.pk]}).is_valid()


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_single_choice_of_an_id_no_row_can_have_is_already_an_invalid_choice(world, bad):
    """The single choice (Django's, whose `pk=` lookup checks the column's range on every database)
    needs no help: what the multiple choice now matches."""
    field = forms.ModelChoiceField(queryset=Event.objects.all())
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(bad)
    assert refused.value.code == "invalid_choice"
