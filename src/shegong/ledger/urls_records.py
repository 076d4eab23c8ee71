"""URL patterns of the ledger's records pages (included by ledger/urls.py under /ledger/)."""

from django.urls import path

from . import views_records as views

urlpatterns: list = [
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization, name="organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/jobs/", views.organization_employ, name="organization_employ"),
    path(
        "organizations/<int:pk>/jobs/<int:job>/end/",
        views.organization_employment_end,
        name="organization_employment_end",
    ),
    path(
        "organizations/<int:pk>/coverage/",
        views.organization_coverage,
        name="organization_coverage",
    ),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("party-orgs/", views.party_orgs, name="party_orgs"),
    path("party-orgs/new/", views.party_org_create, name="party_org_create"),
    path("party-orgs/<int:pk>/", views.party_org, name="party_org"),
    path("party-orgs/<int:pk>/edit/", views.party_org_edit, name="party_org_edit"),
    path("party-orgs/<int:pk>/members/", views.party_org_member_add, name="party_org_member_add"),
    path(
        "party-orgs/<int:pk>/members/<int:membership>/remove/",
        views.party_org_member_remove,
        name="party_org_member_remove",
    ),
    path("party-orgs/<int:pk>/convert/", views.party_org_convert, name="party_org_convert"),
]
