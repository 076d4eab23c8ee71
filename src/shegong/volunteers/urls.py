"""URLs of volunteer service. The project mounts ``urlpatterns`` under /volunteers/ (namespace
"volunteers": staff and team leaders), ``mobile_patterns`` under /m/ ("volunteers_m": the
volunteer's H5 pages) and ``public_patterns`` under /public/ ("volunteers_public")."""

from django.urls import path

from shegong.volunteers.views import (
    activities,
    disputes,
    exports,
    hours,
    issuers,
    mobile,
    notices,
    people,
    public,
    socialwork,
    star_awards,
    teams,
    training,
)

app_name = "volunteers"
urlpatterns: list = [
    # volunteers
    path("", people.volunteer_list, name="list"),
    path("export/", people.export, name="list_export"),
    path("new/", people.new, name="volunteer_new"),
    path("<int:pk>/", people.detail, name="volunteer"),
    path("<int:pk>/edit/", people.edit, name="volunteer_edit"),
    path("<int:pk>/status/", people.change_status, name="volunteer_status"),
    path("<int:pk>/guardian/", people.guardian, name="volunteer_guardian"),
    path("skills/", people.skill_config, name="skills"),
    # 星级认定 (申请 → 审核 → 公示 → 认定)
    path("<int:pk>/stars/apply/", star_awards.apply_on_behalf, name="star_apply"),
    path("stars/", star_awards.award_list, name="star_awards"),
    path("stars/<int:pk>/", star_awards.award_detail, name="star_award"),
    *[
        path(
            f"stars/<int:pk>/{decision}/",
            star_awards.award_decide,
            {"decision": decision},
            name=f"star_award_{decision}",
        )
        for decision in star_awards.DECISIONS
    ],
    # teams (the team page is the team's workbench, reached by its leaders too)
    path("teams/", teams.team_list, name="teams"),
    path("teams/new/", teams.team_new, name="team_new"),
    path("teams/<int:pk>/", teams.team_detail, name="team"),
    path("teams/<int:pk>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/", teams.member_add, name="team_members"),
    path(
        "teams/<int:pk>/members/<int:member>/leave/",
        teams.member_leave,
        name="team_member_leave",
    ),
    path(
        "teams/<int:pk>/members/<int:member>/role/",
        teams.member_role,
        name="team_member_role",
    ),
    path("teams/<int:pk>/incubation/", teams.incubation, name="team_incubation"),
    # trainings (培训情况) and awards (表彰奖励情况) of a volunteer's record
    path("teams/<int:pk>/trainings/", training.team_trainings, name="team_trainings"),
    path("teams/<int:pk>/trainings/new/", training.training_new, name="training_new"),
    path("trainings/<int:pk>/", training.training_detail, name="training"),
    path("trainings/<int:pk>/trainees/", training.trainees_add, name="training_trainees"),
    path(
        "trainings/<int:pk>/trainees/<int:attendance>/remove/",
        training.trainee_remove,
        name="training_trainee_remove",
    ),
    path("<int:pk>/awards/", training.award_add, name="volunteer_award"),
    path("awards/<int:pk>/revoke/", training.award_revoke, name="award_revoke"),
    # professional social workers
    path("social-workers/", socialwork.sw_list, name="social_workers"),
    path("social-workers/new/", socialwork.sw_new, name="social_worker_new"),
    path("social-workers/<int:pk>/", socialwork.sw_detail, name="social_worker"),
    path("social-workers/<int:pk>/edit/", socialwork.sw_edit, name="social_worker_edit"),
    path(
        "social-workers/<int:pk>/stationings/",
        socialwork.stationing_add,
        name="stationing_add",
    ),
    path(
        "social-workers/stationings/<int:pk>/end/",
        socialwork.stationing_end,
        name="stationing_end",
    ),
    path("social-workers/<int:pk>/pairings/", socialwork.pairing_add, name="pairing_add"),
    path("social-workers/pairings/<int:pk>/end/", socialwork.pairing_end, name="pairing_end"),
    path(
        "social-workers/pairings/<int:pk>/guidance/",
        socialwork.guidance_add,
        name="guidance_add",
    ),
    # activities
    path("activities/", activities.activity_list, name="activities"),
    path("activities/new/", activities.activity_new, name="activity_new"),
    path("activities/review/", activities.review_queue, name="review"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/roster.xlsx", exports.roster_export, name="activity_roster"),
    path("activities/<int:pk>/submit/", activities.activity_submit, name="activity_submit"),
    path("activities/<int:pk>/cancel/", activities.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/served/", activities.activity_served, name="activity_served"),
    path("activities/<int:pk>/review/", activities.activity_review, name="activity_review"),
    path("activities/shifts/<int:pk>/signup/", activities.shift_signup, name="shift_signup"),
    path("activities/signups/<int:pk>/cancel/", activities.signup_cancel, name="signup_cancel"),
    path("activities/shifts/<int:pk>/qr/", activities.shift_qr, name="activity_qr"),
    path("activities/shifts/<int:pk>/qr.png", activities.shift_qr_png, name="activity_qr_png"),
    path(
        "activities/attendance/<int:pk>/correct/",
        activities.attendance_correct,
        name="attendance_correct",
    ),
    # service records, certificates, statistics
    path("records/", hours.records, name="records"),
    path("records/export/", exports.records_export, name="records_export"),
    path("records/approve/", hours.records_approve, name="records_approve"),
    path("records/new/", hours.record_new, name="record_new"),
    path("records/transfer/", hours.record_transfer, name="record_transfer"),
    path("records/<int:pk>/", hours.record, name="record"),
    path("records/<int:pk>/approve/", hours.record_approve, name="record_approve"),
    path("records/<int:pk>/decline/", hours.record_decline, name="record_decline"),
    path("records/<int:pk>/adjust/", hours.record_adjust, name="record_adjust"),
    path(
        "certificates/requests/<int:pk>/decline/",
        hours.certificate_request_decline,
        name="certificate_request_decline",
    ),
    path(
        "certificates/requests/<int:pk>/approve/",
        hours.certificate_request_approve,
        name="certificate_request_approve",
    ),
    path(
        "certificates/requests/<int:pk>/objection/",
        hours.certificate_request_objection,
        name="certificate_request_objection",
    ),
    path("certificates/publicity/", hours.certificate_publicity, name="certificate_publicity"),
    path(
        "certificates/publicity/<int:pk>/object/",
        hours.certificate_publicity_object,
        name="certificate_publicity_object",
    ),
    path("certificates/issuers/", issuers.issuer_list, name="issuers"),
    path("certificates/issuers/edit/", issuers.issuer_edit, name="issuer_edit"),
    path("certificates/issuers/<int:pk>/seal/", issuers.issuer_seal, name="issuer_seal"),
    path("certificates/", hours.certificate_list, name="certificates"),
    path("certificates/new/", hours.certificate_new, name="certificate_new"),
    path("certificates/<int:pk>/", hours.certificate, name="certificate"),
    path("certificates/<int:pk>/pdf/", hours.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/seal/", hours.certificate_seal, name="certificate_seal"),
    path("disputes/", disputes.dispute_list, name="disputes"),
    path("disputes/<int:pk>/", disputes.dispute, name="dispute"),
    path("certificates/<int:pk>/revoke/", hours.certificate_revoke, name="certificate_revoke"),
    path("statistics/", hours.statistics_page, name="statistics"),
    path("notices/stars/", notices.star_notice, name="star_notice"),
    path("notices/certificates/", notices.certificate_notice, name="certificate_notice"),
    path("statistics/export/", hours.statistics_export, name="statistics_export"),
]
mobile_patterns: list = [
    path("volunteer/", people.m_home, name="home"),
    path("volunteer/register/", people.m_register, name="register"),
    path("volunteer/edit/", people.m_edit, name="edit"),
    path("volunteer/teams/<int:pk>/leave/", people.m_team_leave, name="team_leave"),
    path("volunteer/status/", people.m_status, name="status"),
    path("volunteer/location-consent/", people.m_location_consent, name="location_consent"),
    path("volunteer/stars/apply/", star_awards.m_apply, name="star_apply"),
    path("volunteer/stars/<int:pk>/withdraw/", star_awards.m_withdraw, name="star_withdraw"),
    path("activities/", mobile.m_activities, name="activities"),
    path("activities/mine/", mobile.m_my_activities, name="my_activities"),
    path("activities/<int:pk>/", mobile.m_activity, name="activity"),
    path("activities/shifts/<int:pk>/signup/", mobile.m_signup, name="signup"),
    path("activities/shifts/<int:pk>/qr/", mobile.m_shift_qr, name="shift_qr"),
    path("activities/signups/<int:pk>/cancel/", mobile.m_signup_cancel, name="signup_cancel"),
    path("activities/checkin/<str:token>/", mobile.m_checkin, name="checkin"),
    path("volunteer/hours/", hours.m_hours, name="hours"),
    path("volunteer/records/<int:pk>/dispute/", disputes.m_record_dispute, name="record_dispute"),
    path(
        "volunteer/disputes/<int:pk>/withdraw/",
        disputes.m_dispute_withdraw,
        name="dispute_withdraw",
    ),
    path("volunteer/certificates/", hours.m_certificates, name="certificates"),
    path("volunteer/certificates/<int:pk>/pdf/", hours.m_certificate_pdf, name="certificate_pdf"),
    path(
        "volunteer/certificates/request/", hours.m_certificate_request, name="certificate_request"
    ),
    path(
        "volunteer/certificates/requests/<int:pk>/withdraw/",
        hours.m_certificate_request_withdraw,
        name="certificate_request_withdraw",
    ),
]
public_patterns: list = [
    path("activities/", public.public_activities, name="activities"),
    path("volunteers/stars/", public.public_stars, name="stars"),
    path("certificates/", public.certificate_check, name="certificate_check"),
    path("certificates/<str:serial>/", public.public_certificate, name="certificate"),
]
