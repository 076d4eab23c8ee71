"""The social organizations pages under /socialorgs/ (namespace ``socialorgs``), and
``public_patterns``: the public pages under /public/socialorgs/ (namespace
``socialorgs_public``)."""

from django.urls import path

from .views import events, public, records, workbench

app_name = "socialorgs"

urlpatterns = [
    path("", records.social_org_list, name="list"),
    path("export/", records.export, name="export"),
    path("new/", records.new, name="new"),
    path("<int:pk>/", records.detail, name="detail"),
    path("<int:pk>/edit/", records.edit, name="edit"),
    path("<int:pk>/status/", records.change_status, name="status"),
    path("<int:pk>/charter/", records.add_charter, name="charter"),
    path("<int:pk>/accounts/", records.link_account, name="link_account"),
    path(
        "<int:pk>/accounts/<int:account>/unlink/",
        records.unlink_account,
        name="unlink_account",
    ),
    path("workbench/", workbench.workbench, name="workbench"),
    path("portal/", workbench.portal, name="portal"),
]

# --- registration events (§2): applications, penalties, the charter file ---------------------
PORTAL = {"portal": True}
urlpatterns += [
    path("applications/", events.application_list, name="applications"),
    path("applications/export/", events.application_export, name="applications_export"),
    path("applications/<int:pk>/", events.application_detail, name="application"),
    path("applications/<int:pk>/edit/", events.application_edit, name="application_edit"),
    path("applications/<int:pk>/attach/", events.application_attach, name="application_attach"),
    path("applications/<int:pk>/submit/", events.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/withdraw/", events.application_withdraw, name="application_withdraw"
    ),
    path("applications/<int:pk>/approve/", events.application_approve, name="application_approve"),
    path("applications/<int:pk>/return/", events.application_return, name="application_return"),
    path(
        "applications/<int:pk>/files/<int:attachment>/",
        events.attachment_download,
        name="attachment",
    ),
    path(
        "applications/<int:pk>/files/<int:attachment>/delete/",
        events.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/applications/new/", events.application_new, name="application_new"),
    path("<int:pk>/penalties/", events.penalty_new, name="penalty_new"),
    path("penalties/", events.penalty_list, name="penalties"),
    path("<int:pk>/charters/<int:charter>/file/", events.charter_file, name="charter_file"),
    path("portal/applications/", events.portal_applications, name="portal_applications"),
    path("portal/applications/new/", events.portal_application_new, name="portal_application_new"),
    path(
        "portal/applications/<int:pk>/",
        events.application_detail,
        PORTAL,
        name="portal_application",
    ),
    path(
        "portal/applications/<int:pk>/edit/",
        events.application_edit,
        PORTAL,
        name="portal_application_edit",
    ),
    path(
        "portal/applications/<int:pk>/attach/",
        events.application_attach,
        PORTAL,
        name="portal_application_attach",
    ),
    path(
        "portal/applications/<int:pk>/submit/",
        events.application_submit,
        PORTAL,
        name="portal_application_submit",
    ),
    path(
        "portal/applications/<int:pk>/withdraw/",
        events.application_withdraw,
        PORTAL,
        name="portal_application_withdraw",
    ),
    path(
        "portal/applications/<int:pk>/files/<int:attachment>/",
        events.attachment_download,
        PORTAL,
        name="portal_attachment",
    ),
    path(
        "portal/applications/<int:pk>/files/<int:attachment>/delete/",
        events.attachment_delete,
        PORTAL,
        name="portal_attachment_delete",
    ),
]

public_patterns = [
    path("socialorgs/", public.index, name="index"),
    # registration events (§2): the public 公告
    path("socialorgs/announcements/", events.public_announcements, name="announcements"),
    path("socialorgs/announcements/<int:pk>/", events.public_announcement, name="announcement"),
]
