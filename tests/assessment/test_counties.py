"""A prefecture's database assesses each of its counties apart (issue 20, item 6): each county has
its own scheme, quarters, document numbers and annual grades; a county's users never reach another
county's quarter; the prefecture's users read every county's."""

import io

import pytest
from django.urls import reverse
from docx import Document

from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.assessment import services
from minxin.assessment.models import AnnualGrade, CadreResult, Period, Scheme
from minxin.core.errors import DomainError
from minxin.core.figures import within
from minxin.core.models import AuditEvent
from minxin.demo.assessment import last_complete_quarter

pytestmark = pytest.mark.django_db

YANHE, SINAN = "520627000000", "520624000000"


@pytest.fixture
def sinan_quarter(small_prefecture):
    """Sinan's county administrator runs and publishes the quarter the demo published for Yanhe."""
    from django.utils import timezone

    window = last_complete_quarter(timezone.localdate())
    admin = User.objects.create(username="sinan_admin", role=Role.COUNTY_ADMIN, scope_id=SINAN)
    period = services.period_assess(actor=admin, quarter=window.code)
    return admin, services.period_publish(actor=admin, period=period)


def test_each_county_runs_and_numbers_its_own_quarter(sinan_quarter):
    admin, sinan = sinan_quarter
    yanhe = Period.objects.get(county_code=YANHE)
    assert (sinan.county_code, sinan.year, sinan.quarter) == (SINAN, yanhe.year, yanhe.quarter)
    results = CadreResult.objects.filter(period=sinan)
    assert results.exists()
    assert {r.village_code[:6] for r in results} == {"520624"}
    assert {r.cohort_county for r in results} == {results.count()}
    assert sorted(r.rank_county for r in results)[0] == 1
    # Yanhe's quarter is untouched: its own cadres, still ranked among themselves.
    assert {r.village_code[:6] for r in CadreResult.objects.filter(period=yanhe)} == {"520627"}
    # Each county numbers its documents from 1 with its own abbreviation.
    assert yanhe.document_code == f"沿组通〔{yanhe.year}〕1号"
    assert sinan.document_code == f"思组通〔{sinan.year}〕1号"
    # Its own scheme, version 1, beside Yanhe's.
    assert sinan.scheme.county_code == SINAN and sinan.scheme.version == 1
    assert Scheme.objects.filter(county_code=YANHE).exists()
    events = AuditEvent.objects.filter(action__in=["period.assess", "period.publish"], object_id=str(sinan.pk))
    assert {e.region_code for e in events} == {SINAN} and events.count() == 2


def test_a_county_administrator_cannot_assess_or_configure_another_county(sinan_quarter):
    admin, sinan = sinan_quarter
    before = CadreResult.objects.count()
    for county in (YANHE, "520627"):
        with pytest.raises(DomainError) as err:
            services.period_assess(actor=admin, quarter=sinan.code, county_code=county)
        assert err.value.code == "scope_outside"
    with pytest.raises(DomainError) as err:
        services.scheme_save(actor=admin, weights=services.default_weights(), county_code=YANHE)
    assert err.value.code == "scope_outside"
    for bad in ("520624106000", "5206", "abc", "52062\x00"):
        with pytest.raises(DomainError) as err:
            services.period_assess(actor=admin, quarter=sinan.code, county_code=bad)
        assert err.value.code == "not_county"
    # The prefecture's supervisor has no county of its own to assess.
    city = User.objects.get(username="city")
    city.role = Role.COUNTY_ADMIN  # even with the right, a prefecture-wide scope names no county
    with pytest.raises(DomainError) as err:
        services.period_assess(actor=city, quarter=sinan.code)
    assert err.value.code == "not_county"
    assert CadreResult.objects.count() == before


def test_a_countys_pages_and_api_never_reach_another_countys_quarter(sinan_quarter, as_user):
    _admin, sinan = sinan_quarter
    client = as_user(User.objects.get(username="admin"))  # Yanhe's county administrator
    index = client.get(reverse("assessment:index")).content.decode()
    assert reverse("assessment:period", args=["520627", sinan.code]) in index
    assert "/assessment/periods/520624/" not in index and "思南县" not in index
    for url in (reverse("assessment:period", args=["520624", sinan.code]),
                reverse("assessment:period-publish", args=["520624", sinan.code]),
                reverse("assessment:bulletin-docx", args=["520624", sinan.code, SINAN]),
                f"/api/v1/assessment/periods/{sinan.code}/results?county=520624"):
        assert client.get(url).status_code == 404, url
    listed = client.get("/api/v1/assessment/periods").json()
    assert {p["county_code"] for p in listed} == {YANHE}
    # A malformed county in the address is a 404 like any unknown one, never a 500 (a NUL: the 400
    # every request holding one gets).
    for county in ("52062x", "5206270000001"):
        assert client.get(f"/assessment/periods/{county}/{sinan.code}/").status_code == 404
    assert client.get(f"/assessment/periods/%00/{sinan.code}/").status_code == 400


def test_the_prefecture_reads_every_countys_quarter(sinan_quarter, as_user):
    _admin, sinan = sinan_quarter
    client = as_user(User.objects.get(username="city"))
    index = client.get(reverse("assessment:index")).content.decode()
    assert "思南县" in index and "沿河土家族自治县" in index
    page = client.get(reverse("assessment:period", args=["520624", sinan.code]))
    assert page.status_code == 200 and "思组通" in page.content.decode()
    # Over several counties the API needs to be told which: a clear 400, then the county's ranking.
    answer = client.get(f"/api/v1/assessment/periods/{sinan.code}/results")
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "county_required"
    rows = client.get(f"/api/v1/assessment/periods/{sinan.code}/results?county=520624").json()
    assert rows and {r["village_code"][:6] for r in rows} == {"520624"}
    listed = client.get("/api/v1/assessment/periods").json()
    assert {(p["county_code"], p["county"]) for p in listed} == {(YANHE, "沿河土家族自治县"), (SINAN, "思南县")}
    doc = Document(io.BytesIO(client.get(reverse("assessment:bulletin-docx", args=["520624", sinan.code, SINAN]))
                              .content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "中共思南县委组织部" in text and f"思组通〔{sinan.year}〕1号" in text and "沿河" not in text


def test_annual_grades_are_computed_and_capped_per_county(sinan_quarter):
    admin, sinan = sinan_quarter
    yanhe_grades = list(AnnualGrade.objects.filter(within("village_code", "520627"))
                        .order_by("pk").values_list("pk", "grade"))
    assert yanhe_grades  # the demo graded Yanhe
    grades = services.grades_compute(actor=admin, year=sinan.year)
    assert grades and {g.village_code[:6] for g in grades} == {"520624"}
    assert list(AnnualGrade.objects.filter(within("village_code", "520627"))
                .order_by("pk").values_list("pk", "grade")) == yanhe_grades
    # A grade Yanhe confirmed does not stop Sinan from computing again (only its own would).
    first = AnnualGrade.objects.filter(within("village_code", "520627")).first()
    services.grade_confirm(actor=User.objects.get(username="admin"), grade=first, final=first.computed_grade)
    services.grades_compute(actor=admin, year=sinan.year)
    assert AnnualGrade.objects.filter(within("village_code", "520624")).count() == len(grades)


def test_each_countys_documents_name_its_own_organisation_department(small_prefecture):
    from minxin.regions import issuers

    assert issuers.county_name("520624106201") == issuers.county_name(SINAN) == "思南县"
    assert issuers.county_name("520600000000") == "" and issuers.county_name("520699000000") == ""
    assert issuers.organisation_department("碧江区") == "中共碧江区委组织部"
    assert issuers.abbreviation("沿河土家族自治县") == "沿"


def test_a_prefecture_user_cannot_configure_or_run_a_quarter_without_a_county(small_prefecture, as_user):
    city = User.objects.get(username="city")
    city.role = Role.COUNTY_ADMIN  # the right to configure, over ten counties: no one county to act for
    city.save()
    client = as_user(city)
    yanhe = Period.objects.get(county_code=YANHE)
    assert client.get(reverse("assessment:period", args=["520627", yanhe.code])).status_code == 200  # it reads
    for url in (reverse("assessment:scheme"), reverse("assessment:run"),
                reverse("assessment:period-publish", args=["520627", yanhe.code])):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"quarter": "2026Q3"}).status_code == 403, url
    assert not Period.objects.exclude(county_code=YANHE).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_quarters_and_schemes_to_the_deployments_county():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.migrate([("assessment", target)])
        return executor.loader.project_state([("assessment", target)]).apps

    old = migrate("0008_organize_from_party")
    try:
        scheme = old.get_model("assessment", "Scheme").objects.create(version=1)
        old.get_model("assessment", "Period").objects.create(year=2026, quarter=3, scheme_id=scheme.pk)
        migrate("0009_county_quarters")
        assert list(Scheme.objects.values_list("county_code", "version")) == [(YANHE, 1)]
        assert list(Period.objects.values_list("county_code", "year", "quarter")) == [(YANHE, 2026, 3)]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_every_assessment_page_answers_the_prefecture_and_a_county_without_error(sinan_quarter, as_user):
    """Lists that span counties (the prefecture's) and the county's own, for each kind of reader."""
    _admin, sinan = sinan_quarter
    pages = [reverse("assessment:index"), reverse("assessment:pledge-list"), reverse("assessment:inspection-list"),
             reverse("assessment:rectification-list"), reverse("assessment:appeal-list"),
             reverse("assessment:consequence-list"), reverse("assessment:grade-list", args=[sinan.year]),
             reverse("assessment:period", args=["520624", sinan.code]),
             reverse("assessment:bulletin-xlsx", args=["520624", sinan.code, SINAN]),
             "/api/v1/assessment/periods", f"/api/v1/assessment/periods/{sinan.code}/results?county=520624"]
    for username in ("city", "sinan_admin", "admin"):
        client = as_user(User.objects.get(username=username))
        for url in pages:
            status = client.get(url).status_code
            expected = {404} if username == "admin" and "520624" in url else {200}
            assert status in expected, (username, url, status)


def test_a_quarter_published_in_one_county_leaves_anothers_open_to_supervision(small_prefecture):
    """Yanhe's quarter is published (the demo's); Sinan's supervisors still score that quarter in
    Sinan until Sinan publishes its own."""
    import datetime

    from django.utils import timezone

    from minxin.cadres.models import Assignment

    window = last_complete_quarter(timezone.localdate())
    assert Period.objects.get(county_code=YANHE, year=window.year, quarter=window.quarter).is_published
    supervisor = User.objects.create(username="sinan_supervisor", role=Role.SUPERVISOR, scope_id=SINAN)
    posting = Assignment.objects.filter(within("village_id", "520624")).select_related("cadre", "village").first()
    inspection = services.inspection_record(actor=supervisor, kind="quarterly", village=posting.village,
                                            date=window.start + datetime.timedelta(days=10), summary="季度督查")
    score = services.manual_score_record(actor=supervisor, inspection=inspection, cadre=posting.cadre,
                                         indicator="plan.plan", score="80")
    assert score.score == 80
    admin = User.objects.create(username="sinan_admin", role=Role.COUNTY_ADMIN, scope_id=SINAN)
    services.period_publish(actor=admin, period=services.period_assess(actor=admin, quarter=window.code))
    with pytest.raises(DomainError) as err:
        services.manual_score_record(actor=supervisor, inspection=inspection, cadre=posting.cadre,
                                     indicator="plan.plan", score="90")
    assert err.value.code == "period_published"
