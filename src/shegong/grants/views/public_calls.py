"""/public/grants/: open calls and the awards (funded projects with their amounts and the
organizations' names — organizations are public; no person is named)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shegong.grants.queries import calls as q


@login_not_required
@require_safe
def grants(request: HttpRequest) -> HttpResponse:
    awards = q.public_awards()
    page = Paginator(awards, 30).get_page(request.GET.get("page"))
    return render(
        request, "grants/calls/public_grants.html",
        {"calls": list(q.open_calls().select_related("region")), "page": page,
         "rows": list(page.object_list)},
    )  # fmt: skip
