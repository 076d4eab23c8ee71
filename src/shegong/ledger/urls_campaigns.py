"""URL patterns of 回头看 campaigns, review tasks, instructors and visits (under /ledger/)."""

from django.urls import path

from . import views_campaigns as views

urlpatterns: list = [
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/preview/", views.campaign_preview, name="campaign_preview"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/photos/<int:index>/<str:kind>/", views.visit_photo, name="visit_photo"),
    path("instructors/assign/", views.instructor_assign, name="instructor_assign"),
    path("instructors/<int:pk>/end/", views.instructor_end, name="instructor_end"),
]
