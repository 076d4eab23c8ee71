"""The periodic scans of deliberation (imported from ``apps.ready``)."""

from __future__ import annotations

from datetime import timedelta

from shegong.core.scans import periodic_scan


@periodic_scan(
    "deliberation.cadence_alarm", every=timedelta(days=1), title="一月一会：上月未召开议事会提醒"
)
def cadence_alarm() -> int:
    """Communities under 一月一会 with no meeting held last month: their managers told once."""
    from shegong.deliberation.actions import meetings

    return meetings.cadence_alarm()


@periodic_scan(
    "deliberation.actions_overdue", every=timedelta(hours=1), title="落地实事逾期提醒（每日一次）"
)
def notify_overdue_actions() -> int:
    """Each overdue item tells its owner and the community's managers once a day (hourly is
    fine: ``overdue_notified_on`` keeps it to one a day)."""
    from shegong.deliberation.actions import actions

    return actions.notify_overdue()
