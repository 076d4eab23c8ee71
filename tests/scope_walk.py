"""Walk every page URL and API operation as a street-A user, looking for street-B data.

The walk is generic: it enumerates the URL resolver and the OpenAPI schema, so a view added
tomorrow is walked tomorrow. A URL that takes an object identifier must be listed in
``OBJECT_URLS`` (url name → which street-B object fills its arguments); an unlisted one is itself
reported, so nobody can add an object view without proving it is scoped. A page that takes its
object in the query string (``?region=``) is listed in ``QUERY_URLS`` with street B's values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Pages that are not scoped by design (no data of anyone else; or the admin, superusers only).
# Open311 shows only public cases (no personal data) to anyone, by design (tested in reports).
# public pages show only public cases, no personal data, by design (tested in
# reports/tests/test_pages_public.py).
# "m/stations/": the public H5 nearest-station page (no login) lists every open station by name.
# "m/checkin/": the QR check-in page is for any logged-in worker of any street (a rider crosses
# streets); it shows only a station's name and facilities, public anyway (the public map).
# "m/activities/": a volunteer finds and joins published activities of any street (public, like
# /public/activities/); the sign-up, my activities and check-in act for the caller's own profile
# and the leader's QR page needs the team (volunteers/tests/test_activities_pages.py).
UNSCOPED_PREFIXES = (
    "admin/", "static/", "media/", "api/v1/", "open311/", "public/", "m/stations/",
    "m/checkin/", "m/activities/",
)  # fmt: skip


def _checkin_token(station: Any) -> str:
    from shegong.stations.qr import checkin_token

    return checkin_token(station)


def _meeting_token(meeting: Any) -> str:
    from shegong.deliberation.actions.meetings import token_for

    return token_for(meeting)


# url name → function(objects) → kwargs of a street-B object for that URL.
OBJECT_URLS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "accounts:user": lambda o: {"pk": o["user_b"].pk},
    "accounts:user_action": lambda o: {"pk": o["user_b"].pk, "verb": "reset_password"},
    "accounts:user_reveal": lambda o: {"pk": o["user_b"].pk},
    "accounts:user_grant": lambda o: {"pk": o["user_b"].pk},
    "accounts:user_revoke": lambda o: {"pk": o["user_b"].pk, "membership": o["membership_b"].pk},
    "accounts:token_revoke": lambda o: {"pk": o["token_b"].pk},
    "regions:detail": lambda o: {"code": o["region_b"].code},
    "regions:create_child": lambda o: {"code": o["region_b"].code},
    "regions:import_job": lambda o: {"pk": o["regions_import_job_b"].pk},
    "regions:import_progress": lambda o: {"pk": o["regions_import_job_b"].pk},
    "audit:detail": lambda o: {"pk": o["audit_b"].pk},
    "inbox:read": lambda o: {"pk": o["notification_b"].pk},
    "ledger:campaign": lambda o: {"pk": o["campaign_b"].pk},
    "ledger:campaign_close": lambda o: {"pk": o["campaign_b"].pk},
    "ledger:campaign_deadline": lambda o: {"pk": o["campaign_b"].pk},
    "ledger:task": lambda o: {"pk": o["task_b"].pk},
    "ledger:instructor_end": lambda o: {"pk": o["assignment_b"].pk},
    "ledger:visit_photo": lambda o: {"pk": o["visit_b"].pk, "index": 0, "kind": "thumb"},
    "ledger:organization": lambda o: {"pk": o["org_b"].pk},
    "ledger:organization_edit": lambda o: {"pk": o["org_b"].pk},
    "ledger:organization_employ": lambda o: {"pk": o["org_b"].pk},
    "ledger:organization_employment_end": lambda o: {"pk": o["org_b"].pk, "job": o["job_b"].pk},
    "ledger:organization_coverage": lambda o: {"pk": o["org_b"].pk},
    "ledger:person": lambda o: {"pk": o["person_b"].pk},
    "ledger:person_edit": lambda o: {"pk": o["person_b"].pk},
    "ledger:person_reveal": lambda o: {"pk": o["person_b"].pk},
    "ledger:party_org": lambda o: {"pk": o["party_org_b"].pk},
    "ledger:party_org_edit": lambda o: {"pk": o["party_org_b"].pk},
    "ledger:party_org_member_add": lambda o: {"pk": o["party_org_b"].pk},
    "ledger:party_org_member_remove": lambda o: {
        "pk": o["party_org_b"].pk,
        "membership": o["party_membership_b"].pk,
    },
    "ledger:party_org_convert": lambda o: {"pk": o["party_org_b"].pk},
    "ledger:party_org_extend": lambda o: {"pk": o["party_org_b"].pk},
    "ledger:party_org_dissolve": lambda o: {"pk": o["party_org_b"].pk},
    "ledger:party_org_develop": lambda o: {"pk": o["party_org_b"].pk},
    "ledger:import_job": lambda o: {"pk": o["import_job_b"].pk},
    "ledger:import_job_progress": lambda o: {"pk": o["import_job_b"].pk},
    "ledger:import_confirm": lambda o: {"pk": o["import_job_b"].pk},
    "ledger:import_map": lambda o: {"pk": o["import_job_b"].pk},
    "ledger:import_errors": lambda o: {"pk": o["import_job_b"].pk},
    # reports: staff pages
    "reports:detail": lambda o: {"pk": o["report_b"].pk},
    "reports:act": lambda o: {"pk": o["report_b"].pk, "verb": "accept"},
    "reports:assign_down": lambda o: {"pk": o["report_b"].pk},
    "reports:photo": lambda o: {
        "pk": o["report_b"].pk,
        "photo_set": "report",
        "index": 0,
        "kind": "thumb",
    },
    # reports: board, metrics, appointments
    "reports:appointment_end": lambda o: {"pk": o["appointment_b"].pk},
    # reports: configuration (categories, routing, templates, keys)
    # Categories and templates are district-wide configuration; routing rules are scoped.
    "reports:category_edit": lambda o: {"pk": o["report_category_b"].pk},
    "reports:category_active": lambda o: {"pk": o["report_category_b"].pk},
    "reports:routing_delete": lambda o: {"pk": o["report_category_b"].rules.get().pk},
    "reports:template_edit": lambda o: {
        "pk": o["report_category_b"]
        .templates.get_or_create(status="transferred", title="西城工单回复", text="西城工单")[0]
        .pk
    },
    # API keys are district-wide configuration (no street objects): a missing key is 404.
    "reports:api_key_revoke": lambda o: {"pk": 999999},
    # reports: mobile pages
    "reports_m:my_detail": lambda o: {"pk": o["report_b"].pk},
    "reports_m:follow": lambda o: {"pk": o["report_b"].pk},
    "reports_m:verify": lambda o: {"pk": o["report_b"].pk},
    "reports_m:reopen": lambda o: {"pk": o["report_b"].pk},
    "reports_m:rate": lambda o: {"pk": o["report_b"].pk},
    "reports_m:task_detail": lambda o: {"pk": o["report_b"].pk},
    "reports_m:photo": lambda o: {"pk": o["report_b"].pk, "index": 0, "kind": "thumb"},
    # reports: public pages (walked as public: UNSCOPED_PREFIXES, PUBLIC_PAGES)
    "reports_public:detail": lambda o: {"pk": o["report_b"].pk},
    "reports_public:photo": lambda o: {"pk": o["report_b"].pk, "index": 0, "kind": "thumb"},
    # stations: workers
    "stations:worker": lambda o: {"pk": o["worker_b"].pk},
    "stations:worker_edit": lambda o: {"pk": o["worker_b"].pk},
    "stations:worker_withdraw": lambda o: {"pk": o["worker_b"].pk},
    # stations: visits
    "stations:poster": lambda o: {"pk": o["station_b"].pk, "fmt": "png"},
    "stations:tally": lambda o: {"pk": o["station_b"].pk},
    "stations:visit": lambda o: {"pk": o["station_b"].pk},
    "stations_m:checkin": lambda o: {"token": _checkin_token(o["station_b"])},
    # stations: care campaigns and insurance
    "stations:campaign": lambda o: {"pk": o["care_campaign_b"].pk},
    "stations:campaign_stock": lambda o: {"pk": o["care_campaign_b"].pk},
    "stations:campaign_give": lambda o: {"pk": o["care_campaign_b"].pk},
    "stations:insurance_batch": lambda o: {"pk": o["insurance_batch_b"].pk},
    "stations:insurance_export": lambda o: {"pk": o["insurance_batch_b"].pk},
    # stations: vanguard and role models
    "stations:vanguard_edit": lambda o: {"pk": o["vanguard_b"].pk},
    "stations:role_model_edit": lambda o: {"pk": o["role_model_b"].pk},
    "stations:role_model_photo": lambda o: {
        "pk": o["role_model_b"].pk,
        "index": 0,
        "kind": "thumb",
    },
    "stations_public:photo": lambda o: {"pk": o["role_model_b"].pk, "index": 0, "kind": "thumb"},
    # stations: management pages
    "stations:detail": lambda o: {"pk": o["station_b"].pk},
    "stations:edit": lambda o: {"pk": o["station_b"].pk},
    "stations:status": lambda o: {"pk": o["station_b"].pk},
    "stations:inspect": lambda o: {"pk": o["station_b"].pk},
    "stations:inspection_resolve": lambda o: {"pk": o["inspection_b"].pk},
    "stations:photo": lambda o: {"pk": o["station_b"].pk, "index": 0, "kind": "thumb"},
    # volunteers: people (volunteers, skills, teams, social workers)
    "volunteers:volunteer": lambda o: {"pk": o["volunteer_b"].pk},
    "volunteers:volunteer_edit": lambda o: {"pk": o["volunteer_b"].pk},
    "volunteers:volunteer_status": lambda o: {"pk": o["volunteer_b"].pk},
    "volunteers:volunteer_guardian": lambda o: {"pk": o["volunteer_b"].pk},
    "volunteers:team": lambda o: {"pk": o["team_b"].pk},
    "volunteers:team_edit": lambda o: {"pk": o["team_b"].pk},
    "volunteers:team_members": lambda o: {"pk": o["team_b"].pk},
    "volunteers:team_member_leave": lambda o: {
        "pk": o["team_b"].pk,
        "member": o["team_b"].members.get().pk,
    },
    "volunteers:team_member_role": lambda o: {
        "pk": o["team_b"].pk,
        "member": o["team_b"].members.get().pk,
    },
    "volunteers:team_incubation": lambda o: {"pk": o["team_b"].pk},
    "volunteers:social_worker": lambda o: {"pk": o["social_worker_b"].pk},
    "volunteers:social_worker_edit": lambda o: {"pk": o["social_worker_b"].pk},
    "volunteers:stationing_add": lambda o: {"pk": o["social_worker_b"].pk},
    "volunteers:pairing_add": lambda o: {"pk": o["social_worker_b"].pk},
    "volunteers:stationing_end": lambda o: {"pk": o["stationing_b"].pk},
    "volunteers:pairing_end": lambda o: {"pk": o["pairing_b"].pk},
    "volunteers:guidance_add": lambda o: {"pk": o["pairing_b"].pk},
    # volunteers: trainings and awards (培训情况, 表彰奖励情况)
    "volunteers:training_new": lambda o: {"pk": o["team_b"].pk},
    "volunteers:team_trainings": lambda o: {"pk": o["team_b"].pk},
    "volunteers:training": lambda o: {"pk": o["training_b"].pk},
    "volunteers:training_trainees": lambda o: {"pk": o["training_b"].pk},
    "volunteers:training_trainee_remove": lambda o: {
        "pk": o["training_b"].pk,
        "attendance": o["training_attendance_b"].pk,
    },
    "volunteers:volunteer_award": lambda o: {"pk": o["volunteer_b"].pk},
    "volunteers:award_revoke": lambda o: {"pk": o["award_b"].pk},
    # volunteers: activities, sign-ups, attendance
    "volunteers:activity": lambda o: {"pk": o["activity_b"].pk},
    "volunteers:activity_edit": lambda o: {"pk": o["activity_b"].pk},
    "volunteers:activity_submit": lambda o: {"pk": o["activity_b"].pk},
    "volunteers:activity_cancel": lambda o: {"pk": o["activity_b"].pk},
    "volunteers:activity_served": lambda o: {"pk": o["activity_b"].pk},
    "volunteers:activity_review": lambda o: {"pk": o["activity_b"].pk},
    "volunteers:activity_qr": lambda o: {"pk": o["shift_b"].pk},
    "volunteers:activity_qr_png": lambda o: {"pk": o["shift_b"].pk},
    "volunteers:attendance_correct": lambda o: {"pk": o["service_record_b"].pk},
    "volunteers:activity_roster": lambda o: {"pk": o["activity_b"].pk},
    "volunteers:shift_signup": lambda o: {"pk": o["shift_b"].pk},
    "volunteers:signup_cancel": lambda o: {"pk": o["signup_b"].pk},
    # volunteers: hours, certificates, statistics
    "volunteers:record": lambda o: {"pk": o["service_record_b"].pk},
    "volunteers:record_approve": lambda o: {"pk": o["service_record_b"].pk},
    "volunteers:record_decline": lambda o: {"pk": o["service_record_b"].pk},
    "volunteers:record_adjust": lambda o: {"pk": o["service_record_b"].pk},
    "volunteers:certificate": lambda o: {"pk": o["certificate_b"].pk},
    "volunteers:certificate_pdf": lambda o: {"pk": o["certificate_b"].pk},
    "volunteers:certificate_revoke": lambda o: {"pk": o["certificate_b"].pk},
    "volunteers:certificate_request_decline": lambda o: {"pk": o["certificate_request_b"].pk},
    "volunteers:certificate_request_approve": lambda o: {"pk": o["certificate_request_b"].pk},
    "volunteers:certificate_request_objection": lambda o: {"pk": o["certificate_request_b"].pk},
    "volunteers:certificate_publicity_object": lambda o: {"pk": o["certificate_request_b"].pk},
    "volunteers:certificate_seal": lambda o: {"pk": o["certificate_b"].pk},
    "volunteers:issuer_seal": lambda o: {"pk": o["issuer_b"].pk},
    "volunteers:dispute": lambda o: {"pk": o["dispute_b"].pk},
    # volunteers: 星级认定
    "volunteers:star_apply": lambda o: {"pk": o["volunteer_b"].pk},
    "volunteers:star_award": lambda o: {"pk": o["star_award_b"].pk},
    **{
        f"volunteers:star_award_{d}": lambda o: {"pk": o["star_award_b"].pk}
        for d in ("approve", "reject", "object", "award")
    },
    # H5: only the volunteer's own application may be withdrawn (no volunteer profile → 404).
    "volunteers_m:star_withdraw": lambda o: {"pk": o["star_award_b"].pk},
    # matching: the two lists (m-lists)
    "matching:need_edit": lambda o: {"pk": o["match_need_b"].pk},
    "matching:need_status": lambda o: {"pk": o["match_need_b"].pk},
    "matching:offer_edit": lambda o: {"pk": o["match_offer_b"].pk},
    "matching:offer_review": lambda o: {"pk": o["match_offer_b"].pk},
    # H5: only the volunteer's own certificate (the outsider has no volunteer profile → 404).
    "matching_m:order": lambda o: {"pk": o["matching_order_b"].pk},
    "matching_m:order_photo": lambda o: {
        "pk": o["matching_order_b"].pk,
        "index": 0,
        "kind": "thumb",
    },
    "matching_m:helper_order": lambda o: {"pk": o["matching_order_b"].pk},
    "matching_m:helper_photo": lambda o: {
        "pk": o["matching_order_b"].pk,
        "index": 0,
        "kind": "thumb",
    },
    "volunteers_m:certificate_pdf": lambda o: {"pk": o["certificate_b"].pk},
    # H5: only the volunteer's own request may be withdrawn (no volunteer profile → 404).
    "volunteers_m:certificate_request_withdraw": lambda o: {"pk": o["certificate_request_b"].pk},
    # H5: only the volunteer's own record may be disputed, own dispute withdrawn.
    "volunteers_m:record_dispute": lambda o: {"pk": o["service_record_b"].pk},
    "volunteers_m:dispute_withdraw": lambda o: {"pk": o["dispute_b"].pk},
    # H5: only the volunteer's own membership may be left (no volunteer profile → 404).
    "volunteers_m:team_leave": lambda o: {"pk": o["team_b"].members.get().pk},
    # socialorgs: the registrar's record of a social organization
    "socialorgs:detail": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:edit": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:status": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:charter": lambda o: {"pk": o["social_org_b"].pk},
    # socialorgs §3: the annual inspection (staff pages and the organization portal's)
    **{
        f"socialorgs:{name}": lambda o: {"pk": o["annual_report_b"].pk}
        for name in (
            "inspection",
            "inspection_supervisor",
            "inspection_verify",
            "inspection_return",
            "inspection_conclude",
            "portal_report",
            "portal_upload",
            "portal_submit",
            "supervision_report",
            "supervision_review",
        )
    },
    **{
        f"socialorgs:{name}": lambda o: {
            "pk": o["annual_report_b"].pk,
            "attachment": o["report_file_b"].pk,
        }
        for name in ("inspection_file", "portal_file", "portal_file_remove", "supervision_file")
    },
    "socialorgs:inspection_require": lambda o: {"pk": o["inspection_plan_b"].pk},
    "socialorgs:inspection_notice": lambda o: {"pk": o["inspection_plan_b"].pk},
    "socialorgs:link_account": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:unlink_account": lambda o: {"pk": o["social_org_b"].pk, "account": 1},
    # socialorgs (stats): the ledger row's way to its social organization's record
    "socialorgs:by_organization": lambda o: {"org_pk": o["social_org_b"].organization_id},
    # socialorgs: charities and fundraising (issue 14 §6)
    "socialorgs:charity_application": lambda o: {"pk": o["charity_application_b"].pk},
    "socialorgs:charity_decide": lambda o: {"pk": o["charity_application_b"].pk},
    "socialorgs:charity_application_file": lambda o: {
        "pk": o["charity_application_b"].pk,
        "doc": o["charity_application_b"].documents.get().pk,
    },
    "socialorgs:charity_plan": lambda o: {"pk": o["charity_plan_b"].pk},
    "socialorgs:charity_supervise": lambda o: {"pk": o["charity_plan_b"].pk},
    "socialorgs:charity_disclose": lambda o: {"pk": o["charity_plan_b"].pk},
    "socialorgs:charity_disclosure_file": lambda o: {
        "pk": o["charity_plan_b"].pk,
        "doc": o["charity_disclosure_doc_b"].pk,
    },
    "socialorgs:charity_financials_file": lambda o: {
        "pk": o["charity_financials_b"].pk,
        "doc": o["charity_financials_b"].audit_reports.get().pk,
    },
    "socialorgs:charity_org_apply": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:charity_org_plan": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:charity_org_financials": lambda o: {"pk": o["social_org_b"].pk},
    # the organization portal: only an org account's own plan (anyone else: 403, FORBIDDEN_OK)
    "socialorgs:portal_charity_disclose": lambda o: {"pk": o["charity_plan_b"].pk},
    # socialorgs §7: illegal-organization screening
    "socialorgs:screening_lead": lambda o: {"pk": o["lead_b"].pk},
    "socialorgs:screening_visit": lambda o: {"pk": o["lead_b"].pk},
    "socialorgs:screening_interview": lambda o: {"pk": o["lead_b"].pk},
    "socialorgs:screening_opinion": lambda o: {"pk": o["lead_b"].pk},
    "socialorgs:screening_outcome": lambda o: {"pk": o["lead_b"].pk},
    "socialorgs:screening_attachment": lambda o: {"pk": o["attachment_b"].pk},
    # (the foundation's account binding: the organization is looked up first → 404)
    # socialorgs §5: 换届 and dormant organizations
    "socialorgs:election_step": lambda o: {"pk": o["election_b"].pk, "kind": "plan"},
    "socialorgs:election_extension_decide": lambda o: {"pk": o["extension_b"].pk},
    "socialorgs:election_open": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:election_extension": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:dormant_rectify": lambda o: {"pk": o["dormant_case_b"].pk},
    "socialorgs:dormant_rectified": lambda o: {"pk": o["dormant_case_b"].pk},
    "socialorgs:dormant_notice": lambda o: {"pk": o["dormant_case_b"].pk},
    "socialorgs:dormant_close": lambda o: {"pk": o["dormant_case_b"].pk},
    # socialorgs: registration events (applications, attachments, penalties, the charter file)
    "socialorgs:application": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:application_edit": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:application_attach": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:application_submit": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:application_withdraw": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:application_approve": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:application_return": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:portal_application": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:portal_application_edit": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:portal_application_attach": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:portal_application_submit": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:portal_application_withdraw": lambda o: {"pk": o["application_b"].pk},
    "socialorgs:attachment": lambda o: {
        "pk": o["application_b"].pk,
        "attachment": o["application_attachment_b"].pk,
    },
    "socialorgs:attachment_delete": lambda o: {
        "pk": o["application_b"].pk,
        "attachment": o["application_attachment_b"].pk,
    },
    "socialorgs:portal_attachment": lambda o: {
        "pk": o["application_b"].pk,
        "attachment": o["application_attachment_b"].pk,
    },
    "socialorgs:portal_attachment_delete": lambda o: {
        "pk": o["application_b"].pk,
        "attachment": o["application_attachment_b"].pk,
    },
    "socialorgs:application_new": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:penalty_new": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:charter_file": lambda o: {"pk": o["social_org_b"].pk, "charter": o["charter_b"].pk},
    # socialorgs: credit lists
    "socialorgs:credit_remove": lambda o: {"pk": o["credit_listing_b"].pk},
    "socialorgs:credit_verify": lambda o: {"pk": o["rectification_b"].pk},
    "socialorgs:credit_letter": lambda o: {"pk": o["social_org_b"].pk},
    "socialorgs:credit_rectification": lambda o: {"pk": o["social_org_b"].pk},
    # the portal acts on the caller's own organization only (none bound: 403)
    "socialorgs:portal_credit_apply": lambda o: {"pk": o["credit_listing_b"].pk},
    # matching: standing orders (常态化服务)
    "matching:standing": lambda o: {"pk": o["standing_b"].pk},
    "matching:standing_edit": lambda o: {"pk": o["standing_b"].pk},
    "matching:standing_rota": lambda o: {"pk": o["standing_b"].pk},
    "matching:standing_pause": lambda o: {"pk": o["standing_b"].pk},
    "matching:standing_resume": lambda o: {"pk": o["standing_b"].pk},
    "matching:standing_end": lambda o: {"pk": o["standing_b"].pk},
    # H5: only the day's tasks of the helper's own offers may be marked done.
    "matching_m:standing_task_done": lambda o: {"pk": o["standing_task_b"].pk},
    # matching: the dispatch board's order pages
    "matching:order": lambda o: {"pk": o["order_b"].pk},
    "matching:order_reveal": lambda o: {"pk": o["order_b"].pk},
    "matching:order_act": lambda o: {"pk": o["order_b"].pk, "verb": "approve"},
    # deliberation: topics
    "deliberation:topic": lambda o: {"pk": o["topic_b"].pk},
    "deliberation:topic_answer": lambda o: {"pk": o["topic_b"].pk},
    "deliberation:topic_merge": lambda o: {"pk": o["topic_b"].pk},
    "deliberation:topic_photo": lambda o: {"pk": o["topic_b"].pk, "index": 0, "kind": "thumb"},
    "deliberation_m:topic": lambda o: {"pk": o["topic_b"].pk},
    "deliberation_m:topic_photo": lambda o: {"pk": o["topic_b"].pk, "index": 0, "kind": "thumb"},
    # deliberation: meetings (议事会)
    "deliberation:meeting": lambda o: {"pk": o["meeting_b"].pk},
    "deliberation:meeting_edit": lambda o: {"pk": o["meeting_b"].pk},
    "deliberation:meeting_signin": lambda o: {"pk": o["meeting_b"].pk},
    "deliberation:meeting_qr": lambda o: {"pk": o["meeting_b"].pk},
    "deliberation:meeting_print": lambda o: {"pk": o["meeting_b"].pk},
    "deliberation:meeting_act": lambda o: {"pk": o["meeting_b"].pk, "verb": "close"},
    "deliberation_m:meeting": lambda o: {"pk": o["meeting_b"].pk},
    # a street-B meeting's genuine QR token: street A's staff are of no community of it (404)
    "deliberation_m:checkin": lambda o: {"token": _meeting_token(o["meeting_b"])},
    # deliberation: 落地实事 (accountability)
    # 社区慈善基金 (grants, part funds)
    "grants:fund": lambda o: {"pk": o["fund_b"].pk},
    "grants:fund_export": lambda o: {"pk": o["fund_b"].pk},
    "grants:fund_act": lambda o: {"pk": o["fund_b"].pk, "verb": "donate"},
    "grants:fund_spending": lambda o: {"pk": o["fund_spending_b"].pk},
    "grants:fund_spending_act": lambda o: {"pk": o["fund_spending_b"].pk, "verb": "decide"},
    "deliberation:action": lambda o: {"pk": o["delib_action_b"].pk},
    "deliberation:action_act": lambda o: {"pk": o["delib_action_b"].pk, "verb": "progress"},
    "deliberation:action_photo": lambda o: {
        "pk": o["delib_action_b"].pk,
        "entry": o["delib_update_b"].pk,
        "index": 0,
        "kind": "thumb",
    },
    "deliberation_m:action": lambda o: {"pk": o["delib_action_b"].pk},
    # grants: 公益创投
    "grants:call": lambda o: {"pk": o["grant_call_b"].pk},
    "grants:ranking": lambda o: {"pk": o["grant_call_b"].pk},
    "grants:applications_export": lambda o: {"pk": o["grant_call_b"].pk},
    "grants:call_verb": lambda o: {"pk": o["grant_call_b"].pk, "verb": "decide"},
    "grants:application": lambda o: {"pk": o["grant_app_b"].pk},
    "grants:application_check": lambda o: {"pk": o["grant_app_b"].pk},
    "grants:review": lambda o: {"pk": o["grant_review_b"].pk},
    "grants:tranche_verb": lambda o: {"pk": o["grant_tranche_b"].pk, "verb": "approve"},
    "grants:project": lambda o: {"pk": o["grant_project_b"].pk},
    "grants:project_verb": lambda o: {"pk": o["grant_project_b"].pk, "verb": "terminate"},
    "grants:portal_apply": lambda o: {"call": o["grant_call_b"].pk},
    "grants:portal_application": lambda o: {"pk": o["grant_app_b"].pk},
    "grants:portal_submit": lambda o: {"pk": o["grant_app_b"].pk},
    "grants:portal_project": lambda o: {"pk": o["grant_project_b"].pk},
    "grants:portal_files": lambda o: {"pk": o["grant_app_b"].pk},
    "grants:file": lambda o: {"kind": "application", "pk": o["grant_app_b"].pk, "index": 0},
    "deliberation_m:action_photo": lambda o: {
        "pk": o["delib_action_b"].pk,
        "entry": o["delib_update_b"].pk,
        "index": 0,
        "kind": "thumb",
    },
    # notices (公示)
    "notices:notice": lambda o: {"pk": o["notice_b"].pk},
    "notices:notice_edit": lambda o: {"pk": o["notice_b"].pk},
    "notices:notice_file": lambda o: {"pk": o["notice_b"].pk, "index": 0},
    "notices:notice_act": lambda o: {"pk": o["notice_b"].pk, "verb": "publish"},
    "notices:objection": lambda o: {"pk": o["objection_b"].pk},
    "notices:objection_act": lambda o: {"pk": o["objection_b"].pk, "verb": "answer"},
    # 数据看板: the code names an indicator, not an object; the region is a query parameter, a
    # street-B one is 404 (dashboard/tests/test_board.py). An unknown indicator is 404.
    "dashboard:records": lambda o: {"code": "no.such-indicator"},
    "dashboard:records_export": lambda o: {"code": "no.such-indicator"},
}
# Pages that name their object in the query string rather than the path: url name → street-B
# query parameters. Walked like OBJECT_URLS (a GET must answer 404), besides the plain GET.
QUERY_URLS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    # dashboard: the big screen (大屏) and its data (?region=)
    "dashboard:screen": lambda o: {"region": o["region_b"].code},
    "dashboard:screen_data": lambda o: {"region": o["region_b"].code},
    "dashboard:screen_geo": lambda o: {"region": o["region_b"].code},
}
# API path template → street-B values for its path parameters.
API_OBJECT_PATHS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "/api/v1/regions/{code}": lambda o: {"code": o["region_b"].code},
    "/api/v1/tokens/{token_id}": lambda o: {"token_id": o["token_b"].pk},
    "/api/v1/tokens/{id}": lambda o: {"id": o["token_b"].pk},
    "/api/v1/ledger/organizations/{org_id}": lambda o: {"org_id": o["org_b"].pk},
    "/api/v1/ledger/organizations/{org_id}/coverage": lambda o: {"org_id": o["org_b"].pk},
    "/api/v1/ledger/people/{person_id}": lambda o: {"person_id": o["person_b"].pk},
    "/api/v1/ledger/party-orgs/{party_org_id}": lambda o: {"party_org_id": o["party_org_b"].pk},
    **{
        f"/api/v1/ledger/party-orgs/{{party_org_id}}/{step}": (
            lambda o: {"party_org_id": o["party_org_b"].pk}
        )
        for step in ("members", "develop", "extension", "convert", "dissolve")
    },
    "/api/v1/ledger/party-orgs/{party_org_id}/members/{membership_id}/leave": lambda o: {
        "party_org_id": o["party_org_b"].pk,
        "membership_id": o["party_membership_b"].pk,
    },
    # reports API
    # The catalogue is district-wide by design (Open311 publishes it): only a missing code is 404.
    "/api/v1/reports/categories/{code}": lambda o: {"code": "no-such-category"},
    "/api/v1/reports/{report_id}": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/photos/{index}": lambda o: {
        "report_id": o["report_b"].pk,
        "index": 0,
    },
    "/api/v1/reports/{report_id}/accept": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/assign-down": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/answer-down": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/reject": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/transfer": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/reassign": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/assist": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/merge": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/respond": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/return": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/resolve": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/followup": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/rehandle": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/note": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/verify": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/reopen": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/rate": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/follow": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/hide": lambda o: {"report_id": o["report_b"].pk},
    "/api/v1/reports/{report_id}/redact": lambda o: {"report_id": o["report_b"].pk},
    # stations API
    # Public by design (see PUBLIC_API_PREFIXES): registered for completeness, not walked.
    "/api/v1/stations/{station_id}": lambda o: {"station_id": o["station_b"].pk},
    # /api/v1/stations/me and /checkin take no identifier: the caller's own worker profile only
    # (walked as a GET like every list; self-scope tested in stations/tests/test_api_me.py).
    # matching API: the two lists (m-lists)
    "/api/v1/matching/offers/{offer_id}/review": lambda o: {"offer_id": o["match_offer_b"].pk},
    # volunteers API: people
    "/api/v1/volunteers/{volunteer_id}": lambda o: {"volunteer_id": o["volunteer_b"].pk},
    "/api/v1/volunteers/teams/{team_id}": lambda o: {"team_id": o["team_b"].pk},
    # volunteers API: activities
    "/api/v1/activities/{activity_id}": lambda o: {"activity_id": o["activity_b"].pk},
    # Sign-up and cancellation act for the caller's own volunteer profile (none: 404).
    "/api/v1/activities/{activity_id}/signup": lambda o: {"activity_id": o["activity_b"].pk},
    "/api/v1/activities/{activity_id}/signup/cancel": lambda o: {"activity_id": o["activity_b"].pk},
    "/api/v1/activities/{activity_id}/roster": lambda o: {"activity_id": o["activity_b"].pk},
    "/api/v1/activities/signups/{signup_id}/cancel": lambda o: {"signup_id": o["signup_b"].pk},
    # volunteers API: hours and certificates
    "/api/v1/service-records/{record_id}/approve": lambda o: {
        "record_id": o["service_record_b"].pk
    },
    "/api/v1/service-records/{record_id}/decline": lambda o: {
        "record_id": o["service_record_b"].pk
    },
    "/api/v1/service-records/{record_id}/adjust": lambda o: {"record_id": o["service_record_b"].pk},
    # Only the caller's own record may be disputed (volunteers/tests/test_disputes.py).
    "/api/v1/service-records/{record_id}/disputes": lambda o: {
        "record_id": o["service_record_b"].pk
    },
    "/api/v1/service-records/disputes/{dispute_id}/answer": lambda o: {
        "dispute_id": o["dispute_b"].pk
    },
    "/api/v1/service-records/certificates/requests/{request_id}/approve": lambda o: {
        "request_id": o["certificate_request_b"].pk
    },
    # The caller's own request only (volunteers/tests/test_certificate_requests.py).
    "/api/v1/service-records/certificates/requests/{request_id}/withdraw": lambda o: {
        "request_id": o["certificate_request_b"].pk
    },
    # Public by design (auth=None, masked name only: volunteers/tests/test_hours_api.py); a
    # forged serial is 404 for anyone.
    "/api/v1/service-records/certificates/{serial}/verify": lambda o: {
        "serial": "ZM20990101FORGED00"
    },
    # 星级认定: staff in scope; the caller's own application only for withdraw.
    **{
        path: lambda o: {"award_id": o["star_award_b"].pk}
        for path in (
            "/api/v1/star-awards/{award_id}",
            "/api/v1/star-awards/{award_id}/approve",
            "/api/v1/star-awards/{award_id}/reject",
            "/api/v1/star-awards/{award_id}/object",
            "/api/v1/star-awards/{award_id}/award",
            "/api/v1/star-awards/me/{award_id}/withdraw",
        )
    },
    # socialorgs API
    "/api/v1/socialorgs/{pk}": lambda o: {"pk": o["social_org_b"].pk},
    "/api/v1/socialorgs/{pk}/status": lambda o: {"pk": o["social_org_b"].pk},
    **{
        path: lambda o: {"pk": o["annual_report_b"].pk}
        for path in (
            "/api/v1/socialorgs/inspections/{pk}",
            "/api/v1/socialorgs/inspections/{pk}/supervisor",
            "/api/v1/socialorgs/inspections/{pk}/verify",
            "/api/v1/socialorgs/inspections/{pk}/return",
            "/api/v1/socialorgs/inspections/{pk}/conclude",
            "/api/v1/socialorgs/supervision/reports/{pk}",
            "/api/v1/socialorgs/supervision/reports/{pk}/review",
            "/api/v1/socialorgs/portal/inspections/{pk}",
            "/api/v1/socialorgs/portal/inspections/{pk}/files",
            "/api/v1/socialorgs/portal/inspections/{pk}/submit",
        )
    },
    "/api/v1/socialorgs/charity/applications/{pk}": lambda o: {"pk": o["charity_application_b"].pk},
    "/api/v1/socialorgs/charity/applications/{pk}/decision": lambda o: {
        "pk": o["charity_application_b"].pk
    },
    "/api/v1/socialorgs/{pk}/charity/applications": lambda o: {"pk": o["social_org_b"].pk},
    "/api/v1/socialorgs/charity/plans/{pk}": lambda o: {"pk": o["charity_plan_b"].pk},
    "/api/v1/socialorgs/{pk}/charity/plans": lambda o: {"pk": o["social_org_b"].pk},
    "/api/v1/socialorgs/charity/plans/{pk}/supervision": lambda o: {"pk": o["charity_plan_b"].pk},
    "/api/v1/socialorgs/charity/plans/{pk}/disclosures": lambda o: {"pk": o["charity_plan_b"].pk},
    "/api/v1/socialorgs/{pk}/charity/financials": lambda o: {"pk": o["social_org_b"].pk},
    # socialorgs §7 screening API
    "/api/v1/socialorgs/screening/leads/{pk}": lambda o: {"pk": o["lead_b"].pk},
    "/api/v1/socialorgs/screening/leads/{pk}/visits": lambda o: {"pk": o["lead_b"].pk},
    "/api/v1/socialorgs/screening/leads/{pk}/interviews": lambda o: {"pk": o["lead_b"].pk},
    "/api/v1/socialorgs/screening/leads/{pk}/opinion": lambda o: {"pk": o["lead_b"].pk},
    "/api/v1/socialorgs/screening/leads/{pk}/outcome": lambda o: {"pk": o["lead_b"].pk},
    # socialorgs §5 API
    "/api/v1/socialorgs/elections/{pk}": lambda o: {"pk": o["election_b"].pk},
    "/api/v1/socialorgs/elections/{pk}/steps": lambda o: {"pk": o["election_b"].pk},
    "/api/v1/socialorgs/{pk}/elections": lambda o: {"pk": o["social_org_b"].pk},
    "/api/v1/socialorgs/{pk}/extensions": lambda o: {"pk": o["social_org_b"].pk},
    "/api/v1/socialorgs/extensions/{pk}/decision": lambda o: {"pk": o["extension_b"].pk},
    "/api/v1/socialorgs/dormant-cases/{pk}/outcome": lambda o: {"pk": o["dormant_case_b"].pk},
    # socialorgs API: registration events
    "/api/v1/socialorgs/applications/{pk}": lambda o: {"pk": o["application_b"].pk},
    "/api/v1/socialorgs/applications/{pk}/attachments": lambda o: {"pk": o["application_b"].pk},
    "/api/v1/socialorgs/applications/{pk}/submit": lambda o: {"pk": o["application_b"].pk},
    "/api/v1/socialorgs/applications/{pk}/approve": lambda o: {"pk": o["application_b"].pk},
    "/api/v1/socialorgs/applications/{pk}/return": lambda o: {"pk": o["application_b"].pk},
    "/api/v1/socialorgs/{pk}/penalties": lambda o: {"pk": o["social_org_b"].pk},
    # socialorgs API: credit lists
    "/api/v1/socialorgs/credit/{pk}": lambda o: {"pk": o["credit_listing_b"].pk},
    "/api/v1/socialorgs/credit/{pk}/remove": lambda o: {"pk": o["credit_listing_b"].pk},
    # matching API: orders
    "/api/v1/matching/orders/{order_id}": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/approve": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/refuse": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/candidates": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/dispatch": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/pool": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/reassign": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/cancel": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/rate": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/grab": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/accept": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/decline": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/start": lambda o: {"order_id": o["order_b"].pk},
    "/api/v1/matching/orders/{order_id}/complete": lambda o: {"order_id": o["order_b"].pk},
    # matching API: standing orders
    "/api/v1/matching/standing/{standing_id}": lambda o: {"standing_id": o["standing_b"].pk},
    "/api/v1/matching/standing/{standing_id}/pause": lambda o: {"standing_id": o["standing_b"].pk},
    "/api/v1/matching/standing/{standing_id}/resume": lambda o: {"standing_id": o["standing_b"].pk},
    "/api/v1/matching/standing/{standing_id}/end": lambda o: {"standing_id": o["standing_b"].pk},
    "/api/v1/matching/standing/tasks/{task_id}/done": lambda o: {
        "task_id": o["standing_task_b"].pk
    },
    # deliberation API: topics
    **{
        path: lambda o: {"topic_id": o["topic_b"].pk}
        for path in (
            "/api/v1/deliberation/topics/{topic_id}",
            "/api/v1/deliberation/topics/{topic_id}/support",
            "/api/v1/deliberation/topics/{topic_id}/withdraw",
            "/api/v1/deliberation/topics/{topic_id}/follow",
            "/api/v1/deliberation/topics/{topic_id}/answer",
            "/api/v1/deliberation/topics/{topic_id}/merge",
        )
    },
    # deliberation API: meetings (议事会); /meetings/sign-in acts for the caller's community only
    "/api/v1/deliberation/meetings/{meeting_id}": lambda o: {"meeting_id": o["meeting_b"].pk},
    "/api/v1/deliberation/meetings/{meeting_id}/notice": lambda o: {
        "meeting_id": o["meeting_b"].pk
    },
    "/api/v1/deliberation/meetings/{meeting_id}/agenda": lambda o: {
        "meeting_id": o["meeting_b"].pk
    },
    "/api/v1/deliberation/meetings/{meeting_id}/invitations": lambda o: {
        "meeting_id": o["meeting_b"].pk
    },
    "/api/v1/deliberation/meetings/{meeting_id}/attendances": lambda o: {
        "meeting_id": o["meeting_b"].pk
    },
    "/api/v1/deliberation/meetings/{meeting_id}/record": lambda o: {
        "meeting_id": o["meeting_b"].pk
    },
    "/api/v1/deliberation/meetings/{meeting_id}/close": lambda o: {"meeting_id": o["meeting_b"].pk},
    "/api/v1/deliberation/meetings/{meeting_id}/publish-record": lambda o: {
        "meeting_id": o["meeting_b"].pk
    },
    # deliberation API: 落地实事
    # 社区慈善基金 API (grants, part funds)
    "/api/v1/grants/funds/{fund_id}": lambda o: {"fund_id": o["fund_b"].pk},
    "/api/v1/grants/funds/{fund_id}/movements": lambda o: {"fund_id": o["fund_b"].pk},
    "/api/v1/grants/funds/{fund_id}/items": lambda o: {"fund_id": o["fund_b"].pk},
    "/api/v1/grants/funds/{fund_id}/disclosures": lambda o: {"fund_id": o["fund_b"].pk},
    "/api/v1/grants/funds/{fund_id}/spending": lambda o: {"fund_id": o["fund_b"].pk},
    "/api/v1/grants/funds/{fund_id}/targets": lambda o: {"fund_id": o["fund_b"].pk},
    "/api/v1/grants/spending/{spending_id}": lambda o: {"spending_id": o["fund_spending_b"].pk},
    "/api/v1/grants/spending/{spending_id}/decide": lambda o: {
        "spending_id": o["fund_spending_b"].pk
    },
    "/api/v1/grants/spending/{spending_id}/pay": lambda o: {"spending_id": o["fund_spending_b"].pk},
    "/api/v1/deliberation/actions/{action_id}": lambda o: {"action_id": o["delib_action_b"].pk},
    "/api/v1/deliberation/actions/{action_id}/progress": lambda o: {
        "action_id": o["delib_action_b"].pk
    },
    "/api/v1/deliberation/actions/{action_id}/redate": lambda o: {
        "action_id": o["delib_action_b"].pk
    },
    "/api/v1/deliberation/actions/{action_id}/complete": lambda o: {
        "action_id": o["delib_action_b"].pk
    },
    "/api/v1/deliberation/actions/{action_id}/cancel": lambda o: {
        "action_id": o["delib_action_b"].pk
    },
    # grants API: 公益创投
    "/api/v1/grants/calls/{call_id}": lambda o: {"call_id": o["grant_call_b"].pk},
    "/api/v1/grants/calls/{call_id}/open": lambda o: {"call_id": o["grant_call_b"].pk},
    "/api/v1/grants/calls/{call_id}/move": lambda o: {"call_id": o["grant_call_b"].pk},
    "/api/v1/grants/calls/{call_id}/assign": lambda o: {"call_id": o["grant_call_b"].pk},
    "/api/v1/grants/calls/{call_id}/ranking": lambda o: {"call_id": o["grant_call_b"].pk},
    "/api/v1/grants/calls/{call_id}/decide": lambda o: {"call_id": o["grant_call_b"].pk},
    "/api/v1/grants/applications/{application_id}": lambda o: {
        "application_id": o["grant_app_b"].pk
    },
    "/api/v1/grants/applications/{application_id}/check": lambda o: {
        "application_id": o["grant_app_b"].pk
    },
    "/api/v1/grants/portal/applications/{application_id}/submit": lambda o: {
        "application_id": o["grant_app_b"].pk
    },
    "/api/v1/grants/portal/applications/{application_id}/files": lambda o: {
        "application_id": o["grant_app_b"].pk
    },
    "/api/v1/grants/portal/tranches/{tranche_id}/request": lambda o: {
        "tranche_id": o["grant_tranche_b"].pk
    },
    "/api/v1/grants/reviews/{review_id}/declare": lambda o: {"review_id": o["grant_review_b"].pk},
    "/api/v1/grants/reviews/{review_id}/score": lambda o: {"review_id": o["grant_review_b"].pk},
    "/api/v1/grants/projects/{project_id}": lambda o: {"project_id": o["grant_project_b"].pk},
    "/api/v1/grants/projects/{project_id}/sign": lambda o: {"project_id": o["grant_project_b"].pk},
    "/api/v1/grants/tranches/{tranche_id}/decide": lambda o: {
        "tranche_id": o["grant_tranche_b"].pk
    },
    "/api/v1/grants/tranches/{tranche_id}/pay": lambda o: {"tranche_id": o["grant_tranche_b"].pk},
    # notices API: the street-B notice is a draft, so the public operations answer 404 too
    "/api/v1/notices/{notice_id}": lambda o: {"notice_id": o["notice_b"].pk},
    "/api/v1/notices/public/{notice_id}": lambda o: {"notice_id": o["notice_b"].pk},
    "/api/v1/notices/{notice_id}/publish": lambda o: {"notice_id": o["notice_b"].pk},
    "/api/v1/notices/{notice_id}/withdraw": lambda o: {"notice_id": o["notice_b"].pk},
    "/api/v1/notices/{notice_id}/objections": lambda o: {"notice_id": o["notice_b"].pk},
    "/api/v1/notices/objections/{objection_id}/assign": lambda o: {
        "objection_id": o["objection_b"].pk
    },
    "/api/v1/notices/objections/{objection_id}/answer": lambda o: {
        "objection_id": o["objection_b"].pk
    },
}
# Public API operations (no login, auth=None): they show any open station's name, address and
# phone to anyone by design, so street B's station name is no leak there. Never add a staff
# operation here; the public ones show no person (stations/tests/test_api.py).
PUBLIC_API_PREFIXES = (
    "/api/v1/stations/nearest", "/api/v1/stations/{station_id}", "/api/v1/activities/public",
    "/api/v1/socialorgs/credit/lookup",
    "/api/v1/notices/public",  # published notices of every street, by design (公示)
)  # fmt: skip
OK_FOR_OBJECT = {404, 405}
# Pages of a permission a street's staff never holds (the district's configuration): for these a
# 403 is fine too — it is checked before any lookup, so it says nothing about the object.
FORBIDDEN_OK = {
    "reports:category_edit", "reports:category_active", "reports:routing_delete",
    "reports:template_edit",
    # the organization portal's pages answer 403 to anyone but an org account, before any lookup
    "socialorgs:portal_charity_disclose",
    # grants: the 公益创投 portal's pages (organization accounts only)
    "grants:portal_apply", "grants:portal_application", "grants:portal_submit",
    "grants:portal_project", "grants:portal_files",
}  # fmt: skip


@dataclass
class Route:
    name: str
    pattern: str  # e.g. "accounts/users/<int:pk>/"
    params: list[str]


def iter_routes(patterns: list | None = None, prefix: str = "", ns: str = "") -> Iterator[Route]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            child_ns = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from iter_routes(entry.url_patterns, prefix + str(entry.pattern), child_ns)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            params = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
            name = f"{ns}{entry.name}" if entry.name else pattern
            yield Route(name, pattern, params)


def fill(pattern: str, kwargs: dict[str, Any]) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), pattern)
    return "/" + path.lstrip("^").rstrip("$")


def find_leaks(client: Any, objects: dict[str, Any], markers: list[str]) -> list[str]:
    """Every place a street-A client sees street-B data; empty when scope holds."""
    leaks: list[str] = []
    for route in iter_routes():
        if route.pattern.startswith(UNSCOPED_PREFIXES) or "(?P<" in route.pattern:
            continue
        if route.params:
            if route.name not in OBJECT_URLS:
                leaks.append(
                    f"{route.name} ({route.pattern}): 未登记街道B对象，无法证明已按范围过滤"
                )
                continue
            url = fill(route.pattern, OBJECT_URLS[route.name](objects))
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status not in OK_FOR_OBJECT and not (
                    status == 403 and route.name in FORBIDDEN_OK
                ):
                    leaks.append(f"{method.upper()} {url} → {status}（应为404）")
        else:
            url = fill(route.pattern, {})
            response = client.get(url)
            leaks.extend(_marker_leaks(f"GET {url}", response, markers))
            if route.name in QUERY_URLS:
                query = QUERY_URLS[route.name](objects)
                status = client.get(url, query).status_code
                if status not in OK_FOR_OBJECT:
                    leaks.append(f"GET {url}?{query} → {status}（应为404）")
    leaks.extend(find_api_leaks(client, objects, markers))
    return leaks


def find_api_leaks(client: Any, objects: dict[str, Any], markers: list[str]) -> list[str]:
    from shegong.api import api

    leaks: list[str] = []
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if path.startswith(PUBLIC_API_PREFIXES):
            continue
        params = re.findall(r"{(\w+)}", path)
        for method in operations:
            if params:
                if path not in API_OBJECT_PATHS:
                    leaks.append(f"{method.upper()} {path}: 未登记街道B对象")
                    continue
                url = path.format(**API_OBJECT_PATHS[path](objects))
                response = client.generic(method.upper(), url, "{}", "application/json")
                if response.status_code not in OK_FOR_OBJECT:
                    leaks.append(f"{method.upper()} {url} → {response.status_code}（应为404）")
            elif method == "get":
                leaks.extend(_marker_leaks(f"GET {path}", client.get(path), markers))
    return leaks


def _marker_leaks(what: str, response: Any, markers: list[str]) -> list[str]:
    if response.status_code >= 500:
        return [f"{what} → {response.status_code}"]
    if response.status_code != 200 or response.get("Content-Type", "").startswith(
        ("application/vnd.openxmlformats", "application/octet-stream")
    ):
        return []
    body = response.content.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        body = json.dumps(json.loads(body), ensure_ascii=False)  # "\u897f" → "西"
    return [f"{what} 显示了「{m}」" for m in markers if m in body]
