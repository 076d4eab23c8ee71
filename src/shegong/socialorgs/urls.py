"""The social organizations pages under /socialorgs/ (namespace ``socialorgs``), and
``public_patterns``: the public pages under /public/socialorgs/ (namespace
``socialorgs_public``)."""

from django.urls import path

from .views import charity, public, records, workbench

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
    # --- charities and fundraising (issue 14 §6) ---
    path("charity/applications/", charity.applications, name="charity_applications"),
    path("charity/applications/<int:pk>/", charity.application, name="charity_application"),
    path("charity/applications/<int:pk>/decide/", charity.decide, name="charity_decide"),
    path(
        "charity/applications/<int:pk>/files/<int:doc>/",
        charity.application_file,
        name="charity_application_file",
    ),
    path("charity/plans/", charity.plans, name="charity_plans"),
    path("charity/plans/export/", charity.plans_export, name="charity_plans_export"),
    path("charity/plans/<int:pk>/", charity.plan, name="charity_plan"),
    path("charity/plans/<int:pk>/supervision/", charity.supervise, name="charity_supervise"),
    path("charity/plans/<int:pk>/disclosures/", charity.disclose, name="charity_disclose"),
    path(
        "charity/plans/<int:pk>/files/<int:doc>/",
        charity.disclosure_file,
        name="charity_disclosure_file",
    ),
    path("charity/financials/", charity.financials, name="charity_financials"),
    path(
        "charity/financials/<int:pk>/files/<int:doc>/",
        charity.financials_file,
        name="charity_financials_file",
    ),
    path("<int:pk>/charity/apply/", charity.org_apply, name="charity_org_apply"),
    path("<int:pk>/charity/plan/", charity.org_plan, name="charity_org_plan"),
    path("<int:pk>/charity/financials/", charity.org_financials, name="charity_org_financials"),
    path("portal/charity/", charity.portal_charity, name="portal_charity"),
    path("portal/charity/apply/", charity.portal_apply, name="portal_charity_apply"),
    path("portal/charity/plan/", charity.portal_plan, name="portal_charity_plan"),
    path("portal/charity/financials/", charity.portal_financials, name="portal_charity_financials"),
    path(
        "portal/charity/plans/<int:pk>/disclose/",
        charity.portal_disclose,
        name="portal_charity_disclose",
    ),
    # --- end of charities and fundraising ---
]

public_patterns = [
    path("socialorgs/", public.index, name="index"),
]
