"""The stations pages, in three lists the project mounts (src/shegong/urls.py):

- ``urlpatterns``: staff pages under /stations/ (namespace ``stations``): stations, visits,
  新就业群体, care campaigns and insurance, 党员先锋岗/责任区 and 先进典型;
- ``mobile_patterns``: H5 pages under /m/ (namespace ``stations_m``): the worker's home,
  registration, profile, edit and withdrawal, the check-in and my visits, my care, and the
  nearest-station page (no login);
- ``public_patterns``: pages under /public/ without login (namespace ``stations_public``): the
  station map and the honour roll.
"""

from django.urls import path

from .views import care, honor_notice, public, stations, vanguard, visits, workers

app_name = "stations"

urlpatterns = [
    path("", stations.station_list, name="list"),
    path("export/", stations.export, name="export"),
    path("new/", stations.new, name="new"),
    path("<int:pk>/", stations.detail, name="detail"),
    path("<int:pk>/edit/", stations.edit, name="edit"),
    path("<int:pk>/status/", stations.change_status, name="status"),
    path("<int:pk>/inspect/", stations.inspect, name="inspect"),
    path("inspections/<int:pk>/resolve/", stations.inspection_resolve, name="inspection_resolve"),
    path("<int:pk>/photos/<int:index>/<slug:kind>/", stations.photo, name="photo"),
    # visits: poster, tally, named visit, statistics
    path("visits/", visits.statistics, name="visits"),
    path("visits/export/", visits.statistics_export, name="visits_export"),
    path("<int:pk>/poster.<str:fmt>", visits.poster, name="poster"),
    path("<int:pk>/tally/", visits.tally, name="tally"),
    path("<int:pk>/visit/", visits.visit, name="visit"),
    # 新就业群体
    path("workers/", workers.worker_list, name="workers"),
    path("workers/export/", workers.export, name="workers_export"),
    path("workers/new/", workers.new, name="worker_new"),
    path("workers/<int:pk>/", workers.detail, name="worker"),
    path("workers/<int:pk>/edit/", workers.edit, name="worker_edit"),
    path("workers/<int:pk>/withdraw/", workers.withdraw, name="worker_withdraw"),
    # care campaigns and insurance batches
    path("campaigns/", care.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", care.campaign, name="campaign"),
    path("campaigns/<int:pk>/stock/", care.campaign_stock, name="campaign_stock"),
    path("campaigns/<int:pk>/give/", care.campaign_give, name="campaign_give"),
    path("insurance/", care.insurance, name="insurance"),
    path("insurance/<int:pk>/", care.insurance_batch, name="insurance_batch"),
    path("insurance/<int:pk>/export/", care.insurance_export, name="insurance_export"),
    # 党员先锋岗/责任区 and 先进典型
    path("vanguard/", vanguard.vanguard_page, name="vanguard"),
    path("vanguard/new/", vanguard.post_new, name="vanguard_new"),
    path("vanguard/<int:pk>/edit/", vanguard.post_edit, name="vanguard_edit"),
    path("vanguard/models/new/", vanguard.role_model_new, name="role_model_new"),
    path("vanguard/models/notice/", honor_notice.honor_notice_page, name="honor_notice"),
    path("vanguard/models/<int:pk>/edit/", vanguard.role_model_edit, name="role_model_edit"),
    path(
        "vanguard/models/<int:pk>/photos/<int:index>/<slug:kind>/",
        vanguard.role_model_photo,
        name="role_model_photo",
    ),
]

mobile_patterns = [
    # the worker's own pages
    path("worker/register/", workers.m_register, name="worker_register"),
    path("worker/", workers.m_home, name="worker"),
    path("worker/profile/", workers.m_profile, name="worker_profile"),
    path("worker/profile/edit/", workers.m_edit, name="worker_edit"),
    path("worker/withdraw/", workers.m_withdraw, name="worker_withdraw"),
    # the check-in a worker reaches by scanning the poster, and my visits
    path("checkin/<str:token>/", visits.m_checkin, name="checkin"),
    path("visits/", visits.m_my_visits, name="my_visits"),
    # my benefits and cover
    path("my-care/", care.m_my_care, name="my_care"),
    # the nearest open stations (no login)
    path("stations/", public.m_nearest, name="m_nearest"),
]

public_patterns = [
    path("stations/", public.public_map, name="map"),
    path("honor/", vanguard.honor_roll, name="roll"),
    path("honor/<int:pk>/photo/<int:index>/<slug:kind>/", vanguard.honor_photo, name="photo"),
]
