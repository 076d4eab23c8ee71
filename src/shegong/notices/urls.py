"""The pages of public notices. ``urlpatterns``: staff pages under /notices/ (namespace
``notices``); ``public_patterns``: /public/notices/ (namespace ``notices_public``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from shegong.notices.views import public, staff

app_name = "notices"

urlpatterns: list[URLPattern] = [
    path("", staff.notice_list, name="notices"),
    path("export/", staff.notice_export, name="notices_export"),
    path("new/", staff.notice_new, name="notice_new"),
    path("<int:pk>/", staff.notice_detail, name="notice"),
    path("<int:pk>/edit/", staff.notice_edit, name="notice_edit"),
    path("<int:pk>/files/<int:index>/", staff.notice_file, name="notice_file"),
    path("<int:pk>/<slug:verb>/", staff.notice_act, name="notice_act"),
    path("objections/", staff.objection_list, name="objections"),
    path("objections/<int:pk>/", staff.objection_detail, name="objection"),
    path("objections/<int:pk>/<slug:verb>/", staff.objection_act, name="objection_act"),
]

public_patterns: list[URLPattern] = [
    path("notices/", public.notice_list, name="notices"),
    path("notices/<int:pk>/", public.notice_page, name="notice"),
    path("notices/<int:pk>/files/<int:index>/", public.notice_file, name="notice_file"),
]
