"""Station management pages under /stations/ (work package: station management)."""

from django.urls import path

from .urls_care import care_patterns
from .urls_vanguard import vanguard_patterns
from .urls_visits import visit_patterns
from .urls_workers import worker_patterns
from .views import stations as views

app_name = "stations"

urlpatterns = [
    path("", views.station_list, name="list"),
    path("export/", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/inspect/", views.inspect, name="inspect"),
    path("inspections/<int:pk>/resolve/", views.inspection_resolve, name="inspection_resolve"),
    path("<int:pk>/photos/<int:index>/<slug:kind>/", views.photo, name="photo"),
    *visit_patterns,
    *worker_patterns,
    *care_patterns,
    *vanguard_patterns,
]
