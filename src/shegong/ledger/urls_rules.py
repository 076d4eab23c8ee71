"""URL patterns of the ledger's rules pages (included by ledger/urls.py under /ledger/)."""

from django.urls import path

from . import views_rules

urlpatterns: list = [
    path("coverage/", views_rules.coverage, name="coverage"),
    path("should-establish/", views_rules.should_establish, name="should_establish"),
    path("completeness/", views_rules.completeness, name="completeness"),
    path("reelection/", views_rules.reelection, name="reelection"),
]
