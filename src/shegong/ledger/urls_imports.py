"""URL patterns of the ledger's imports pages (included by ledger/urls.py under /ledger/)."""

from django.urls import path, re_path

from . import views_imports as views
from .excel import TABLES

# The template's path names a table from a fixed list (no object, nothing scoped): a regular
# expression of exactly those names, so no other value reaches the view.
_TABLES = "|".join(TABLES)

urlpatterns: list = [
    path("import/", views.import_page, name="import"),
    path("import/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("import/jobs/<int:pk>/progress/", views.import_job_progress, name="import_job_progress"),
    path("import/jobs/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/jobs/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    re_path(
        rf"^import/templates/(?P<table>{_TABLES})\.xlsx$",
        views.import_template,
        name="import_template",
    ),
]
