"""Visit pages: staff (poster, tally, named visit, statistics) under /stations/, and the H5
check-in under /m/ (``mobile_patterns``, namespace ``stations_checkin``)."""

from django.urls import path

from .views import visits as views_visits

visit_patterns = [
    path("visits/", views_visits.statistics, name="visits"),
    path("visits/export/", views_visits.statistics_export, name="visits_export"),
    path("<int:pk>/poster.<str:fmt>", views_visits.poster, name="poster"),
    path("<int:pk>/tally/", views_visits.tally, name="tally"),
    path("<int:pk>/visit/", views_visits.visit, name="visit"),
]

mobile_patterns = [
    path("checkin/<str:token>/", views_visits.m_checkin, name="checkin"),
    path("visits/", views_visits.m_my_visits, name="my_visits"),
]
