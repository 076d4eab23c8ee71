"""The pages of grants and community funds. ``urlpatterns``: staff pages and the organization
portal under /grants/ (namespace ``grants``); ``public_patterns``: /public/grants/ and
/public/funds/ (namespace ``grants_public``)."""

from __future__ import annotations

app_name = "grants"

urlpatterns: list = []

public_patterns: list = []
