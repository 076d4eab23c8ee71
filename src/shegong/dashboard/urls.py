"""The dashboard's pages under /dashboard/ (namespace ``dashboard``): the dashboard and its
drill-down lists, the big screen (大屏) and the work brief (工作简报)."""

from __future__ import annotations

from django.urls import path

app_name = "dashboard"

urlpatterns: list = []

# 数据看板 (views/board.py)
urlpatterns += []

# 大屏 (views/screen.py)
urlpatterns += []

# 工作简报 (views/briefs.py)
from .views import briefs  # noqa: E402

urlpatterns += [
    path("briefs/", briefs.briefs, name="briefs"),
    path("briefs/templates/", briefs.brief_templates, name="brief_templates"),
]
