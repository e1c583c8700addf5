"""The assessment module's pages and API routes in the permission matrix (tests/permission_matrix.py).

The objects each route names are built lazily, once per test world, by tests/assessment/world.py.
"""

from django.urls import reverse

from tests.assessment.world import assessment_world as _aw
from tests.permission_matrix import EXEMPT_URL_NAMES, api_list, api_object, listing, page

EXEMPT_URL_NAMES["assessment:pledge-public"] = "the village's public pledge page (no login, no identifiers)"
_YEAR = lambda w: _aw(w).period.year  # noqa: E731
for _name, _fn in [
    ("assessment:result", lambda w, s: reverse("assessment:result", args=[_aw(w).results[s].pk])),
    ("assessment:score", lambda w, s: reverse("assessment:score", args=[_aw(w).scores[s].pk])),
    ("assessment:pledge", lambda w, s: reverse("assessment:pledge", args=[_aw(w).pledges[s].pk])),
    ("assessment:inspection", lambda w, s: reverse("assessment:inspection", args=[_aw(w).inspections[s].pk])),
    ("assessment:archive", lambda w, s: reverse("assessment:archive", args=[w.cadres[s][0].pk, _YEAR(w)])),
    ("assessment:archive-docx", lambda w, s: reverse("assessment:archive-docx", args=[w.cadres[s][0].pk, _YEAR(w)])),
    ("assessment:period", lambda w, s: reverse("assessment:period", args=[_aw(w).period.county, _aw(w).code]) + f"?region={w.village(s).code}"),
    ("assessment:bulletin-docx", lambda w, s: reverse("assessment:bulletin-docx", args=[_aw(w).period.county, _aw(w).code, w.village(s).code])),
    ("assessment:bulletin-xlsx", lambda w, s: reverse("assessment:bulletin-xlsx", args=[_aw(w).period.county, _aw(w).code, w.village(s).code])),
]:
    page(_name, _fn)
for _name, _fn in [
    ("assessment:bulletin-docx", lambda w, s: reverse("assessment:bulletin-docx", args=[_aw(w).period.county, _aw(w).code, w.village(s).parent_id])),
    ("assessment:bulletin-xlsx", lambda w, s: reverse("assessment:bulletin-xlsx", args=[_aw(w).period.county, _aw(w).code, w.village(s).parent_id])),
]:
    page(_name, _fn, township=True)
for _name, _fn in [
    ("assessment:appeal-new", lambda w, s: reverse("assessment:appeal-new", args=[_aw(w).scores[s].pk])),
    ("assessment:appeal-decide", lambda w, s: reverse("assessment:appeal-decide", args=[_aw(w).appeals[s].pk])),
    ("assessment:pledge-review", lambda w, s: reverse("assessment:pledge-review", args=[_aw(w).pledges[s].items.first().pk])),
    ("assessment:finding-new", lambda w, s: reverse("assessment:finding-new", args=[_aw(w).inspections[s].pk])),
    ("assessment:manual-score-new", lambda w, s: reverse("assessment:manual-score-new", args=[_aw(w).inspections[s].pk])),
    ("assessment:rectification", lambda w, s: reverse("assessment:rectification", args=[_aw(w).rectifications[s].pk])),
    ("assessment:grade-confirm", lambda w, s: reverse("assessment:grade-confirm", args=[_aw(w).grades[s].pk])),
    ("assessment:consequence-new", lambda w, s: reverse("assessment:consequence-new", args=[w.cadres[s][0].pk])),
]:
    page(_name, _fn)
    page(_name, _fn, "POST")
page("assessment:pledge-submit", lambda w, s: reverse("assessment:pledge-submit", args=[_aw(w).pledges[s].pk]), "POST")
page("assessment:pledge-deliver", lambda w, s: reverse("assessment:pledge-deliver", args=[_aw(w).pledges[s].pk]), "POST")
page("assessment:pledge-publish", lambda w, s: reverse("assessment:pledge-publish", args=[_aw(w).pledges[s].pk]), "POST")
listing("assessment:index", lambda w: _aw(w) and reverse("assessment:index"))
listing("assessment:scheme", lambda w: _aw(w) and reverse("assessment:scheme"))
listing("assessment:run", lambda w: _aw(w) and reverse("assessment:run"))
listing("assessment:period", lambda w: reverse("assessment:period", args=[_aw(w).period.county, _aw(w).code]))
listing("assessment:period-publish", lambda w: reverse("assessment:period-publish", args=[_aw(w).period.county, _aw(w).code]))
listing("assessment:appeal-list", lambda w: _aw(w) and reverse("assessment:appeal-list"))
listing("assessment:pledge-list", lambda w: _aw(w) and reverse("assessment:pledge-list"))
listing("assessment:pledge-edit", lambda w: reverse("assessment:pledge-edit", args=[_YEAR(w) + 1]))
listing("assessment:inspection-list", lambda w: _aw(w) and reverse("assessment:inspection-list"))
listing("assessment:inspection-new", lambda w: _aw(w) and reverse("assessment:inspection-new"))
listing("assessment:rectification-list", lambda w: _aw(w) and reverse("assessment:rectification-list"))
listing("assessment:grade-list", lambda w: reverse("assessment:grade-list", args=[_YEAR(w)]))
listing("assessment:consequence-list", lambda w: _aw(w) and reverse("assessment:consequence-list"))
page("assessment:consequence-list", lambda w, s: _aw(w) and reverse("assessment:consequence-list") + f"?region={w.village(s).code}")
listing("assessment:grades-compute", lambda w: reverse("assessment:grades-compute", args=[_YEAR(w)]))
api_list("/api/v1/assessment/indicators", lambda w: "/api/v1/assessment/indicators")
api_list("/api/v1/assessment/periods", lambda w: _aw(w) and "/api/v1/assessment/periods")
api_list("/api/v1/assessment/periods/{code}/results", lambda w: f"/api/v1/assessment/periods/{_aw(w).code}/results")
api_object("/api/v1/assessment/periods/{code}/results",
           lambda w, s: f"/api/v1/assessment/periods/{_aw(w).code}/results?region={w.village(s).code}")
api_object("/api/v1/assessment/results/{result_id}", lambda w, s: f"/api/v1/assessment/results/{_aw(w).results[s].pk}")
api_object("/api/v1/assessment/scores/{score_id}/evidence",
           lambda w, s: f"/api/v1/assessment/scores/{_aw(w).scores[s].pk}/evidence")
