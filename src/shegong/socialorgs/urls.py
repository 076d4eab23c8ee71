"""The social organizations pages under /socialorgs/ (namespace ``socialorgs``), and
``public_patterns``: the public pages under /public/socialorgs/ (namespace
``socialorgs_public``)."""

from django.urls import path

from .views import election, public, records, workbench

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
    # §5 re-election (换届) and dormant organizations
    path("election/", election.terms_page, name="election_terms"),
    path("election/export/", election.terms_export, name="election_terms_export"),
    path("election/runs/", election.elections_page, name="election_list"),
    path("election/runs/export/", election.elections_export, name="election_list_export"),
    path("election/runs/<int:pk>/<slug:kind>/", election.record_step, name="election_step"),
    path("election/extensions/", election.extensions_page, name="election_extensions"),
    path(
        "election/extensions/<int:pk>/decide/",
        election.decide_extension,
        name="election_extension_decide",
    ),
    path("<int:pk>/election/open/", election.open_election, name="election_open"),
    path("<int:pk>/election/extension/", election.request_extension, name="election_extension"),
    path("dormant/", election.dormant_page, name="dormant_list"),
    path("dormant/export/", election.dormant_export, name="dormant_export"),
    path("dormant/detect/", election.detect, name="dormant_detect"),
    path("dormant/<int:pk>/rectify/", election.dormant_rectify, name="dormant_rectify"),
    path("dormant/<int:pk>/rectified/", election.dormant_rectified, name="dormant_rectified"),
    path("dormant/<int:pk>/notice/", election.dormant_notice, name="dormant_notice"),
    path("dormant/<int:pk>/close/", election.dormant_close, name="dormant_close"),
    path("portal/election/", election.portal_election, name="portal_election"),
]

public_patterns = [
    path("socialorgs/", public.index, name="index"),
]
