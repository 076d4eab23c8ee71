from django.urls import URLPattern, path

from shegong.matching.views import statistics

app_name = "matching"

urlpatterns: list[URLPattern] = [
    path("statistics/", statistics.statistics_page, name="statistics"),
    path("statistics/export/", statistics.statistics_export, name="statistics_export"),
]
mobile_patterns: list[URLPattern] = []
