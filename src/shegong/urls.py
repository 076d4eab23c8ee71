from django.contrib import admin
from django.urls import URLResolver, include, path

from shegong.accounts.urls import auth_urlpatterns
from shegong.core.api import api
from shegong.core.urls_staff import audit_patterns, inbox_patterns, system_patterns
from shegong.reports import urls as report_urls
from shegong.stations.urls_care import mobile_patterns as care_mobile_patterns
from shegong.stations.urls_vanguard import public_patterns as vanguard_public_patterns
from shegong.stations.urls_visits import mobile_patterns as station_mobile_patterns
from shegong.stations.urls_workers import mobile_patterns as worker_mobile_patterns
from shegong.volunteers import urls as volunteer_urls


def _api_urls() -> tuple:
    """The API authenticates each operation itself (session or token) and answers 401 problem
    details; the site-wide LoginRequiredMiddleware must not redirect it to the login page."""
    patterns, app_name, namespace = api.urls

    def exempt(entries: list) -> None:
        for entry in entries:
            if isinstance(entry, URLResolver):
                exempt(entry.url_patterns)
            else:
                entry.callback.login_required = False

    exempt(patterns)
    return patterns, app_name, namespace


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", _api_urls()),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("shegong.accounts.urls")),
    path("regions/", include("shegong.regions.urls")),
    path("ledger/", include("shegong.ledger.urls")),
    path("reports/", include("shegong.reports.urls")),
    path("stations/", include("shegong.stations.urls")),
    path("volunteers/", include("shegong.volunteers.urls")),
    path("m/", include((report_urls.mobile_patterns, "reports_m"))),
    path("m/", include((worker_mobile_patterns, "stations_m"))),  # m/worker/
    path("m/", include((station_mobile_patterns, "stations_checkin"))),
    path("m/", include((care_mobile_patterns, "stations_care"))),  # m/my-care/
    path("public/", include((report_urls.public_patterns, "reports_public"))),
    path("public/", include((vanguard_public_patterns, "honor"))),  # public/honor/
    path("m/", include((volunteer_urls.mobile_patterns, "volunteers_m"))),
    path("public/", include((volunteer_urls.public_patterns, "volunteers_public"))),
    path("audit/", include((audit_patterns, "audit"))),
    path("inbox/", include((inbox_patterns, "inbox"))),
    path("system/", include((system_patterns, "system"))),
    path("open311/v2/", include((report_urls.open311_patterns, "open311"))),
    path("", include("shegong.stations.urls_public")),  # m/stations/, public/stations/
    path("", include("shegong.core.urls")),
]

handler404 = "shegong.core.views.not_found"
handler500 = "shegong.core.views.server_error"
