"""Department workbench, dispatch desk and the case page (work package: staff pages)."""

from django.urls import path

from . import views_staff

urlpatterns = [
    path("", views_staff.placeholder, name="queue"),
    path("dispatch/", views_staff.placeholder, name="dispatch"),
    path("<int:pk>/", views_staff.placeholder, name="detail"),
]
