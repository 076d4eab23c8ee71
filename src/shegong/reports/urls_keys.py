"""The Open311 API-key page (work package: Open311)."""

from django.urls import path

from .views import keys as views_keys

urlpatterns = [
    path("keys/", views_keys.api_keys, name="api_keys"),
    path("keys/<int:pk>/revoke/", views_keys.api_key_revoke, name="api_key_revoke"),
]
