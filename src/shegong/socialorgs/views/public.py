"""The registrar's public pages (no login), listed on /public/socialorgs/: each part registers
its page (``workbench.public_pages``) — inspection results, credit lookup, 公告 …"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..workbench import public_pages


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """社会组织信息公开: the public pages of the registrar."""
    pages = [{"page": page, "url": reverse(page.url_name)} for page in public_pages]
    return render(request, "socialorgs/public_index.html", {"pages": pages})
