"""Public station pages, no login: the H5 nearest-station page and the public map."""

from django.urls import path

from .views import public as views_public

app_name = "stations_public"

urlpatterns = [
    path("m/stations/", views_public.m_nearest, name="m_nearest"),
    path("public/stations/", views_public.public_map, name="map"),
]
