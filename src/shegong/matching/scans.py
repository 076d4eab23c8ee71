"""The periodic scans of matching (imported from ``apps.ready``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from shegong.core.scans import periodic_scan


@periodic_scan("matching.expire_overdue", every=timedelta(minutes=5), title="派单超时未接自动转派")
def expire_overdue(now=None) -> int:
    """Orders not accepted in time go to the engine's next candidate (or the unmet list)."""
    from shegong.matching.actions import orders

    return orders.expire_overdue(now)


@periodic_scan(
    "matching.standing_generate", every=timedelta(hours=1), title="生成今明两天的常态化服务任务"
)
def generate_standing_tasks() -> int:
    """Today's and tomorrow's tasks (idempotent: hourly is fine)."""
    from shegong.matching.actions import standing

    today = timezone.localdate()
    return standing.generate_tasks(today) + standing.generate_tasks(today + timedelta(days=1))


@periodic_scan(
    "matching.standing_missed", every=timedelta(minutes=10), title="常态化服务未按时完成提醒"
)
def flag_missed_standing_tasks() -> int:
    from shegong.matching.actions import standing

    return standing.flag_missed()
