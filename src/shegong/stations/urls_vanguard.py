"""党员先锋岗/责任区 and 先进典型 URLs: the staff pages (joined into the ``stations`` namespace by
``urls.py``) and the public honour roll (``public_patterns``, namespace ``honor``, mounted at
/public/ by the project's ``urls.py``)."""

from django.urls import path

from .views import vanguard as views_vanguard

vanguard_patterns = [
    path("vanguard/", views_vanguard.vanguard_page, name="vanguard"),
    path("vanguard/new/", views_vanguard.post_new, name="vanguard_new"),
    path("vanguard/<int:pk>/edit/", views_vanguard.post_edit, name="vanguard_edit"),
    path("vanguard/models/new/", views_vanguard.role_model_new, name="role_model_new"),
    path("vanguard/models/<int:pk>/edit/", views_vanguard.role_model_edit, name="role_model_edit"),
    path(
        "vanguard/models/<int:pk>/photos/<int:index>/<slug:kind>/",
        views_vanguard.role_model_photo,
        name="role_model_photo",
    ),
]

public_patterns = [
    path("honor/", views_vanguard.honor_roll, name="roll"),
    path("honor/<int:pk>/photo/<int:index>/<slug:kind>/", views_vanguard.honor_photo, name="photo"),
]
