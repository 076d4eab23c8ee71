"""Periodic scans of matching (imported from ``MatchingConfig.ready()`` so the web process —
the 运行状态 page — and the worker both know them)."""

from __future__ import annotations

from datetime import timedelta

from shegong.core.scans import periodic_scan
from shegong.matching.actions import orders


@periodic_scan("matching.expire_overdue", every=timedelta(minutes=5), title="派单超时未接自动转派")
def expire_overdue(now=None) -> int:
    """Orders not accepted in time go to the engine's next candidate (or the unmet list)."""
    return orders.expire_overdue(now)
