"""The social organizations pages under /socialorgs/ (namespace ``socialorgs``), and
``public_patterns``: the public pages under /public/socialorgs/ (namespace
``socialorgs_public``)."""

from django.urls import path

from .views import (
    charity,
    credit,
    election,
    events,
    inspection,
    inspection_notice,
    inspection_portal,
    public,
    records,
    screening,
    stats,
    supervision,
    workbench,
)

app_name = "socialorgs"

urlpatterns = [
    path("", records.social_org_list, name="list"),
    path("export/", records.export, name="export"),
    path("new/", records.new, name="new"),
    path("unregistered/", records.unregistered, name="unregistered"),
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
    # --- §3 annual inspection (inspection) ---
    path("inspections/", inspection.report_list, name="inspections"),
    path("inspections/export/", inspection.export, name="inspections_export"),
    path("inspections/rate/", inspection.rate, name="inspection_rate"),
    path("inspections/years/", inspection.plans, name="inspection_plans"),
    path("inspections/years/open/", inspection.open_plan, name="inspection_open"),
    path("inspections/years/<int:pk>/add/", inspection.require_org, name="inspection_require"),
    path(
        "inspections/years/<int:pk>/notice/",
        inspection_notice.publish_results,
        name="inspection_notice",
    ),
    path("inspections/<int:pk>/", inspection.report_detail, name="inspection"),
    path("inspections/<int:pk>/supervisor/", inspection.supervisor, name="inspection_supervisor"),
    path("inspections/<int:pk>/verify/", inspection.verify, name="inspection_verify"),
    path("inspections/<int:pk>/return/", inspection.return_report, name="inspection_return"),
    path("inspections/<int:pk>/conclude/", inspection.conclude, name="inspection_conclude"),
    path(
        "inspections/<int:pk>/files/<int:attachment>/",
        inspection.attachment,
        name="inspection_file",
    ),
    # the business supervisor's 初审 (业务主管单位)
    path("supervision/", supervision.report_list, name="supervision"),
    path("supervision/<int:pk>/", supervision.report_detail, name="supervision_report"),
    path("supervision/<int:pk>/review/", supervision.review, name="supervision_review"),
    path(
        "supervision/<int:pk>/files/<int:attachment>/",
        supervision.attachment,
        name="supervision_file",
    ),
    path("portal/inspection/", inspection_portal.reports, name="portal_inspection"),
    path("portal/inspection/<int:pk>/", inspection_portal.report, name="portal_report"),
    path("portal/inspection/<int:pk>/upload/", inspection_portal.upload, name="portal_upload"),
    path("portal/inspection/<int:pk>/submit/", inspection_portal.submit, name="portal_submit"),
    path(
        "portal/inspection/<int:pk>/files/<int:attachment>/",
        inspection_portal.attachment,
        name="portal_file",
    ),
    path(
        "portal/inspection/<int:pk>/files/<int:attachment>/remove/",
        inspection_portal.remove,
        name="portal_file_remove",
    ),
    # --- end inspection ---
    # stats: §8 statistics (the registered indicators, charts, Excel export)
    path("stats/", stats.stats_page, name="stats"),
    path("stats/export/", stats.stats_export, name="stats_export"),
    path("organization/<int:org_pk>/", records.by_organization, name="by_organization"),
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
    # --- §3 annual inspection (inspection) ---
    path(
        "socialorgs/inspections/",
        inspection.public_latest,
        name="inspection_results_latest",
    ),
    path(
        "socialorgs/inspections/<int:year>/",
        inspection.public_results,
        name="inspection_results",
    ),
    # registration events (§2): the public 公告
    path("socialorgs/announcements/", events.public_announcements, name="announcements"),
    path("socialorgs/announcements/<int:pk>/", events.public_announcement, name="announcement"),
    # credit lists (issue 14 §4)
    path("socialorgs/credit/", credit.public_lookup, name="credit"),
]
