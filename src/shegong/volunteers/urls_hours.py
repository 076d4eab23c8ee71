"""URLs of volunteer hours: staff pages (under /volunteers/, namespace "volunteers"), H5 pages
(under /m/, namespace "volunteers_m") and public pages (under /public/, "volunteers_public")."""

from django.urls import path

from shegong.volunteers import exports
from shegong.volunteers import views_hours as views

staff_patterns: list = [
    path("records/", views.records, name="records"),
    path("records/export/", exports.records_export, name="records_export"),
    path("records/approve/", views.records_approve, name="records_approve"),
    path("records/new/", views.record_new, name="record_new"),
    path("records/transfer/", views.record_transfer, name="record_transfer"),
    path("records/<int:pk>/", views.record, name="record"),
    path("records/<int:pk>/approve/", views.record_approve, name="record_approve"),
    path("records/<int:pk>/decline/", views.record_decline, name="record_decline"),
    path("records/<int:pk>/adjust/", views.record_adjust, name="record_adjust"),
    path(
        "certificates/requests/<int:pk>/decline/",
        views.certificate_request_decline,
        name="certificate_request_decline",
    ),
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/new/", views.certificate_new, name="certificate_new"),
    path("certificates/<int:pk>/", views.certificate, name="certificate"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/export/", views.statistics_export, name="statistics_export"),
]
mobile_patterns: list = [
    path("volunteer/hours/", views.m_hours, name="hours"),
    path("volunteer/certificates/<int:pk>/pdf/", views.m_certificate_pdf, name="certificate_pdf"),
    path(
        "volunteer/certificates/request/", views.m_certificate_request, name="certificate_request"
    ),
    path(
        "volunteer/certificates/requests/<int:pk>/withdraw/",
        views.m_certificate_request_withdraw,
        name="certificate_request_withdraw",
    ),
]
public_patterns: list = [
    path("volunteers/stars/", views.public_stars, name="stars"),
    path("certificates/<str:serial>/", views.public_certificate, name="certificate"),
]
