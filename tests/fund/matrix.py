"""The fund's routes in the permission matrix."""

from django.urls import reverse

from tests.permission_matrix import EXEMPT_API_PATHS, EXEMPT_URL_NAMES, api_list, api_object, listing, page

EXEMPT_URL_NAMES["fund-public:notice"] = "a village's public notice (公示): no login by design, no identifiers"
for _name in ("overview", "contribution-list", "application-list", "application-new", "expert-list", "expert-new",
              "my-reviews"):
    listing(f"fund:{_name}", lambda w, name=_name: reverse(f"fund:{name}"))
listing("ledger:lines", lambda w: reverse("ledger:lines", args=["fund"]))
page("fund:application-list", lambda w, s: reverse("fund:application-list") + f"?village={w.village(s).code}")
for _name in ("application-detail", "score"):
    for _method in ("GET", "POST"):
        page(f"fund:{_name}", lambda w, s, name=_name: reverse(f"fund:{name}", args=[w.fund[s]["application"].pk]),
             _method)
for _method in ("GET", "POST"):
    page("fund:application-edit", lambda w, s: reverse("fund:application-edit", args=[w.fund[s]["draft"].pk]), _method)
page("fund:decision-document", lambda w, s: reverse("fund:decision-document", args=[w.fund[s]["application"].pk]))
listing("fund:expert-edit", lambda w: reverse("fund:expert-edit", args=[w.fund["experts"]["pool"][1].pk]))  # the county's pool
api_list("/api/v1/fund/applications", lambda w: "/api/v1/fund/applications")
api_list("/api/v1/fund/balance", lambda w: "/api/v1/fund/balance")
api_object("/api/v1/fund/applications", lambda w, s: f"/api/v1/fund/applications?village={w.village(s).code}")
api_object("/api/v1/fund/applications/{application_id}",
           lambda w, s: f"/api/v1/fund/applications/{w.fund[s]['application'].pk}")
api_object("/api/v1/fund/applications/{application_id}/tranches",
           lambda w, s: f"/api/v1/fund/applications/{w.fund[s]['application'].pk}/tranches",
           json={"stage": "advance", "amount": "1.00", "paid_on": "2026-01-01"})  # not approved: 400
EXEMPT_API_PATHS.add("/api/v1/fund/contributions")  # the county's fund, no region below it: tests/fund
