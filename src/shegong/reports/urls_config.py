"""Catalogue, routing rules, response templates, Open311 keys (work package: configuration)."""

from django.urls import path

from .views import config as views_config

urlpatterns: list = [
    path("categories/", views_config.categories, name="categories"),
    path("categories/new/", views_config.category_form, name="category_new"),
    path("categories/<int:pk>/", views_config.category_form, name="category_edit"),
    path("categories/<int:pk>/active/", views_config.category_active, name="category_active"),
    path("routing/", views_config.routing, name="routing"),
    path("routing/<int:pk>/delete/", views_config.routing_delete, name="routing_delete"),
    path("templates/", views_config.templates, name="templates"),
    path("templates/new/", views_config.template_form, name="template_new"),
    path("templates/<int:pk>/", views_config.template_form, name="template_edit"),
]
