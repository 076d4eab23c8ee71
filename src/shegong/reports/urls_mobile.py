from django.urls import path

from . import views_mobile

app_name = "reports_m"

urlpatterns = [
    path("report/", views_mobile.placeholder, name="report"),
    path("my-reports/", views_mobile.placeholder, name="my_reports"),
    path("my-reports/<int:pk>/", views_mobile.placeholder, name="my_detail"),
]
