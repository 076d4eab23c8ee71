from django.urls import path

from .views import mobile as views_mobile

app_name = "reports_m"

urlpatterns = [
    path("report/", views_mobile.report, name="report"),
    path("report/duplicates/", views_mobile.duplicates, name="duplicates"),
    path("report/<int:pk>/follow/", views_mobile.follow, name="follow"),
    path("my-reports/", views_mobile.my_reports, name="my_reports"),
    path("my-reports/<int:pk>/", views_mobile.my_detail, name="my_detail"),
    path("my-reports/<int:pk>/verify/", views_mobile.verify, name="verify"),
    path("my-reports/<int:pk>/reopen/", views_mobile.reopen, name="reopen"),
    path("my-reports/<int:pk>/rate/", views_mobile.rate, name="rate"),
    path(
        "my-reports/<int:pk>/photos/<int:index>/<str:kind>/",
        views_mobile.photo,
        name="photo",
    ),
]
