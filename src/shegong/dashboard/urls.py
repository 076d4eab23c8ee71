"""The dashboard's pages under /dashboard/ (namespace ``dashboard``): the dashboard and its
drill-down lists, the big screen (大屏) and the work brief (工作简报)."""

from __future__ import annotations

from django.urls import path

from .views import screen

app_name = "dashboard"

urlpatterns: list = []

# 数据看板 (views/board.py)
urlpatterns += []

# 大屏 (views/screen.py)
urlpatterns += [
    path("screen/", screen.screen, name="screen"),
    path("screen/data.json", screen.screen_data, name="screen_data"),
    path("screen/geo.json", screen.screen_geo, name="screen_geo"),
]

# 工作简报 (views/briefs.py)
urlpatterns += []
