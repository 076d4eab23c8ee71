"""URLs of volunteer activities: staff pages (under /volunteers/, namespace "volunteers"), H5 pages
(under /m/, namespace "volunteers_m") and public pages (under /public/, "volunteers_public")."""

from django.urls import path

from shegong.volunteers import exports
from shegong.volunteers import views_activities as staff
from shegong.volunteers import views_activities_m as mobile

staff_patterns: list = [
    path("activities/", staff.activity_list, name="activities"),
    path("activities/new/", staff.activity_new, name="activity_new"),
    path("activities/review/", staff.review_queue, name="review"),
    path("activities/<int:pk>/", staff.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", staff.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/roster.xlsx", exports.roster_export, name="activity_roster"),
    path("activities/<int:pk>/submit/", staff.activity_submit, name="activity_submit"),
    path("activities/<int:pk>/cancel/", staff.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/served/", staff.activity_served, name="activity_served"),
    path("activities/<int:pk>/review/", staff.activity_review, name="activity_review"),
    path("activities/shifts/<int:pk>/signup/", staff.shift_signup, name="shift_signup"),
    path("activities/signups/<int:pk>/cancel/", staff.signup_cancel, name="signup_cancel"),
    path("activities/shifts/<int:pk>/qr/", staff.shift_qr, name="activity_qr"),
    path("activities/shifts/<int:pk>/qr.png", staff.shift_qr_png, name="activity_qr_png"),
    path(
        "activities/attendance/<int:pk>/correct/",
        staff.attendance_correct,
        name="attendance_correct",
    ),
]
mobile_patterns: list = [
    path("activities/", mobile.m_activities, name="activities"),
    path("activities/mine/", mobile.m_my_activities, name="my_activities"),
    path("activities/<int:pk>/", mobile.m_activity, name="activity"),
    path("activities/shifts/<int:pk>/signup/", mobile.m_signup, name="signup"),
    path("activities/shifts/<int:pk>/qr/", mobile.m_shift_qr, name="shift_qr"),
    path("activities/signups/<int:pk>/cancel/", mobile.m_signup_cancel, name="signup_cancel"),
    path("activities/checkin/<str:token>/", mobile.m_checkin, name="checkin"),
]
public_patterns: list = [
    path("activities/", mobile.public_activities, name="activities"),
]
