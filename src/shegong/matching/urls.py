from django.urls import URLPattern, path

from .views import lists

app_name = "matching"

urlpatterns: list[URLPattern] = [
    # the two lists, the catalogue, a community's settings (views/lists.py)
    path("needs/", lists.needs, name="needs"),
    path("needs/new/", lists.need_new, name="need_new"),
    path("needs/export/", lists.export_needs, name="needs_export"),
    path("needs/<int:pk>/edit/", lists.need_edit, name="need_edit"),
    path("needs/<int:pk>/status/", lists.need_status, name="need_status"),
    path("offers/", lists.offers, name="offers"),
    path("offers/new/", lists.offer_new, name="offer_new"),
    path("offers/export/", lists.export_offers, name="offers_export"),
    path("offers/<int:pk>/edit/", lists.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/review/", lists.offer_review, name="offer_review"),
    path("needs/import/", lists.import_list, {"kind": "needs"}, name="needs_import"),
    path("offers/import/", lists.import_list, {"kind": "offers"}, name="offers_import"),
    path(
        "needs/import/template/",
        lists.import_template,
        {"kind": "needs"},
        name="needs_import_template",
    ),
    path(
        "offers/import/template/",
        lists.import_template,
        {"kind": "offers"},
        name="offers_import_template",
    ),
    path("catalogue/", lists.catalogue, name="catalogue"),
    path("settings/", lists.community_settings, name="settings"),
]
mobile_patterns: list[URLPattern] = []
