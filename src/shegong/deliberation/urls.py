from django.urls import URLPattern, path

from shegong.deliberation.views import m_topics, topics

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
]  # fmt: skip
public_patterns: list[URLPattern] = [
]  # fmt: skip
