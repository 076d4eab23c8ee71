"""The inspection window's close (issue 14 §3): once a year's registrar deadline has passed,
every required report never filed is concluded 未参检. Idempotent (runs daily)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from shegong.core.scans import periodic_scan

from .actions.inspection import close_window
from .models import AnnualReport, InspectionPlan, ReportState


@periodic_scan("socialorgs.inspection_close", every=timedelta(days=1), title="年检截止：标记未参检")
def close_inspection_windows() -> int:
    """Close every plan past its deadline that still has unfiled reports (or was never
    closed); returns how many reports were marked 未参检."""
    today = timezone.localdate()
    unfiled = AnnualReport.objects.filter(
        state__in=(ReportState.DRAFT, ReportState.RETURNED), conclusion=""
    )
    plans = InspectionPlan.objects.filter(registrar_due__lt=today).filter(
        pk__in=unfiled.values("plan_id")
    ) | InspectionPlan.objects.filter(registrar_due__lt=today, closed_at__isnull=True)
    return sum(close_window(plan) for plan in plans.distinct().order_by("pk"))
