"""The pages of grants and community funds. ``urlpatterns``: staff pages and the organization
portal under /grants/ (namespace ``grants``); ``public_patterns``: /public/grants/ and
/public/funds/ (namespace ``grants_public``)."""

from __future__ import annotations

app_name = "grants"

urlpatterns: list = []

public_patterns: list = []

# 社区慈善基金 (part funds: views/funds.py, views/funds_public.py)
from django.urls import path  # noqa: E402

from shegong.grants.views import funds as fund_views  # noqa: E402
from shegong.grants.views import funds_public  # noqa: E402

urlpatterns += [
    path("funds/", fund_views.fund_list, name="funds"),
    path("funds/new/", fund_views.fund_new, name="fund_new"),
    path("funds/hosts/new/", fund_views.host_new, name="fund_host_new"),
    path("funds/spending/", fund_views.spending_queue, name="fund_spending_queue"),
    path("funds/spending/<int:pk>/", fund_views.spending_detail, name="fund_spending"),
    path("funds/spending/<int:pk>/<slug:verb>/", fund_views.spending_act, name="fund_spending_act"),
    path("funds/<int:pk>/", fund_views.fund_detail, name="fund"),
    path("funds/<int:pk>/export/", fund_views.fund_export, name="fund_export"),
    path("funds/<int:pk>/<slug:verb>/", fund_views.fund_act, name="fund_act"),
]
public_patterns += [
    path("funds/", funds_public.funds_index, name="funds"),
    path("funds/<int:pk>/", funds_public.fund_page, name="fund"),
    path("funds/disclosures/<int:pk>/", funds_public.disclosure_page, name="fund_disclosure"),
]
