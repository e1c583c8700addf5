"""Field-work routes in the permission matrix (imported at the end of tests/permission_matrix.py)."""

from django.urls import reverse

from tests.permission_matrix import EXEMPT_API_PATHS, EXEMPT_URL_NAMES, api_list, api_object, listing, page


def _fw(name, key, method="GET", attr="pk"):
    page(f"fieldwork:{name}", lambda w, s: reverse(f"fieldwork:{name}", args=[getattr(w.fieldwork[s][key], attr)]),
         method)


_fw("visit-detail", "visit")
_fw("visit-photo", "visit", "POST")
_fw("photo-file", "photo")
_fw("meeting-detail", "meeting")
_fw("need-detail", "need")
_fw("need-detail", "need", "POST")
_fw("request-detail", "request")
_fw("request-reveal-phone", "request", "POST")
_fw("request-assign", "request", "POST")
_fw("request-answer", "request", "POST")
_fw("request-close", "request", "POST")
page("fieldwork:card-reissue", lambda w, s: reverse("fieldwork:card-reissue", args=[w.fieldwork[s]["households"][1].pk]),
     "POST")
page("fieldwork:card-qr", lambda w, s: reverse("fieldwork:card-qr", args=[w.fieldwork[s]["households"][1].pk]))
for _name, _method in (("card-list", "GET"), ("card-print", "GET"), ("card-issue", "POST")):
    page(f"fieldwork:{_name}", lambda w, s, n=_name: reverse(f"fieldwork:{n}", args=[w.village(s).code]), _method)
# Every list narrowed to a village by ?village=: another side's village is a 404.
for _name in ("visit-list", "meeting-list", "call-list", "diary-list", "need-list", "request-list", "presence",
              "visit-new"):
    page(f"fieldwork:{_name}", lambda w, s, n=_name: reverse(f"fieldwork:{n}") + f"?village={w.village(s).code}")
    listing(f"fieldwork:{_name}", lambda w, n=_name: reverse(f"fieldwork:{n}") + "?status=all")
for _name in ("meeting-new", "call-new", "diary-new", "request-new"):
    listing(f"fieldwork:{_name}", lambda w, n=_name: reverse(f"fieldwork:{n}"))
listing("field:app", lambda w: reverse("field:app"))
EXEMPT_URL_NAMES.update({
    "field:sw": "the field app's service worker script (no data)",
    "field:manifest": "the field app's manifest (no data)",
    "public:request": "public page behind a liaison card's unguessable token; tests/fieldwork/test_public.py "
                      "proves it shows only its own village name and household number",
})

api_list("/api/v1/field/bootstrap", lambda w: "/api/v1/field/bootstrap")
api_list("/api/v1/visits", lambda w: "/api/v1/visits")
api_object("/api/v1/visits", lambda w, s: f"/api/v1/visits?village={w.village(s).code}")
api_list("/api/v1/requests", lambda w: "/api/v1/requests")
api_object("/api/v1/requests", lambda w, s: f"/api/v1/requests?village={w.village(s).code}")
api_object("/api/v1/coverage/{code}", lambda w, s: f"/api/v1/coverage/{w.village(s).code}")
api_object("/api/v1/coverage/{code}", lambda w, s: f"/api/v1/coverage/{w.village(s).parent.prefix}", township=True)
EXEMPT_API_PATHS.update({
    # POST-only; scope is proven in tests/fieldwork/test_sync.py and test_api.py (an out-of-scope
    # household or visit answers exactly like a missing one).
    "/api/v1/sync", "/api/v1/visits/{uuid}/photos",
})
