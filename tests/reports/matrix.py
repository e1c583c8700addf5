"""The reports module's routes in the permission matrix (imported by tests/permission_matrix.py)."""

from django.urls import reverse

from tests.permission_matrix import api_object, page

page("reports:dashboard", lambda w, s: reverse("reports:dashboard", args=[w.village(s).code]))
page("reports:dashboard", lambda w, s: reverse("reports:dashboard", args=[w.village(s).parent_id]), township=True)
page("reports:map", lambda w, s: reverse("reports:map", args=[w.village(s).code]))
page("reports:map", lambda w, s: reverse("reports:map", args=[w.village(s).parent_id]), township=True)
page("reports:map-data", lambda w, s: reverse("reports:map-data", args=[w.village(s).code]))
page("reports:map-data", lambda w, s: reverse("reports:map-data", args=[w.village(s).parent_id]), township=True)
page("reports:map-print", lambda w, s: reverse("reports:map-print", args=[w.village(s).code]))
api_object("/api/v1/regions/{code}/summary", lambda w, s: f"/api/v1/regions/{w.village(s).code}/summary")
api_object("/api/v1/regions/{code}/summary", lambda w, s: f"/api/v1/regions/{w.village(s).parent.prefix}/summary",
           township=True)
