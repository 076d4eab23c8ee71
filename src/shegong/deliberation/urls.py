from django.urls import URLPattern, path

from shegong.deliberation.views import actions as action_views
from shegong.deliberation.views import m_actions, m_meetings, m_topics, meetings, statistics, topics
from shegong.deliberation.views import public as public_views

app_name = "deliberation"

urlpatterns: list[URLPattern] = [
    # topics (views/topics.py)
    path("topics/", topics.topic_list, name="topics"),
    path("topics/export/", topics.topic_export, name="topics_export"),
    path("topics/new/", topics.topic_new, name="topic_new"),
    path("topics/<int:pk>/", topics.topic_detail, name="topic"),
    path("topics/<int:pk>/answer/", topics.topic_answer, name="topic_answer"),
    path("topics/<int:pk>/merge/", topics.topic_merge, name="topic_merge"),
    path(
        "topics/<int:pk>/photos/<int:index>/<str:kind>/", topics.topic_photo, name="topic_photo"
    ),
    path("settings/", topics.community_settings, name="settings"),
    path("categories/", topics.categories, name="categories"),
    # meetings (views/meetings.py)
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/signin/", meetings.meeting_signin, name="meeting_signin"),
    path("meetings/<int:pk>/qr.png", meetings.meeting_qr, name="meeting_qr"),
    path("meetings/<int:pk>/print/", meetings.meeting_print, name="meeting_print"),
    path("meetings/<int:pk>/<slug:verb>/", meetings.meeting_act, name="meeting_act"),
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
    # the numbers (views/statistics.py)
    path("statistics/", statistics.statistics_page, name="statistics"),
    path("statistics/export/", statistics.statistics_export, name="statistics_export"),
    path("statistics/cadence/", statistics.cadence_missing, name="cadence_missing"),
]  # fmt: skip
mobile_patterns: list[URLPattern] = [
    # the hall and its topics (views/m_topics.py)
    path("deliberation/", m_topics.hall, name="hall"),
    path("deliberation/new/", m_topics.topic_new, name="topic_new"),
    path("deliberation/mine/", m_topics.mine, name="mine"),
    path("deliberation/topics/<int:pk>/", m_topics.topic, name="topic"),
    path(
        "deliberation/topics/<int:pk>/photos/<int:index>/<str:kind>/", m_topics.topic_photo,
        name="topic_photo",
    ),
    # meetings (views/m_meetings.py)
    path("deliberation/meetings/", m_meetings.m_meetings, name="meetings"),
    path("deliberation/meetings/<int:pk>/", m_meetings.m_meeting, name="meeting"),
    path("deliberation/checkin/<str:token>/", m_meetings.m_checkin, name="checkin"),
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
