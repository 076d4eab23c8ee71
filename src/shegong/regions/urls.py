from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("import/", views.region_import, name="import"),
    path("import/jobs/<int:pk>/", views.region_import_job, name="import_job"),
    path("import/jobs/<int:pk>/progress/", views.region_import_progress, name="import_progress"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/children/", views.create_child, name="create_child"),
]
