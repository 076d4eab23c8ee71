from django.urls import URLPattern, path

from shegong.deliberation.views import statistics

app_name = "deliberation"

urlpatterns: list[URLPattern] = [
    # the numbers (views/statistics.py)
    path("statistics/", statistics.statistics_page, name="statistics"),
    path("statistics/export/", statistics.statistics_export, name="statistics_export"),
    path("statistics/cadence/", statistics.cadence_missing, name="cadence_missing"),
]  # fmt: skip
mobile_patterns: list[URLPattern] = [
]  # fmt: skip
public_patterns: list[URLPattern] = [
]  # fmt: skip
