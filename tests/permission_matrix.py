"""The reusable permission matrix (DESIGN §5).

Every page URL and API route is registered here with a way to build its URL for an object of a
given side of the test world. `tests/test_permission_matrix.py` then walks every route as every
persona: an object outside the persona's scope must be a 404 (exactly like a missing one), and no
list may show another side's markers. A URL pattern or API path that is not registered fails the
coverage test, so each new module must plug its routes in.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class ObjectRoute:
    """A URL that names one object of a side; out of scope → 404."""

    name: str
    url: Callable  # (world, side) -> str
    method: str = "GET"
    township: bool = False  # the object is a township: village-scoped personas never see it
    # an API POST's body (valid in form, refused in substance: nothing changes), or (world, side) -> body
    json: dict | Callable | None = None


@dataclass(frozen=True)
class ListRoute:
    """A URL that lists objects; it must never show another side's markers."""

    name: str
    url: Callable  # (world) -> str


OBJECT_ROUTES: list[ObjectRoute] = []
LIST_ROUTES: list[ListRoute] = []
API_OBJECT_ROUTES: list[ObjectRoute] = []
API_LIST_ROUTES: list[ListRoute] = []
# URL names that need no scope check (no region data), with the reason.
EXEMPT_URL_NAMES = {
    "accounts:login": "public login form",
    "accounts:logout": "ends the session",
    "accounts:profile": "the user's own account",
    "accounts:password-change": "the user's own password",
    "accounts:token-new": "the user's own tokens",
    "accounts:token-revoke": "the user's own tokens (lookup filtered by owner)",
    "set_language": "language switch",
    "javascript-catalog": "translations for scripts",
    "home": "redirects to the user's own region",
    "healthz": "liveness probe: no data (tests/test_operations.py)",
    "readyz": "readiness probe: the checks' results only (tests/test_operations.py)",
    "party:warnings-refresh": "recomputes the user's own scope (no object in the URL; tests/party checks it)",
}
# API paths that carry no region data.
EXEMPT_API_PATHS = {"/api/v1/openapi.json", "/api/v1/docs"}


def page(name: str, url: Callable, method: str = "GET", *, township: bool = False) -> None:
    OBJECT_ROUTES.append(ObjectRoute(name, url, method, township))


def listing(name: str, url: Callable) -> None:
    LIST_ROUTES.append(ListRoute(name, url))


def api_object(path: str, url: Callable, *, township: bool = False, json: dict | Callable | None = None) -> None:
    API_OBJECT_ROUTES.append(ObjectRoute(path, url, "POST" if json is not None else "GET", township, json))


def api_list(path: str, url: Callable) -> None:
    API_LIST_ROUTES.append(ListRoute(path, url))


# --- regions ---------------------------------------------------------------------------------
page("regions:detail", lambda w, s: reverse("regions:detail", args=[w.village(s).code]))
page("regions:detail", lambda w, s: reverse("regions:detail", args=[w.village(s).parent_id]), township=True)
page("regions:edit", lambda w, s: reverse("regions:edit", args=[w.village(s).code]))
page("regions:edit", lambda w, s: reverse("regions:edit", args=[w.village(s).code]), "POST")
page("regions:village-new", lambda w, s: reverse("regions:village-new", args=[w.village(s).parent_id]),
     township=True)
page("regions:village-new", lambda w, s: reverse("regions:village-new", args=[w.village(s).parent_id]), "POST",
     township=True)
api_object("/api/v1/regions/{code}", lambda w, s: f"/api/v1/regions/{w.village(s).parent.prefix}", township=True)
api_object("/api/v1/regions/{code}", lambda w, s: f"/api/v1/regions/{w.village(s).code}")
api_object("/api/v1/regions/{code}", lambda w, s: f"/api/v1/regions/{w.village(s).prefix}")

# --- cadres ----------------------------------------------------------------------------------
page("cadres:detail", lambda w, s: reverse("cadres:detail", args=[w.cadres[s][0].pk]))
page("cadres:edit", lambda w, s: reverse("cadres:edit", args=[w.cadres[s][0].pk]))
page("cadres:edit", lambda w, s: reverse("cadres:edit", args=[w.cadres[s][0].pk]), "POST")
page("cadres:reveal", lambda w, s: reverse("cadres:reveal", args=[w.cadres[s][0].pk, "id_number"]), "POST")
page("cadres:assignment-new", lambda w, s: reverse("cadres:assignment-new", args=[w.cadres[s][1].pk]))
page("cadres:assignment-new", lambda w, s: reverse("cadres:assignment-new", args=[w.cadres[s][1].pk]), "POST")
page("cadres:assignment-end", lambda w, s: reverse("cadres:assignment-end", args=[w.assignments[s][2].pk]), "POST")
page("cadres:insurance-new", lambda w, s: reverse("cadres:insurance-new", args=[w.cadres[s][0].pk]))
page("cadres:insurance-new", lambda w, s: reverse("cadres:insurance-new", args=[w.cadres[s][0].pk]), "POST")
page("cadres:leave-new", lambda w, s: reverse("cadres:leave-new", args=[w.cadres[s][0].pk]))
page("cadres:leave-new", lambda w, s: reverse("cadres:leave-new", args=[w.cadres[s][0].pk]), "POST")
page("cadres:leave-decide", lambda w, s: reverse("cadres:leave-decide", args=[w.leaves[s].pk]))
page("cadres:leave-decide", lambda w, s: reverse("cadres:leave-decide", args=[w.leaves[s].pk]), "POST")
page("cadres:list", lambda w, s: reverse("cadres:list") + f"?village={w.village(s).code}")
page("cadres:unit-detail", lambda w, s: reverse("cadres:unit-detail", args=[w.units[s].pk]))
page("cadres:unit-edit", lambda w, s: reverse("cadres:unit-edit", args=[w.units[s].pk]))
page("cadres:unit-edit", lambda w, s: reverse("cadres:unit-edit", args=[w.units[s].pk]), "POST")
page("cadres:unit-staff-new", lambda w, s: reverse("cadres:unit-staff-new", args=[w.units[s].pk]), "POST")


def _staff(w, s):
    from minxin.cadres.models import UnitStaff

    return UnitStaff.objects.get_or_create(sending_unit=w.units[s], name=f"{w.markers[s][0]}帮扶干部")[0]


page("cadres:unit-staff-retire", lambda w, s: reverse("cadres:unit-staff-retire", args=[_staff(w, s).pk]), "POST")
listing("cadres:list", lambda w: reverse("cadres:list"))
page("cadres:study-detail", lambda w, s: reverse("cadres:study-detail", args=[w.study[s].pk]))
page("cadres:study-edit", lambda w, s: reverse("cadres:study-edit", args=[w.study[s].pk]))
page("cadres:study-edit", lambda w, s: reverse("cadres:study-edit", args=[w.study[s].pk]), "POST")
listing("cadres:study-list", lambda w: reverse("cadres:study-list"))
listing("cadres:study-new", lambda w: reverse("cadres:study-new"))
listing("cadres:leave-list", lambda w: reverse("cadres:leave-list") + "?status=all")
listing("cadres:unit-list", lambda w: reverse("cadres:unit-list"))
listing("cadres:new", lambda w: reverse("cadres:new"))
listing("cadres:unit-new", lambda w: reverse("cadres:unit-new"))
api_list("/api/v1/cadres", lambda w: "/api/v1/cadres")
api_object("/api/v1/cadres", lambda w, s: f"/api/v1/cadres?village={w.village(s).code}")

# --- accounts and audit ----------------------------------------------------------------------
page("accounts:user-edit", lambda w, s: reverse("accounts:user-edit", args=[w.users[f"{s}_clerk"].pk]))
page("accounts:user-edit", lambda w, s: reverse("accounts:user-edit", args=[w.users[f"{s}_clerk"].pk]), "POST")
page("accounts:user-password", lambda w, s: reverse("accounts:user-password", args=[w.users[f"{s}_clerk"].pk]))
page("accounts:user-password", lambda w, s: reverse("accounts:user-password", args=[w.users[f"{s}_clerk"].pk]),
     "POST")
page("accounts:user-tokens-revoke",
     lambda w, s: reverse("accounts:user-tokens-revoke", args=[w.users[f"{s}_clerk"].pk]), "POST")
listing("accounts:user-list", lambda w: reverse("accounts:user-list"))
listing("accounts:todo", lambda w: reverse("accounts:todo"))
listing("disputes:screening-list", lambda w: reverse("disputes:screening-list"))
listing("disputes:screening-new", lambda w: reverse("disputes:screening-new"))
listing("disputes:screening-missed", lambda w: reverse("disputes:screening-missed"))
listing("disputes:sensitive-list", lambda w: reverse("disputes:sensitive-list"))
listing("disputes:dispute-list", lambda w: reverse("disputes:dispute-list"))
listing("disputes:dispute-new", lambda w: reverse("disputes:dispute-new"))
listing("disputes:petition-list", lambda w: reverse("disputes:petition-list"))
listing("disputes:petition-new", lambda w: reverse("disputes:petition-new"))
listing("disputes:overdue", lambda w: reverse("disputes:overdue"))
page("disputes:dispute-list", lambda w, s: reverse("disputes:dispute-list") + f"?village={w.village(s).code}")
page("disputes:petition-list", lambda w, s: reverse("disputes:petition-list") + f"?village={w.village(s).code}")
page("disputes:dispute-new", lambda w, s: reverse("disputes:dispute-new") + f"?visit={w.fieldwork[s]['visit'].pk}")
page("disputes:dispute-detail", lambda w, s: reverse("disputes:dispute-detail", args=[w.disputes[s]["dispute"].pk]))
page("disputes:dispute-detail", lambda w, s: reverse("disputes:dispute-detail", args=[w.disputes[s]["dispute"].pk]),
     "POST")
page("disputes:dispute-document",
     lambda w, s: reverse("disputes:dispute-document", args=[w.disputes[s]["dispute"].pk, "file"]))
page("disputes:dispute-edit", lambda w, s: reverse("disputes:dispute-edit", args=[w.disputes[s]["dispute"].pk]))
page("disputes:dispute-edit", lambda w, s: reverse("disputes:dispute-edit", args=[w.disputes[s]["dispute"].pk]),
     "POST")
page("disputes:party-add", lambda w, s: reverse("disputes:party-add", args=[w.disputes[s]["dispute"].pk]), "POST")
page("disputes:party-reveal", lambda w, s: reverse("disputes:party-reveal", args=[
    w.disputes[s]["dispute"].pk, w.disputes[s]["party"].pk]), "POST")
page("disputes:petition-detail", lambda w, s: reverse("disputes:petition-detail", args=[w.disputes[s]["petition"].pk]))
page("disputes:petition-detail", lambda w, s: reverse("disputes:petition-detail", args=[w.disputes[s]["petition"].pk]),
     "POST")
api_list("/api/v1/disputes", lambda w: "/api/v1/disputes")
api_list("/api/v1/petitions", lambda w: "/api/v1/petitions")
api_object("/api/v1/disputes", lambda w, s: f"/api/v1/disputes?village={w.village(s).code}")
api_object("/api/v1/petitions", lambda w, s: f"/api/v1/petitions?village={w.village(s).code}")
api_object("/api/v1/disputes/{dispute_id}", lambda w, s: f"/api/v1/disputes/{w.disputes[s]['dispute'].pk}")
api_object("/api/v1/petitions/{petition_id}", lambda w, s: f"/api/v1/petitions/{w.disputes[s]['petition'].pk}")
api_object("/api/v1/disputes/{dispute_id}/steps",
           lambda w, s: f"/api/v1/disputes/{w.disputes[s]['dispute'].pk}/steps",
           json={"step": "follow_up", "done_on": "2026-01-01", "note": "回访"})  # the case is not resolved: 400
api_object("/api/v1/petitions/{petition_id}/steps",
           lambda w, s: f"/api/v1/petitions/{w.disputes[s]['petition'].pk}/steps",
           json={"step": "close", "done_on": "2026-01-01"})  # not yet answered: 400
page("disputes:petition-reveal", lambda w, s: reverse("disputes:petition-reveal", args=[w.disputes[s]["petition"].pk]),
     "POST")
page("disputes:screening-list", lambda w, s: reverse("disputes:screening-list") + f"?village={w.village(s).code}")
listing("accounts:todo-count", lambda w: reverse("accounts:todo-count"))
listing("accounts:todo-panel", lambda w: reverse("accounts:todo-panel"))
api_list("/api/v1/todo", lambda w: "/api/v1/todo")
listing("accounts:user-new", lambda w: reverse("accounts:user-new"))
listing("audit-log", lambda w: reverse("audit-log"))

# --- modules that register their routes in their own tests/<app>/matrix.py -------------------
import tests.assessment.matrix  # noqa: E402, F401
import tests.fieldwork.matrix  # noqa: E402, F401
import tests.fund.matrix  # noqa: E402, F401
import tests.party.matrix  # noqa: E402, F401
import tests.registry.matrix  # noqa: E402, F401
import tests.reports.matrix  # noqa: E402, F401
import tests.rooms.matrix  # noqa: E402, F401
