"""Public case pages under /public/ (no login; work package: metrics, board and public pages)."""

from django.urls import path

from .views import public as views_public

app_name = "public_cases"

urlpatterns = [
    path("cases/", views_public.case_list, name="list"),
    path("cases/<int:pk>/", views_public.case_detail, name="detail"),
    path(
        "cases/<int:pk>/photos/<int:index>/<str:kind>/",
        views_public.case_photo,
        name="photo",
    ),
]
