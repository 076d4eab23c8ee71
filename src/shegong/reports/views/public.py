"""The public case pages under /public/cases/: a map and a list, each case's public timeline,
and the photos the public may see. No login (``login_not_required``).

Only ``Report.objects.public()`` is shown (the one definition, shared with Open311: not hidden
by a moderator, not rejected as invalid); anything else is a 404. Nothing personal is ever
rendered: no reporter, no caller, no anonymity flag, no internal notes (events with
``public=False``), no rating comment, no extra answers; photos only as
``redaction.public_photos`` gives them (a redacted photo is its blurred copy). Department steps
carry the department's name, never a handler's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from shegong.core.errors import NotFound
from shegong.regions.models import Region
from shegong.web import maps

from ..choices import OPEN311_CLOSED, EventKind, Status
from ..forms.public import PublicFilterForm
from ..models import PUBLIC_DECIMALS, Report
from ..queries import access_public_report
from ..redaction import public_photos

PAGE_SIZE = 20
MAP_POINTS = 500


def public_status(status: str) -> str:
    """What the public reads: a case back at the dispatch desk (returned by a department) is
    simply "已受理" again; the desk's internal back-and-forth is not news."""
    return Status.ACCEPTED.label if status == Status.RETURNED else Status(status).label


def _places(region_codes: set[str]) -> dict[str, str]:
    """``region code → "street · community"`` (never below the community: a grid names a few
    buildings), in one query."""
    wanted = {c[:9] + "000" for c in region_codes} | {c[:12] for c in region_codes}
    names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
    places = {}
    for code in region_codes:
        parts = [names.get(code[:9] + "000"), names.get(code[:12])]
        unique = [p for i, p in enumerate(parts) if p and p not in parts[:i]]
        places[code] = " · ".join(unique)
    return places


@login_not_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET or None)
    cases = form.filter(Report.objects.public()).order_by("-submitted_at", "-pk")
    page = Paginator(
        cases.select_related("category").only(
            "pk", "status", "description", "address", "public_text", "public_place", "region_id",
            "photos", "submitted_at", "category__name", "category__public_exact_location",
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))  # fmt: skip
    places = _places({r.region_id for r in page})
    rows = [
        {
            "report": r,
            "status": public_status(r.status),
            "place": places.get(r.region_id, ""),
            "thumb": next(
                (i for i, p in enumerate(public_photos(r.photos)) if p.get("thumb")), None
            ),
        }
        for r in page
    ]
    points = [
        maps.point(
            round(lat, 6 if exact else PUBLIC_DECIMALS),
            round(lon, 6 if exact else PUBLIC_DECIMALS),
            f"{name} · {public_status(status)}",
            url=reverse("reports_public:detail", args=[pk]),
            closed=status in OPEN311_CLOSED,
        )
        for pk, lat, lon, name, status, exact in cases.filter(
            lat__isnull=False, lon__isnull=False
        ).values_list(
            "pk", "lat", "lon", "category__name", "status", "category__public_exact_location"
        )[:MAP_POINTS]
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "map_points": maps.points_json(points),
        "map_point_count": len(points),
        "map_points_capped": len(points) == MAP_POINTS,
        "closed_statuses": sorted(OPEN311_CLOSED),
    }
    return render(request, "reports/public_list.html", context, status=422 if form.errors else 200)


def _timeline(report: Report) -> list[dict[str, Any]]:
    entries = []
    for event in report.events.filter(public=True).order_by("at", "id"):
        note = event.note
        if event.kind == EventKind.RATED:
            # "满意（5星）：comment" — the level is public, the reporter's words are not.
            note = note.split("：", 1)[0]
        entries.append(
            {
                "kind": event.kind_label,
                "at": event.at,
                "by": event.by_label,
                "note": note,
                "status": public_status(event.to_status) if event.to_status else "",
            }
        )
    return entries


@login_not_required
@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_public_report(pk)
    photos = public_photos(report.photos)
    point = []
    spot = report.public_point()
    if spot is not None:
        closed = report.status in OPEN311_CLOSED
        point = [maps.point(spot[0], spot[1], report.category.name, closed=closed)]
    context = {
        "report": report,
        "status": public_status(report.status),
        "place": _places({report.region_id}).get(report.region_id, ""),
        "photos": [i for i, p in enumerate(photos) if p.get("thumb") and p.get("path")],
        "timeline": _timeline(report),
        "merged_into": (
            report.merged_into
            if report.merged_into_id
            and Report.objects.public().filter(pk=report.merged_into_id).exists()
            else None
        ),
        "reject_reason": report.get_reject_reason_display() if report.reject_reason else "",
        "map_points": maps.points_json(point) if point else "",
        "closed_statuses": sorted(OPEN311_CLOSED),
    }
    return render(request, "reports/public_detail.html", context)


@login_not_required
@require_safe
def case_photo(request: HttpRequest, pk: int, index: int, kind: str) -> FileResponse:
    """A photo of a public case as the public may see it (``thumb`` or ``full``): a redacted
    photo is served as its blurred copy, never the original."""
    report = access_public_report(pk)
    photos = public_photos(report.photos if isinstance(report.photos, list) else [])
    if kind not in ("thumb", "full") or not 0 <= index < len(photos):
        raise NotFound("未找到该照片")
    path = photos[index].get("path" if kind == "full" else "thumb") or ""
    if not path.startswith("reports/") or ".." in path or not default_storage.exists(path):
        raise NotFound("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=60"  # a redaction shows within a minute
    response["X-Content-Type-Options"] = "nosniff"
    return response
