"""The public pages of volunteer service (/public/, no login): upcoming activities, the star
publicity and new-star honour list, and the certificate check. Nothing here names a person
beyond a masked name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shegong.core import limits
from shegong.core.errors import NotFound
from shegong.core.net import client_ip
from shegong.volunteers.choices import ActivityCategory
from shegong.volunteers.queries import activities as activity_queries
from shegong.volunteers.queries import certificates as certificate_queries
from shegong.volunteers.queries import people as people_queries
from shegong.volunteers.queries import star_awards as star_award_queries

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
    """星级志愿者认定公示 and 新晋星级志愿者: masked name, star, team — nothing else. The first
    list is the applications in their publicity (审核通过, not yet awarded), the second the
    stars awarded recently."""
    from django.conf import settings

    context = {
        "publicity": star_award_queries.publicity_rows(),
        "rows": people_queries.public_rows(),
        "days": settings.SHEGONG_VOLUNTEER_NEW_STAR_DAYS,
    }
    return render(request, "volunteers/public_stars.html", context)


# Checking by serial, typed or scanned, is counted per client address: a serial has 40 random
# bits, but a page that answers "found" or "not found" as fast as it is asked invites guessing.
# Generous enough for a person at a counter checking a pile of certificates.
VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 600
VERIFY_LIMITED = "查验过于频繁：每 10 分钟最多查验 {limit} 次，请稍后再试"
SERIAL_HINT = "证明编号在证明右上角，以 ZM 开头，如 ZM20260101ABCD2345"
SERIAL_BAD = "证明编号格式不正确：应以 ZM 开头，由字母和数字组成（如 ZM20260101ABCD2345）"


def _verify_page(request: HttpRequest, serial: str) -> HttpResponse:
    """The answer for ``serial``: valid (200), unknown or malformed (404), revoked (410), or too
    many checks from this address (429)."""
    text = certificate_queries.normalise_serial(serial)
    context: dict[str, object] = {"serial": text[:24], "hint": SERIAL_HINT}
    count = limits.hit(f"volunteers:verify:{client_ip(request)}", VERIFY_WINDOW_SECONDS)
    if count > VERIFY_LIMIT:
        context.update(message=VERIFY_LIMITED.format(limit=VERIFY_LIMIT), limited=True)
        return render(request, "volunteers/public_certificate.html", context, status=429)
    try:
        cert = certificate_queries.verify(text)
    except (NotFound, certificate_queries.Revoked) as exc:
        malformed = exc.status == 404 and not certificate_queries.SERIAL_RE.match(text)
        context.update(message=SERIAL_BAD if malformed else exc.detail, revoked=exc.status == 410)
        return render(request, "volunteers/public_certificate.html", context, status=exc.status)
    context.update(serial=cert.serial, cert=certificate_queries.public_view(cert))
    return render(request, "volunteers/public_certificate.html", context)


@login_not_required
@require_safe
def certificate_check(request: HttpRequest) -> HttpResponse:
    """证明核验 by typing the serial (输入证明编号查验): the empty form, or the answer for
    ``?serial=``."""
    serial = request.GET.get("serial")
    if serial is None:
        return render(request, "volunteers/public_certificate.html", {"hint": SERIAL_HINT})
    if not serial.strip():
        context = {"hint": SERIAL_HINT, "message": "请输入证明编号", "empty": True}
        return render(request, "volunteers/public_certificate.html", context, status=422)
    return _verify_page(request, serial)


@login_not_required
@require_safe
def public_certificate(request: HttpRequest, serial: str) -> HttpResponse:
    """证明核验 by the QR code's link: masked name, hours, period, issuer, status; unknown 404,
    revoked 410."""
    return _verify_page(request, serial)
