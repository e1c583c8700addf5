from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from minxin.accounts import views as accounts_views
from minxin.api.main import api
from minxin.core import views as core_views
from minxin.regions import views as regions_views

urlpatterns = [
    path("", regions_views.home, name="home"),
    path("audit/", accounts_views.audit_log, name="audit-log"),
    path("accounts/", include("minxin.accounts.urls")),
    path("regions/", include("minxin.regions.urls")),
    path("cadres/", include("minxin.cadres.urls")),
    path("registry/", include("minxin.registry.urls")),
    path("reports/", include("minxin.reports.urls")),
    path("assessment/", include("minxin.assessment.urls")),
    path("fieldwork/", include("minxin.fieldwork.urls")),
    path("disputes/", include("minxin.disputes.urls")),
    path("rooms/", include("minxin.rooms.urls")),
    path("fund/", include("minxin.fund.urls")),
    path("party/", include("minxin.party.urls")),
    path("gs/", include("minxin.fund.public_urls")),
    path("ledger/", include("minxin.ledger.urls")),
    path("field/", include("minxin.fieldapp.urls")),
    path("r/", include("minxin.fieldwork.public_urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Browsers ask for /favicon.ico whatever the page says: answer with the icon, not a 404.
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("favicon.ico", RedirectView.as_view(url=static("minxin/favicon.svg"), permanent=True)),
]

handler400 = "minxin.core.views.bad_request"
handler403 = "minxin.core.views.permission_denied"
handler404 = "minxin.core.views.page_not_found"
handler500 = "minxin.core.views.server_error"
