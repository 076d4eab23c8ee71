"""Periodic scans of volunteer service (imported from ``VolunteersConfig.ready()`` so the web
process — the 运行状态 page — and the worker both know them)."""

from __future__ import annotations

from datetime import timedelta

from shegong.core.scans import periodic_scan
from shegong.volunteers.actions import attendance


@periodic_scan(
    "volunteers.close_attendance", every=timedelta(minutes=5), title="志愿服务未签退记录自动签退"
)
def close_attendance(now=None) -> int:
    """Close forgotten check-outs at the shift's end (flagged, pending approval)."""
    return attendance.close_overdue(now)
