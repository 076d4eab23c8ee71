"""The social organizations pages under /socialorgs/ (namespace ``socialorgs``), and
``public_patterns``: the public pages under /public/socialorgs/ (namespace
``socialorgs_public``)."""

from django.urls import path

from .views import public, records, stats, workbench

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
    # stats: §8 statistics (the registered indicators, charts, Excel export)
    path("stats/", stats.stats_page, name="stats"),
    path("stats/export/", stats.stats_export, name="stats_export"),
    path("organization/<int:org_pk>/", records.by_organization, name="by_organization"),
]

public_patterns = [
    path("socialorgs/", public.index, name="index"),
]
