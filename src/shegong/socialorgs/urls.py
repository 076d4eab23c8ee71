"""The social organizations pages under /socialorgs/ (namespace ``socialorgs``), and
``public_patterns``: the public pages under /public/socialorgs/ (namespace
``socialorgs_public``)."""

from django.urls import path

from .views import public, records, screening, workbench

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
    # --- §7 screening and party building ---
    path("screening/", screening.leads, name="screening_leads"),
    path("screening/export/", screening.export, name="screening_export"),
    path("screening/new/", screening.new, name="screening_new"),
    path("screening/<int:pk>/", screening.lead, name="screening_lead"),
    path("screening/<int:pk>/visit/", screening.visit, name="screening_visit"),
    path("screening/<int:pk>/interview/", screening.interview, name="screening_interview"),
    path("screening/<int:pk>/opinion/", screening.opinion, name="screening_opinion"),
    path("screening/<int:pk>/outcome/", screening.outcome, name="screening_outcome"),
    path("screening/attachments/<int:pk>/", screening.attachment, name="screening_attachment"),
    path("screening/rounds/", screening.rounds, name="screening_rounds"),
    path("screening/visits/", screening.visit_list, name="screening_visits"),
    path("screening/interviews/", screening.interview_list, name="screening_interviews"),
    path("party/", screening.party, name="party"),
]

public_patterns = [
    path("socialorgs/", public.index, name="index"),
]
