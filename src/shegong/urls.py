from django.contrib import admin
from django.urls import include, path

from shegong.accounts.urls import auth_urlpatterns
from shegong.core.api import api
from shegong.core.urls_staff import audit_patterns, inbox_patterns, system_patterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("shegong.accounts.urls")),
    path("regions/", include("shegong.regions.urls")),
    path("audit/", include((audit_patterns, "audit"))),
    path("inbox/", include((inbox_patterns, "inbox"))),
    path("system/", include((system_patterns, "system"))),
    path("", include("shegong.core.urls")),
]

handler404 = "shegong.core.views.not_found"
handler500 = "shegong.core.views.server_error"
