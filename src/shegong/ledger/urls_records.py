"""URL patterns of the ledger's records pages (included by ledger/urls.py under /ledger/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
