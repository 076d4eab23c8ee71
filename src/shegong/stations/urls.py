"""Station management pages under /stations/ (work package: station management)."""

from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("", views.placeholder, name="list"),
]
