"""Local time as people read it: the deployment's zone (``TIME_ZONE``, Asia/Shanghai)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

DAY = "%Y-%m-%d"
MINUTE = "%Y-%m-%d %H:%M"
SHORT = "%m-%d %H:%M"  # within the year: an activity's shift, a deadline
CLOCK = "%H:%M"


def local(at: datetime | None, fmt: str = MINUTE) -> str:
    """``at`` in local time as text ("" for no time)."""
    return timezone.localtime(at).strftime(fmt) if at is not None else ""
