"""URL patterns of the ledger, included by the project: ``urlpatterns`` under /ledger/
(namespace ``ledger``). The ledger has no H5 (/m/) or public (/public/) pages: ``mobile_patterns``
and ``public_patterns`` are empty."""

from django.urls import path, re_path

from .excel import TABLES
from .views import campaigns, coverage, imports, records

# An import template's path names a table from a fixed list (no object, nothing scoped): a
# regular expression of exactly those names, so no other value reaches the view.
_TABLES = "|".join(TABLES)

app_name = "ledger"
urlpatterns: list = [
    # records
    path("organizations/", records.organizations, name="organizations"),
    path("organizations/new/", records.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", records.organization, name="organization"),
    path("organizations/<int:pk>/edit/", records.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/jobs/", records.organization_employ, name="organization_employ"),
    path(
        "organizations/<int:pk>/jobs/<int:job>/end/",
        records.organization_employment_end,
        name="organization_employment_end",
    ),
    path(
        "organizations/<int:pk>/coverage/",
        records.organization_coverage,
        name="organization_coverage",
    ),
    path("people/", records.people, name="people"),
    path("people/new/", records.person_create, name="person_create"),
    path("people/<int:pk>/", records.person, name="person"),
    path("people/<int:pk>/edit/", records.person_edit, name="person_edit"),
    path("people/<int:pk>/reveal/", records.person_reveal, name="person_reveal"),
    path("party-orgs/", records.party_orgs, name="party_orgs"),
    path("party-orgs/new/", records.party_org_create, name="party_org_create"),
    path("party-orgs/<int:pk>/", records.party_org, name="party_org"),
    path("party-orgs/<int:pk>/edit/", records.party_org_edit, name="party_org_edit"),
    path("party-orgs/<int:pk>/members/", records.party_org_member_add, name="party_org_member_add"),
    path(
        "party-orgs/<int:pk>/members/<int:membership>/remove/",
        records.party_org_member_remove,
        name="party_org_member_remove",
    ),
    path("party-orgs/<int:pk>/convert/", records.party_org_convert, name="party_org_convert"),
    path("party-orgs/<int:pk>/extend/", records.party_org_extend, name="party_org_extend"),
    path("party-orgs/<int:pk>/dissolve/", records.party_org_dissolve, name="party_org_dissolve"),
    path("party-orgs/<int:pk>/develop/", records.party_org_develop, name="party_org_develop"),
    # coverage and the party-building rules
    path("rules/", coverage.rules_page, name="rules"),
    path("coverage/", coverage.coverage, name="coverage"),
    path("should-establish/", coverage.should_establish, name="should_establish"),
    path("completeness/", coverage.completeness, name="completeness"),
    path("reelection/", coverage.reelection, name="reelection"),
    # imports
    path("import/", imports.import_page, name="import"),
    path("import/jobs/<int:pk>/", imports.import_job, name="import_job"),
    path("import/jobs/<int:pk>/progress/", imports.import_job_progress, name="import_job_progress"),
    path("import/jobs/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/jobs/<int:pk>/map/", imports.import_map, name="import_map"),
    path("import/jobs/<int:pk>/errors.xlsx", imports.import_errors, name="import_errors"),
    re_path(
        rf"^import/templates/(?P<table>{_TABLES})\.xlsx$",
        imports.import_template,
        name="import_template",
    ),
    # 回头看 campaigns, review tasks, instructors and visits
    path("campaigns/", campaigns.campaigns, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/preview/", campaigns.campaign_preview, name="campaign_preview"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/close/", campaigns.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/deadline/", campaigns.campaign_deadline, name="campaign_deadline"),
    path("tasks/", campaigns.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", campaigns.task_detail, name="task"),
    path("visits/", campaigns.visits, name="visits"),
    path("visits/new/", campaigns.visit_create, name="visit_create"),
    path(
        "visits/<int:pk>/photos/<int:index>/<str:kind>/",
        campaigns.visit_photo,
        name="visit_photo",
    ),
    path("instructors/assign/", campaigns.instructor_assign, name="instructor_assign"),
    path("instructors/<int:pk>/end/", campaigns.instructor_end, name="instructor_end"),
]
mobile_patterns: list = []
public_patterns: list = []
