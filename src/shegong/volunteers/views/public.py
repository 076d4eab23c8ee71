"""The public pages of volunteer service (/public/, no login): upcoming activities, the new-star
honour list and the certificate check. Nothing here names a person beyond a masked name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shegong.core.errors import NotFound
from shegong.volunteers.choices import ActivityCategory
from shegong.volunteers.queries import activities as activity_queries
from shegong.volunteers.queries import certificates as certificate_queries
from shegong.volunteers.queries import people as people_queries

PUBLIC_PAGE = 20


@login_not_required
@require_safe
def public_activities(request: HttpRequest) -> HttpResponse:
    """志愿服务活动 (public): published upcoming activities; no personal data."""
    category = request.GET.get("category") or ""
    qs = activity_queries.upcoming()
    if category in ActivityCategory.values:
        qs = qs.filter(category=category)
    else:
        category = ""
    page = Paginator(qs, PUBLIC_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page, "rows": [activity_queries.public_row(a) for a in page], "category": category,
        "categories": ActivityCategory.choices,
    }  # fmt: skip
    return render(request, "volunteers/public_activities.html", context)


@login_not_required
@require_safe
def public_stars(request: HttpRequest) -> HttpResponse:
    """新晋星级志愿者: masked name, star, team — nothing else."""
    from django.conf import settings

    context = {
        "rows": people_queries.public_rows(),
        "days": settings.SHEGONG_VOLUNTEER_NEW_STAR_DAYS,
    }
    return render(request, "volunteers/public_stars.html", context)


@login_not_required
@require_safe
def public_certificate(request: HttpRequest, serial: str) -> HttpResponse:
    """证明核验: masked name, hours, period, issuer, status; unknown 404, revoked 410."""
    try:
        cert = certificate_queries.verify(serial)
    except (NotFound, certificate_queries.Revoked) as exc:
        context = {"serial": serial[:24], "message": exc.detail, "revoked": exc.status == 410}
        return render(request, "volunteers/public_certificate.html", context, status=exc.status)
    context = {"serial": cert.serial, "cert": certificate_queries.public_view(cert)}
    return render(request, "volunteers/public_certificate.html", context)
