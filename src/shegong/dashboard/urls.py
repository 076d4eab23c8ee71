"""The dashboard's pages under /dashboard/ (namespace ``dashboard``): the dashboard and its
drill-down lists, the big screen (大屏) and the work brief (工作简报)."""

from __future__ import annotations

from django.urls import path

from .views import board, briefs, screen

app_name = "dashboard"

urlpatterns: list = []

# 数据看板 (views/board.py)
urlpatterns += [
    path("", board.board_page, name="board"),
    path("rankings/export/", board.ranking_export, name="ranking_export"),
    path("records/<str:code>/", board.records_page, name="records"),
    path("records/<str:code>/export/", board.records_export, name="records_export"),
]

# 大屏 (views/screen.py)
urlpatterns += [
    path("screen/", screen.screen, name="screen"),
    path("screen/data.json", screen.screen_data, name="screen_data"),
    path("screen/geo.json", screen.screen_geo, name="screen_geo"),
]

# 工作简报 (views/briefs.py)
urlpatterns += [
    path("briefs/", briefs.briefs, name="briefs"),
    path("briefs/templates/", briefs.brief_templates, name="brief_templates"),
]
