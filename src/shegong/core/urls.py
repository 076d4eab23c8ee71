from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("m/", views.mobile_home, name="mobile_home"),
    path("healthz", views.healthz, name="healthz"),
]
