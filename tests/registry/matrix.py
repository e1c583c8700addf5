"""The registry's pages and API routes in the permission matrix (see tests/permission_matrix.py)."""

from django.urls import reverse

from tests.permission_matrix import EXEMPT_URL_NAMES, api_list, api_object, listing, page


def _h(w, s):
    return w.registry[s]["household"].pk


def _m(w, s):
    return w.registry[s]["member"].pk


def _job(w, s):
    return w.registry[s]["job"].pk


for name in ("household-detail", "household-edit", "member-new", "registration-edit", "income-edit",
             "checklist-edit", "helpers-edit"):
    page(f"registry:{name}", lambda w, s, name=name: reverse(f"registry:{name}", args=[_h(w, s)]))
for name in ("household-edit", "member-new", "registration-edit", "income-edit", "checklist-edit", "helpers-edit",
             "care-override", "household-reveal"):
    page(f"registry:{name}", lambda w, s, name=name: reverse(f"registry:{name}", args=[_h(w, s)]), "POST")
page("registry:member-edit", lambda w, s: reverse("registry:member-edit", args=[_m(w, s)]))
page("registry:member-edit", lambda w, s: reverse("registry:member-edit", args=[_m(w, s)]), "POST")
page("registry:member-reveal", lambda w, s: reverse("registry:member-reveal", args=[_m(w, s)]), "POST")
page("registry:member-remove", lambda w, s: reverse("registry:member-remove", args=[_m(w, s)]), "POST")
page("registry:village-file", lambda w, s: reverse("registry:village-file", args=[w.village(s).code]))
page("registry:village-file-edit", lambda w, s: reverse("registry:village-file-edit", args=[w.village(s).code]))
page("registry:village-file-edit", lambda w, s: reverse("registry:village-file-edit", args=[w.village(s).code]),
     "POST")
page("registry:plan-new", lambda w, s: reverse("registry:plan-new", args=[w.village(s).code]))
page("registry:plan-new", lambda w, s: reverse("registry:plan-new", args=[w.village(s).code]), "POST")
for name in ("plan-detail", "plan-edit", "plan-item-new"):
    page(f"registry:{name}", lambda w, s, name=name: reverse(f"registry:{name}", args=[w.registry[s]["plan"].pk]))
for name in ("plan-edit", "plan-item-new"):
    page(f"registry:{name}", lambda w, s, name=name: reverse(f"registry:{name}", args=[w.registry[s]["plan"].pk]),
         "POST")
for method in ("GET", "POST"):
    page("registry:plan-item-edit", lambda w, s: reverse("registry:plan-item-edit",
                                                         args=[w.registry[s]["plan_item"].pk]), method)
# Filtering the list or the export by a region outside the scope is a 404 too.
page("registry:household-list", lambda w, s: reverse("registry:household-list") + f"?village={w.village(s).code}")
page("registry:household-export", lambda w, s: reverse("registry:household-export") + f"?township={w.village(s).parent_id}",
     township=True)
page("registry:household-export", lambda w, s: reverse("registry:household-export") + f"?township={w.village(s).parent_id}",
     "POST", township=True)
for name, method in (("import-job", "GET"), ("import-progress", "GET"), ("import-report", "POST"),
                     ("import-sheet", "POST")):
    page(f"registry:{name}", lambda w, s, name=name: reverse(f"registry:{name}", args=[_job(w, s)]), method,
         township=True)
for name, method in (("export-job", "GET"), ("export-progress", "GET"), ("export-download", "POST")):
    page(f"registry:{name}", lambda w, s, name=name: reverse(f"registry:{name}", args=[w.registry[s]["export"].pk]),
         method, township=True)

listing("registry:household-list", lambda w: reverse("registry:household-list"))
listing("registry:household-new", lambda w: reverse("registry:household-new"))
listing("registry:import", lambda w: reverse("registry:import"))
EXEMPT_URL_NAMES.update({
    "registry:import-template": "the blank template: no region data",
    "registry:validate": "checks a typed value; a person registered outside the scope is reported without where "
                         "(tests/registry/test_pages.py)",
})
# The unfiltered export is a file (the markers are inside zipped XML): tests/registry/test_export.py opens it
# as each persona and checks the other side's names are absent.

api_list("/api/v1/households", lambda w: "/api/v1/households")
api_object("/api/v1/households/{household_id}", lambda w, s: f"/api/v1/households/{_h(w, s)}")
api_object("/api/v1/households", lambda w, s: f"/api/v1/households?village={w.village(s).code}")
api_object("/api/v1/households", lambda w, s: f"/api/v1/households?village={w.village(s).prefix[:9]}", township=True)
