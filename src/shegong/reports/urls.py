from django.urls import path

from . import views_staff

app_name = "reports"

urlpatterns = [
    path("", views_staff.placeholder, name="queue"),
    path("dispatch/", views_staff.placeholder, name="dispatch"),
    path("board/", views_staff.placeholder, name="board"),
    path("<int:pk>/", views_staff.placeholder, name="detail"),
]
