"""Department workbench, dispatch desk and the case page (work package: staff pages)."""

from django.urls import path

from .views import staff as views_staff

urlpatterns = [
    path("", views_staff.queue, name="queue"),
    path("export/", views_staff.export, name="export"),
    path("bulk-transfer/", views_staff.bulk_transfer, name="bulk_transfer"),
    path("dispatch/", views_staff.dispatch, name="dispatch"),
    path("<int:pk>/", views_staff.detail, name="detail"),
    path("<int:pk>/do/<slug:verb>/", views_staff.act, name="act"),
    path(
        "<int:pk>/photos/<slug:photo_set>/<int:index>/<slug:kind>/",
        views_staff.photo,
        name="photo",
    ),
]
