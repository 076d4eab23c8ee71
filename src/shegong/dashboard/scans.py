"""The dashboard's periodic scans (imported from ``apps.ready``): the incremental rollup and the
nightly consistency check that re-rolls any day found drifted."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from shegong.core.scans import periodic_scan

logger = logging.getLogger(__name__)

DRIFT_DAYS = 31  # the days the nightly check compares with the raw records


@periodic_scan("dashboard.rollup", every=timedelta(minutes=5), title="数据看板：增量汇总")
def rollup_changes() -> int:
    """Roll the days the actions since the last run touched; returns the audit entries read."""
    from . import rollup

    return rollup.roll_all_changes().events


@periodic_scan("dashboard.drift", every=timedelta(days=1), title="数据看板：汇总一致性核对")
def heal_drift() -> int:
    """Compare the last DRIFT_DAYS days' rollups with the raw records; re-roll and log every
    drifted day. Returns the number of drifted cells."""
    from . import rollup

    today = timezone.localdate()
    found = rollup.drift(today - timedelta(days=DRIFT_DAYS - 1), today)
    by_indicator: dict[str, set] = {}
    for d in found:
        by_indicator.setdefault(d.indicator, set()).add(d.day)
    for code, days in by_indicator.items():
        logger.warning("rollup drift: %s on %d day(s), re-rolled", code, len(days))
        (indicator,) = rollup.indicators([code])
        rollup.roll(indicator, days)
    return len(found)
