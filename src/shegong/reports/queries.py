"""Read side of the closed loop: access helpers, duplicate suggestions, queues."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from shegong.core import geo
from shegong.core.errors import NotFound

from .models import Category, Report

REPORT_NOT_FOUND = "未找到该工单，或您无权查看"


def access_report(user: Any, pk: Any, *, for_write: bool = False) -> Report:
    """A case visible to ``user`` (see ``ReportQuerySet.visible_to``); missing, out of scope
    and another department's case are the same NotFound (404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(REPORT_NOT_FOUND) from None
    qs = Report.objects.visible_to(user).select_related(
        "category", "region", "lead_department", "reporter"
    )
    report = qs.filter(pk=pk).first()
    if report is None:
        raise NotFound(REPORT_NOT_FOUND)
    return report


def access_category(code: str, *, include_staff_only: bool = True) -> Category:
    qs = Category.objects.filter(service_code=code, is_active=True)
    if not include_staff_only:
        qs = qs.filter(staff_only=False)
    category = qs.first()
    if category is None:
        raise NotFound("未找到该问题类别")
    return category


def duplicate_radius_m() -> float:
    return float(getattr(settings, "SHEGONG_REPORTS_DUPLICATE_METRES", 50))


def duplicate_window() -> timedelta:
    return timedelta(hours=float(getattr(settings, "SHEGONG_REPORTS_DUPLICATE_HOURS", 72)))


def possible_duplicates(
    category: Category, lat: float, lon: float, *, crs: str = "wgs84", now: Any = None,
    exclude: int | None = None,
) -> list[tuple[Report, float]]:  # fmt: skip
    """Open, public cases of the same category within 50 m and 72 h (configurable), nearest
    first, with their distance in metres: "someone reported this; follow it instead?"."""
    lat, lon = geo.to_wgs84(lat, lon, crs)
    now = now or timezone.now()
    radius = duplicate_radius_m()
    candidates = (
        Report.objects.public()
        .open()
        .near(lat, lon, radius)
        .filter(category=category, submitted_at__gte=now - duplicate_window())
        .select_related("category")
    )
    if exclude:
        candidates = candidates.exclude(pk=exclude)
    found = []
    for report in candidates[:200]:
        distance = report.distance_to(lat, lon)
        if distance is not None and distance <= radius:
            found.append((report, distance))
    return sorted(found, key=lambda pair: pair[1])[:10]


def queue_for(user: Any) -> QuerySet:
    """A department's queue (or the dispatch desk's view): open cases, soonest deadline first."""
    from django.db.models import F

    cases = Report.objects.visible_to(user)
    membership = getattr(user, "active_membership", None)
    if membership is not None and membership.department_id:
        # A department's queue is what it holds now, not what it returned or lost to 改派
        # (those stay readable on their own pages, through visible_to).
        cases = cases.filter(
            assignments__department_id=membership.department_id, assignments__active=True
        )
    return (
        cases.open()
        .select_related("category", "region", "lead_department")
        .order_by(F("response_due_at").asc(nulls_last=True), "submitted_at")
    )


# --- read by stations: the new-employment workers' demands (新就业群体诉求) ------------------


def worker_demands_of(user: Any, *, limit: int) -> list[Report]:
    """The caller's last ``limit`` demands (新就业群体诉求), newest first."""
    from .catalogue import WORKER_GROUP

    return list(
        Report.objects.filter(reporter=user, category__group=WORKER_GROUP)
        .select_related("category")
        .order_by("-submitted_at", "-id")[:limit]
    )


def worker_demands_visible_to(user: Any, year: int) -> list[dict[str, Any]]:
    """The workers' demands (新就业群体诉求, handled by the closed loop) of the year that ``user``
    may see, by category and state: rows of {category, total, open, done, statuses: {label: n}}
    (one query)."""
    from django.db.models import Count

    from .catalogue import WORKER_GROUP
    from .choices import FINISHED, Status

    counts = (
        Report.objects.visible_to(user)
        .filter(category__group=WORKER_GROUP, submitted_at__year=year)
        .values("category__name", "status")
        .annotate(n=Count("id"))
        .order_by("category__name")
    )
    rows: dict[str, dict[str, Any]] = {}
    for item in counts:
        row = rows.setdefault(
            item["category__name"],
            {"category": item["category__name"], "total": 0, "open": 0, "done": 0, "statuses": {}},
        )
        row["total"] += item["n"]
        row["done" if item["status"] in FINISHED else "open"] += item["n"]
        label = Status(item["status"]).label
        row["statuses"][label] = row["statuses"].get(label, 0) + item["n"]
    return list(rows.values())
