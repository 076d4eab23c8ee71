"""The pages of grants and community funds. ``urlpatterns``: staff pages and the organization
portal under /grants/ (namespace ``grants``); ``public_patterns``: /public/grants/ and
/public/funds/ (namespace ``grants_public``)."""

from __future__ import annotations

from django.urls import path

from shegong.grants.views import calls as call_views
from shegong.grants.views import funds as fund_views
from shegong.grants.views import funds_public
from shegong.grants.views import portal as portal_views
from shegong.grants.views import public_calls as public_call_views

app_name = "grants"

urlpatterns: list = []

public_patterns: list = []

# 公益创投
urlpatterns += [
    path("calls/", call_views.call_list, name="calls"),
    path("calls/new/", call_views.call_new, name="call_new"),
    path("calls/<int:pk>/", call_views.call_detail, name="call"),
    path("calls/<int:pk>/ranking/", call_views.ranking, name="ranking"),
    path("calls/<int:pk>/export/", call_views.applications_export, name="applications_export"),
    path("calls/<int:pk>/<str:verb>/", call_views.call_verb, name="call_verb"),
    path("applications/<int:pk>/", call_views.application_detail, name="application"),
    path("applications/<int:pk>/check/", call_views.application_check, name="application_check"),
    path("checks/", call_views.check_queue, name="checks"),
    path("reviews/", call_views.review_desk, name="reviews"),
    path("reviews/<int:pk>/", call_views.review_detail, name="review"),
    path("tranches/", call_views.tranche_queue, name="tranches"),
    path("tranches/<int:pk>/<str:verb>/", call_views.tranche_verb, name="tranche_verb"),
    path("projects/<int:pk>/", call_views.project_detail, name="project"),
    path("projects/<int:pk>/<str:verb>/", call_views.project_verb, name="project_verb"),
    path("files/<str:kind>/<int:pk>/<int:index>/", call_views.file_download, name="file"),
    path("portal/", portal_views.home, name="portal"),
    path("portal/apply/<int:call>/", portal_views.apply, name="portal_apply"),
    path("portal/applications/<int:pk>/", portal_views.application, name="portal_application"),
    path("portal/applications/<int:pk>/files/", portal_views.files, name="portal_files"),
    path("portal/applications/<int:pk>/submit/", portal_views.submit, name="portal_submit"),
    path("portal/projects/<int:pk>/", portal_views.project, name="portal_project"),
]
public_patterns += [
    path("grants/", public_call_views.grants, name="grants"),
]
# 社区慈善基金
urlpatterns += [
    path("funds/", fund_views.fund_list, name="funds"),
    path("funds/new/", fund_views.fund_new, name="fund_new"),
    path("funds/hosts/new/", fund_views.host_new, name="fund_host_new"),
    path("funds/spending/", fund_views.spending_queue, name="fund_spending_queue"),
    path("funds/spending/<int:pk>/", fund_views.spending_detail, name="fund_spending"),
    path("funds/spending/<int:pk>/<slug:verb>/", fund_views.spending_act, name="fund_spending_act"),
    path("funds/<int:pk>/", fund_views.fund_detail, name="fund"),
    path("funds/<int:pk>/export/", fund_views.fund_export, name="fund_export"),
    path("funds/<int:pk>/<slug:verb>/", fund_views.fund_act, name="fund_act"),
]
public_patterns += [
    path("funds/", funds_public.funds_index, name="funds"),
    path("funds/<int:pk>/", funds_public.fund_page, name="fund"),
    path("funds/disclosures/<int:pk>/", funds_public.disclosure_page, name="fund_disclosure"),
]
