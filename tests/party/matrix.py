"""The party module's routes in the permission matrix."""

from django.urls import reverse

from tests.permission_matrix import api_list, api_object, listing, page

for _name in ("branch-list", "branch-new", "case-list", "reserve-list", "warning-list", "rect-list", "rect-new",
              "site-list", "site-new"):
    listing(f"party:{_name}", lambda w, name=_name: reverse(f"party:{name}"))
for _name in ("branch-list", "case-list", "reserve-list", "warning-list", "rect-list", "site-list"):
    page(f"party:{_name}", lambda w, s, name=_name: reverse(f"party:{name}") + f"?village={w.village(s).code}")


def _branch(w, s):
    return w.party[s]["branch"].pk


for _name, _methods in (("branch-detail", ("GET",)), ("branch-docx", ("GET",)), ("branch-edit", ("GET", "POST")),
                        ("post-new", ("GET", "POST")), ("member-new", ("GET", "POST")), ("event-new", ("GET", "POST")), ("contact-new", ("GET", "POST")),
                        ("survey-new", ("GET", "POST")), ("flag-new", ("GET", "POST")), ("case-new", ("GET", "POST")),
                        ("reserve-new", ("GET", "POST"))):
    for _method in _methods:
        page(f"party:{_name}", lambda w, s, name=_name: reverse(f"party:{name}", args=[_branch(w, s)]), _method)
for _method in ("GET", "POST"):
    page("party:post-edit", lambda w, s: reverse("party:post-edit", args=[_branch(w, s), w.party[s]["post"].pk]),
         _method)
    page("party:reserve-edit", lambda w, s: reverse("party:reserve-edit", args=[_branch(w, s),
                                                                               w.party[s]["reserve"].pk]), _method)
    page("party:step-new", lambda w, s: reverse("party:step-new", args=[w.party[s]["case"].pk, "target"]), _method)
    page("party:site-review", lambda w, s: reverse("party:site-review", args=[w.party[s]["site"].pk]), _method)
    for _name in ("item-new", "progress-new", "accept", "follow-up-new"):
        page(f"party:{_name}", lambda w, s, name=_name: reverse(f"party:{name}", args=[w.party[s]["rect"].pk]), _method)
page("party:case-detail", lambda w, s: reverse("party:case-detail", args=[w.party[s]["case"].pk]))
page("party:rect-detail", lambda w, s: reverse("party:rect-detail", args=[w.party[s]["rect"].pk]))
page("party:flag-clear", lambda w, s: reverse("party:flag-clear", args=[w.party[s]["flag"].pk]), "POST")
page("party:item-sign-off", lambda w, s: reverse("party:item-sign-off", args=[w.party[s]["item"].pk]), "POST")
page("party:rect-close", lambda w, s: reverse("party:rect-close", args=[w.party[s]["rect"].pk]), "POST")
api_list("/api/v1/party/branches", lambda w: "/api/v1/party/branches")
api_list("/api/v1/party/cases", lambda w: "/api/v1/party/cases")
api_object("/api/v1/party/branches", lambda w, s: f"/api/v1/party/branches?village={w.village(s).code}")
api_object("/api/v1/party/cases", lambda w, s: f"/api/v1/party/cases?village={w.village(s).code}")
api_object("/api/v1/party/branches/{branch_id}", lambda w, s: f"/api/v1/party/branches/{_branch(w, s)}")
api_object("/api/v1/party/cases/{case_id}", lambda w, s: f"/api/v1/party/cases/{w.party[s]['case'].pk}")
api_object("/api/v1/party/cases/{case_id}/steps", lambda w, s: f"/api/v1/party/cases/{w.party[s]['case'].pk}/steps",
           json=lambda w, s: {"kind": "review", "on": "2001-01-01"})
