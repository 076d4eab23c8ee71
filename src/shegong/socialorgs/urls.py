"""The social organizations pages under /socialorgs/ (namespace ``socialorgs``), and
``public_patterns``: the public pages under /public/socialorgs/ (namespace
``socialorgs_public``)."""

from django.urls import path

from .views import credit, public, records, workbench

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
    # credit lists (issue 14 §4)
    path("credit/", credit.credit_list, name="credit"),
    path("credit/export/", credit.credit_export, name="credit_export"),
    path("credit/<int:pk>/remove/", credit.listing_remove, name="credit_remove"),
    path(
        "credit/rectifications/<int:pk>/verify/", credit.rectification_verify, name="credit_verify"
    ),
    path("<int:pk>/credit/letters/", credit.letter_new, name="credit_letter"),
    path("<int:pk>/credit/rectifications/", credit.rectification_new, name="credit_rectification"),
    path("portal/credit/", credit.portal_credit, name="portal_credit"),
    path("portal/credit/<int:pk>/apply/", credit.portal_apply, name="portal_credit_apply"),
]

public_patterns = [
    path("socialorgs/", public.index, name="index"),
    # credit lists (issue 14 §4)
    path("socialorgs/credit/", credit.public_lookup, name="credit"),
]
