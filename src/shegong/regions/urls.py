from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("boundaries/", views.boundaries, name="boundaries"),
    path("import/", views.region_import, name="import"),
    path("import/jobs/<int:pk>/", views.region_import_job, name="import_job"),
    path("import/jobs/<int:pk>/progress/", views.region_import_progress, name="import_progress"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/children/", views.create_child, name="create_child"),
]

# Mounted under /public/ as namespace regions_public: the public maps' base layer.
public_patterns = [
    path("regions/boundaries/", views.public_boundaries, name="boundaries"),
]
