from django.urls import URLPattern, path

from shegong.deliberation.views import m_meetings, meetings

app_name = "deliberation"

urlpatterns: list[URLPattern] = [
    # meetings (views/meetings.py)
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/signin/", meetings.meeting_signin, name="meeting_signin"),
    path("meetings/<int:pk>/qr.png", meetings.meeting_qr, name="meeting_qr"),
    path("meetings/<int:pk>/print/", meetings.meeting_print, name="meeting_print"),
    path("meetings/<int:pk>/<slug:verb>/", meetings.meeting_act, name="meeting_act"),
]  # fmt: skip
mobile_patterns: list[URLPattern] = [
    # meetings (views/m_meetings.py)
    path("deliberation/meetings/", m_meetings.m_meetings, name="meetings"),
    path("deliberation/meetings/<int:pk>/", m_meetings.m_meeting, name="meeting"),
    path("deliberation/checkin/<str:token>/", m_meetings.m_checkin, name="checkin"),
]  # fmt: skip
public_patterns: list[URLPattern] = [
]  # fmt: skip
