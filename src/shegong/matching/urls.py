from django.urls import URLPattern, path

from shegong.matching.views import standing, statistics

app_name = "matching"

urlpatterns: list[URLPattern] = [
    path("standing/", standing.standing_list, name="standing_list"),
    path("standing/new/", standing.standing_new, name="standing_new"),
    path("standing/generate/", standing.standing_generate, name="standing_generate"),
    path("standing/summary/", standing.standing_summary, name="standing_summary"),
    path("standing/<int:pk>/", standing.standing_detail, name="standing"),
    path("standing/<int:pk>/edit/", standing.standing_edit, name="standing_edit"),
    path("standing/<int:pk>/rota/", standing.standing_rota, name="standing_rota"),
    path("standing/<int:pk>/pause/", standing.standing_pause, name="standing_pause"),
    path("standing/<int:pk>/resume/", standing.standing_resume, name="standing_resume"),
    path("standing/<int:pk>/end/", standing.standing_end, name="standing_end"),
    path("statistics/", statistics.statistics_page, name="statistics"),
    path("statistics/export/", statistics.statistics_export, name="statistics_export"),
]
mobile_patterns: list[URLPattern] = [
    path("matching/tasks/", standing.m_tasks, name="standing_tasks"),
    path("matching/tasks/<int:pk>/done/", standing.m_task_done, name="standing_task_done"),
]
