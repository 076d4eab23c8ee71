"""URLs of volunteer people: staff pages (under /volunteers/, namespace "volunteers"), H5 pages
(under /m/, namespace "volunteers_m") and public pages (under /public/, "volunteers_public")."""

from django.urls import path

from shegong.volunteers import views_people, views_socialwork, views_teams, views_training

staff_patterns: list = [
    # volunteers
    path("", views_people.volunteer_list, name="list"),
    path("export/", views_people.export, name="list_export"),
    path("new/", views_people.new, name="volunteer_new"),
    path("<int:pk>/", views_people.detail, name="volunteer"),
    path("<int:pk>/edit/", views_people.edit, name="volunteer_edit"),
    path("<int:pk>/status/", views_people.change_status, name="volunteer_status"),
    path("<int:pk>/guardian/", views_people.guardian, name="volunteer_guardian"),
    path("skills/", views_people.skill_config, name="skills"),
    # teams (the team page is the team's workbench, reached by its leaders too)
    path("teams/", views_teams.team_list, name="teams"),
    path("teams/new/", views_teams.team_new, name="team_new"),
    path("teams/<int:pk>/", views_teams.team_detail, name="team"),
    path("teams/<int:pk>/edit/", views_teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/", views_teams.member_add, name="team_members"),
    path(
        "teams/<int:pk>/members/<int:member>/leave/",
        views_teams.member_leave,
        name="team_member_leave",
    ),
    path(
        "teams/<int:pk>/members/<int:member>/role/",
        views_teams.member_role,
        name="team_member_role",
    ),
    path("teams/<int:pk>/incubation/", views_teams.incubation, name="team_incubation"),
    # trainings (培训情况) and awards (表彰奖励情况) of a volunteer's record
    path("teams/<int:pk>/trainings/", views_training.team_trainings, name="team_trainings"),
    path("teams/<int:pk>/trainings/new/", views_training.training_new, name="training_new"),
    path("trainings/<int:pk>/", views_training.training_detail, name="training"),
    path("trainings/<int:pk>/trainees/", views_training.trainees_add, name="training_trainees"),
    path(
        "trainings/<int:pk>/trainees/<int:attendance>/remove/",
        views_training.trainee_remove,
        name="training_trainee_remove",
    ),
    path("<int:pk>/awards/", views_training.award_add, name="volunteer_award"),
    path("awards/<int:pk>/revoke/", views_training.award_revoke, name="award_revoke"),
    # professional social workers
    path("social-workers/", views_socialwork.sw_list, name="social_workers"),
    path("social-workers/new/", views_socialwork.sw_new, name="social_worker_new"),
    path("social-workers/<int:pk>/", views_socialwork.sw_detail, name="social_worker"),
    path("social-workers/<int:pk>/edit/", views_socialwork.sw_edit, name="social_worker_edit"),
    path(
        "social-workers/<int:pk>/stationings/",
        views_socialwork.stationing_add,
        name="stationing_add",
    ),
    path(
        "social-workers/stationings/<int:pk>/end/",
        views_socialwork.stationing_end,
        name="stationing_end",
    ),
    path("social-workers/<int:pk>/pairings/", views_socialwork.pairing_add, name="pairing_add"),
    path("social-workers/pairings/<int:pk>/end/", views_socialwork.pairing_end, name="pairing_end"),
    path(
        "social-workers/pairings/<int:pk>/guidance/",
        views_socialwork.guidance_add,
        name="guidance_add",
    ),
]
mobile_patterns: list = [
    path("volunteer/", views_people.m_home, name="home"),
    path("volunteer/register/", views_people.m_register, name="register"),
    path("volunteer/edit/", views_people.m_edit, name="edit"),
]
public_patterns: list = []
