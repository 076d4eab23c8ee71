"""The working-day calendar: deadlines in hours, calendar days or Chinese working days (调休).

Working days come from ``chinese-calendar`` (``is_workday`` knows the official holidays and the
weekend days that are made working days). The package carries the State Council's calendar only
up to the last year published (2026 in 1.11.0; the next year's is announced each November or
December): for a date beyond it, Monday–Friday count as working days and a warning is logged
once, so a deadline is never refused — only possibly a day early around next year's holidays.

A limit of N working days ends at the same time of day on the Nth working day after the day
the clock started (submitted Friday 15:00 with 1 working day → due Monday 15:00; on a holiday
or weekend start, the count starts with the next working day all the same).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

import chinese_calendar
from django.utils import timezone

# The log name the deadline warning has always had (it came from the reports app).
logger = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_beyond_calendar(day.year)
        return day.weekday() < 5


def calendar_covers(year: int) -> bool:
    """Whether ``chinese-calendar`` knows the official holidays of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@cache
def _warn_beyond_calendar(year: int) -> None:
    logger.warning(
        "chinese-calendar has no official holidays for %s: counting Monday–Friday as working "
        "days; upgrade the package when the State Council publishes the calendar",
        year,
    )


def add_workdays(start: datetime, days: int) -> datetime:
    local = timezone.localtime(start)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return local.replace(year=day.year, month=day.month, day=day.day)


def add_limit(start: datetime, amount: int, unit: str) -> datetime:
    """The deadline ``amount`` ``unit``s after ``start``: ``unit`` is ``"hours"``, ``"days"``
    or (anything else) ``"workdays"`` — the values of ``reports.choices.LimitUnit``."""
    if unit == "hours":
        return start + timedelta(hours=amount)
    if unit == "days":
        return start + timedelta(days=amount)
    return add_workdays(start, amount)


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600
