from django.urls import path

from . import views_public

app_name = "public_cases"

urlpatterns = [
    path("cases/", views_public.placeholder, name="list"),
]
