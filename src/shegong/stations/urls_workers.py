"""新就业群体 URLs: the staff pages (joined into the ``stations`` namespace by ``urls.py``) and
the worker's own H5 pages (``mobile_patterns``, namespace ``stations_m``, mounted at /m/): the
home, registration, profile, self-service edit and withdrawal."""

from django.urls import path

from .views import workers as views_workers

worker_patterns = [
    path("workers/", views_workers.worker_list, name="workers"),
    path("workers/export/", views_workers.export, name="workers_export"),
    path("workers/new/", views_workers.new, name="worker_new"),
    path("workers/<int:pk>/", views_workers.detail, name="worker"),
    path("workers/<int:pk>/edit/", views_workers.edit, name="worker_edit"),
    path("workers/<int:pk>/withdraw/", views_workers.withdraw, name="worker_withdraw"),
]

mobile_patterns = [
    path("worker/register/", views_workers.m_register, name="worker_register"),
    path("worker/", views_workers.m_home, name="worker"),
    path("worker/profile/", views_workers.m_profile, name="worker_profile"),
    path("worker/profile/edit/", views_workers.m_edit, name="worker_edit"),
    path("worker/withdraw/", views_workers.m_withdraw, name="worker_withdraw"),
]
