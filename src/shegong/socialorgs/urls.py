"""The social organizations pages under /socialorgs/ (namespace ``socialorgs``)."""

from django.urls import path

from .views import records

app_name = "socialorgs"

urlpatterns = [
    path("", records.social_org_list, name="list"),
    path("export/", records.export, name="export"),
    path("new/", records.new, name="new"),
    path("<int:pk>/", records.detail, name="detail"),
    path("<int:pk>/edit/", records.edit, name="edit"),
    path("<int:pk>/status/", records.change_status, name="status"),
    path("<int:pk>/charter/", records.add_charter, name="charter"),
]
