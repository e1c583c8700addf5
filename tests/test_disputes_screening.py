"""Dispute screenings (排查, issue 16.1): cycles of half months — weeks in a sensitive period — filed
per village with nil reports, the villages that missed one listed per township, and the to-do item
until this cycle's is filed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from minxin.core import todo
from minxin.core.errors import DomainError, PermissionDenied
from minxin.disputes import selectors, services
from minxin.disputes.cycles import cycle_of, cycles_between
from minxin.disputes.models import Screening, SensitivePeriod

pytestmark = pytest.mark.django_db
D = datetime.date
COUNTY = "520627000000"


def test_half_months_and_the_weeks_of_a_sensitive_period():
    cycles = cycles_between(D(2026, 9, 1), D(2026, 9, 30), COUNTY)
    assert [(c.start, c.end, c.weekly) for c in cycles] == [
        (D(2026, 9, 1), D(2026, 9, 15), False), (D(2026, 9, 16), D(2026, 9, 30), False)]
    assert cycles[1].label() == "9月下半月"
    # National Day: 2026-10-01 (Thursday) to 10-07 (Wednesday) touches the weeks of Sep 28 and Oct 5.
    SensitivePeriod.objects.create(county_code=COUNTY, name="国庆", start=D(2026, 10, 1), end=D(2026, 10, 7))
    SensitivePeriod.objects.create(county_code="520628000000", name="另一县", start=D(2026, 10, 16),
                                   end=D(2026, 10, 20))  # another county's rule changes nothing here
    cycles = cycles_between(D(2026, 9, 16), D(2026, 10, 31), COUNTY)
    assert [(c.start, c.end, c.weekly) for c in cycles] == [
        (D(2026, 9, 16), D(2026, 9, 27), False),  # the half month keeps its days before the week
        (D(2026, 9, 28), D(2026, 10, 4), True), (D(2026, 10, 5), D(2026, 10, 11), True),
        (D(2026, 10, 12), D(2026, 10, 15), False), (D(2026, 10, 16), D(2026, 10, 31), False)]
    assert cycle_of(D(2026, 10, 2), COUNTY) == cycles[1] and cycle_of(D(2026, 10, 20), COUNTY) == cycles[4]


def test_filing_a_screening_and_its_rules(world):
    clerk = world.users["tdw_clerk"]
    village = world.village("tdw")
    nil = services.screening_record(actor=clerk, village=village, screened_on=timezone.localdate())
    assert nil.is_nil
    with pytest.raises(DomainError, match="写明"):
        services.screening_record(actor=clerk, village=village, screened_on=timezone.localdate(), found=2)
    with pytest.raises(DomainError, match="晚于今天"):
        services.screening_record(actor=clerk, village=village,
                                  screened_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="管辖范围"):
        services.screening_record(actor=clerk, village=world.village("gz"), screened_on=timezone.localdate())
    with pytest.raises(PermissionDenied):  # the township reads screenings; villages file them
        services.screening_record(actor=world.users["tdw_admin"], village=village, screened_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.sensitive_period_declare(actor=world.users["tdw_admin"], name="x", start=D(2026, 1, 1),
                                          end=D(2026, 1, 2))
    assert Screening.objects.filter(village=village, screened_on=timezone.localdate()).count() == 1


def test_the_villages_that_missed_a_cycle_per_township(world):
    first = D(timezone.localdate().year - 1, 11, 1)
    tdw, tea = world.villages["tdw"]
    Screening.objects.create(village=tdw, screened_on=D(first.year, 11, 3))
    Screening.objects.create(village=tdw, screened_on=D(first.year, 11, 20), found=1, note="宅基地纠纷")
    Screening.objects.create(village=tea, screened_on=D(first.year, 11, 18))
    Screening.objects.create(village=world.villages["gz"][0], screened_on=D(first.year, 11, 2))  # another township
    (township,) = selectors.missed(user=world.users["tdw_admin"], month=first)
    rows = {row["village"].code: row for row in township["villages"]}
    assert rows[tdw.code]["missed"] == [] and rows[tdw.code]["filed"] == 2
    assert [c.label() for c in rows[tea.code]["missed"]] == ["11月上半月"] and township["missing"] == 1
    assert len(selectors.missed(user=world.users["county_admin"], month=first)) == 2


def test_the_cycles_screening_waits_in_the_inbox_until_filed(world):
    clerk = world.users["tdw_clerk"]
    (item,) = [i for i in todo.inbox(clerk) if i.kind == "disputes.screening"]
    cycle = cycle_of(timezone.localdate(), COUNTY)
    assert item.due == cycle.end and world.village("tdw").name in item.title and cycle.label() in item.title
    services.screening_record(actor=clerk, village=world.village("tdw"), screened_on=timezone.localdate())
    assert not [i for i in todo.inbox(clerk) if i.kind == "disputes.screening"]
    assert not [i for i in todo.inbox(world.users["tdw_admin"]) if i.kind == "disputes.screening"]


def test_the_pages(world, client):
    clerk = world.users["tdw_clerk"]
    client.force_login(clerk)
    url = reverse("disputes:screening-new")
    assert f'value="{world.village("tdw").code}" selected' in client.get(url).content.decode()
    refused = client.post(url, {"village": world.village("tdw").code, "screened_on": timezone.localdate().isoformat(),
                                "found": "3", "note": ""})
    assert refused.status_code == 200 and "写明" in refused.content.decode()
    outside = client.post(url, {"village": world.village("gz").code, "screened_on": timezone.localdate().isoformat(),
                                "found": "0", "note": ""})
    assert outside.status_code == 200  # not a choice for this clerk
    assert not Screening.objects.filter(screened_on=timezone.localdate()).exists()
    done = client.post(url, {"village": world.village("tdw").code, "screened_on": timezone.localdate().isoformat(),
                             "found": "1", "note": "两户因宅基地边界争执"})
    assert done.status_code == 302
    listing = client.get(reverse("disputes:screening-list")).content.decode()
    assert "两户因宅基地边界争执" in listing
    client.force_login(world.users["county_admin"])
    missed = client.get(reverse("disputes:screening-missed"), {"month": "not-a-month"})
    assert missed.status_code == 200 and 'data-testid="missed-township"' in missed.content.decode()
    declared = client.post(reverse("disputes:sensitive-list"), {"name": "春节", "start": "2027-02-10",
                                                                "end": "2027-02-01"})
    assert declared.status_code == 400 and "结束日期早于开始日期" in declared.content.decode()
    assert client.post(reverse("disputes:sensitive-list"), {"name": "春节", "start": "2027-02-01",
                                                            "end": "2027-02-10"}).status_code == 302
    client.force_login(world.users["tdw_admin"])
    assert client.post(reverse("disputes:sensitive-list"), {"name": "x", "start": "2027-02-01",
                                                            "end": "2027-02-10"}).status_code == 403
    client.force_login(world.users["expert"])
    assert client.get(reverse("disputes:screening-list")).status_code == 403


def test_dashboard_figures_count_the_years_screenings(world):
    from minxin.reports.selectors import region_summary

    year = timezone.localdate().year
    tdw, tea = world.villages["tdw"]
    before = region_summary(user=world.users["tdw_admin"], region=tdw.parent, year=year)
    # Through the service: its audit event is what tells the dashboard's cache the data changed.
    for village, day, found, note in ((tdw, D(year, 1, 3), 0, ""), (tea, D(year, 1, 20), 2, "邻里纠纷两起"),
                                      (tea, D(year - 1, 12, 20), 5, "去年"),
                                      (world.villages["gz"][0], D(year, 1, 5), 1, "另一乡镇")):
        services.screening_record(actor=None, village=village, screened_on=day, found=found, note=note)
    after = region_summary(user=world.users["tdw_admin"], region=tdw.parent, year=year)

    def added(key):
        return after.totals[key] - before.totals[key]

    # this year's two in the township (last year's and the other township's left out)
    assert (added("disputes.screenings"), added("disputes.nil_reports"), added("disputes.found")) == (2, 1, 2)
    january = after.trends["disputes.screenings"][0] - before.trends["disputes.screenings"][0]
    assert january == 2


def test_a_sensitive_period_is_its_countys(world, client):
    services.sensitive_period_declare(actor=world.users["county_admin"], name="春节", start=D(2027, 2, 1),
                                      end=D(2027, 2, 10))
    SensitivePeriod.objects.create(county_code="520628000000", name="另一县的会议", start=D(2027, 3, 1),
                                   end=D(2027, 3, 5))
    assert SensitivePeriod.objects.get(name="春节").county_code == COUNTY
    client.force_login(world.users["tdw_admin"])
    page = client.get(reverse("disputes:sensitive-list")).content.decode()
    assert "春节" in page and "另一县的会议" not in page
    assert "本期" in client.get(reverse("disputes:screening-list")).content.decode()
