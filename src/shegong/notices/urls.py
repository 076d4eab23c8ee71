"""The pages of public notices. ``urlpatterns``: staff pages under /notices/ (namespace
``notices``); ``public_patterns``: /public/notices/ (namespace ``notices_public``)."""

from __future__ import annotations

app_name = "notices"

urlpatterns: list = []

public_patterns: list = []
