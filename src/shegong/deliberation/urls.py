from django.urls import URLPattern, path

from shegong.deliberation.views import actions as action_views
from shegong.deliberation.views import m_actions
from shegong.deliberation.views import public as public_views

app_name = "deliberation"

urlpatterns: list[URLPattern] = [
    # 落地实事 (views/actions.py)
    path("actions/", action_views.action_list, name="actions"),
    path("actions/export/", action_views.action_export, name="actions_export"),
    path("actions/new/", action_views.action_new, name="action_new"),
    path("actions/<int:pk>/", action_views.action_detail, name="action"),
    path(
        "actions/<int:pk>/photos/<int:entry>/<int:index>/<str:kind>/", action_views.action_photo,
        name="action_photo",
    ),
    path("actions/<int:pk>/<slug:verb>/", action_views.action_act, name="action_act"),
]  # fmt: skip
mobile_patterns: list[URLPattern] = [
    # 落地实事 on the phone (views/m_actions.py)
    path("deliberation/actions/", m_actions.m_actions, name="actions"),
    path("deliberation/actions/<int:pk>/", m_actions.m_action, name="action"),
    path(
        "deliberation/actions/<int:pk>/photos/<int:entry>/<int:index>/<str:kind>/",
        m_actions.m_action_photo, name="action_photo",
    ),
]  # fmt: skip
public_patterns: list[URLPattern] = [
    # 落地实事公开 (views/public.py)
    path("deliberation/", public_views.accountability, name="accountability"),
    path("deliberation/actions/<int:pk>/", public_views.public_action, name="action"),
    path(
        "deliberation/actions/<int:pk>/photos/<int:entry>/<int:index>/<str:kind>/",
        public_views.public_photo, name="action_photo",
    ),
]  # fmt: skip
