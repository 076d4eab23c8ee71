"""Catalogue, routing rules, response templates, Open311 keys (work package: configuration)."""

urlpatterns: list = []
