from django.contrib import admin
from django.urls import include, path

from shegong.core.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("shegong.accounts.urls")),
    path("regions/", include("shegong.regions.urls")),
    path("", include("shegong.core.urls")),
]

handler404 = "shegong.core.views.not_found"
handler500 = "shegong.core.views.server_error"
