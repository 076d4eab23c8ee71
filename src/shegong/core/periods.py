"""A statistics period: local dates ``start`` to ``end`` inclusive, its aware bounds and months,
the common defaults (this month, the past year), and a rate with one decimal. The statistics
pages of every app count over these, so "the period" means the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

__all__ = ["MAX_DAYS", "Period", "past_year", "rate", "this_month"]

MAX_DAYS = 3 * 366  # the longest period a statistics page takes


@dataclass(frozen=True)
class Period:
    """Local dates ``start`` to ``end`` inclusive."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def months(self) -> list[str]:
        out: list[str] = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def this_month(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today.replace(day=1), today)


def past_year(today: date | None = None) -> Period:
    """The twelve months before the running one, and the running one so far."""
    today = today or timezone.localdate()
    y, m = today.year, today.month - 12
    if m < 1:
        y, m = y - 1, m + 12
    return Period(date(y, m, 1), today)


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage with one decimal, None when there is nothing to divide by."""
    return round(100 * numerator / denominator, 1) if denominator else None
