from django.contrib import admin
from django.urls import URLResolver, include, path

from shegong.accounts.urls import auth_urlpatterns, mobile_auth_urlpatterns
from shegong.api import api
from shegong.deliberation import urls as deliberation_urls
from shegong.grants import urls as grant_urls
from shegong.matching import urls as matching_urls
from shegong.notices import urls as notice_urls
from shegong.regions import urls as region_urls
from shegong.reports import urls as report_urls
from shegong.socialorgs import urls as socialorg_urls
from shegong.stations import urls as station_urls
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
    path("socialorgs/", include("shegong.socialorgs.urls")),
    path("matching/", include("shegong.matching.urls")),
    path("deliberation/", include("shegong.deliberation.urls")),
    path("notices/", include("shegong.notices.urls")),
    path("grants/", include("shegong.grants.urls")),
    path("dashboard/", include("shegong.dashboard.urls")),
    path("m/", include(mobile_auth_urlpatterns)),  # m/password/
    path("m/", include((report_urls.mobile_patterns, "reports_m"))),
    path("m/", include((station_urls.mobile_patterns, "stations_m"))),  # m/worker/, m/stations/ …
    path("public/", include((region_urls.public_patterns, "regions_public"))),
    path("public/", include((report_urls.public_patterns, "reports_public"))),
    path("public/", include((station_urls.public_patterns, "stations_public"))),  # honor/ …
    path("m/", include((volunteer_urls.mobile_patterns, "volunteers_m"))),
    path("public/", include((volunteer_urls.public_patterns, "volunteers_public"))),
    path("public/", include((socialorg_urls.public_patterns, "socialorgs_public"))),
    path("m/", include((matching_urls.mobile_patterns, "matching_m"))),
    path("m/", include((deliberation_urls.mobile_patterns, "deliberation_m"))),
    path("public/", include((deliberation_urls.public_patterns, "deliberation_public"))),
    path("public/", include((notice_urls.public_patterns, "notices_public"))),
    path("public/", include((grant_urls.public_patterns, "grants_public"))),
    path("open311/v2/", include((report_urls.open311_patterns, "open311"))),
    path("", include("shegong.web.urls")),
]

handler404 = "shegong.web.views.home.not_found"
handler500 = "shegong.web.views.home.server_error"
