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
