"""The working-day calendar and deadlines: hours, calendar days or Chinese working days (调休).

**Which days are working days.** A day the district administrator entered (``CalendarDay``, the
page /system/calendar/) is what it says there: a holiday (放假) or a make-up working day (调休上班)
— it wins over the package. Otherwise ``chinese-calendar`` decides (it knows the official
holidays and the weekend days made working days). The package carries the State Council's
calendar only up to the last year published (2026 in 1.11.0; the next year's is announced each
November or December): for a day in a year the package does not know and nobody entered, Monday
to Friday count as working days and a warning is logged once, so a deadline is never refused —
only possibly a day early around that year's holidays. ``calendar_covers(year)`` says whether a
year is known (the package has it, or the administrators confirmed their entries complete); the
``holiday_calendar`` check and the system page warn from 1 November until next year is covered.

The entered days are read once per process and kept (``is_workday`` is called in loops): saving
or deleting a day clears this process's copy at once, and other processes (the worker, other web
processes) read the table again after ``OVERRIDES_TTL`` seconds at most.

**Deadlines** (``add_limit``, 民法典 arts. 201–203). A limit in hours ends exactly that many
hours after the start. A limit in days — calendar days (自然日) or working days (工作日) — does
not count the day it starts on, and ends at 24:00 of its last day; when the last day is a
statutory holiday or rest day (not a working day by the calendar above) the period ends at 24:00
of the next working day instead — for calendar-day limits too. 24:00 is stored as the last
instant of that day (23:59:59.999999 local time), so the deadline's date is the last day itself.
Submitted Friday 15:00 with 1 working day → due Monday 24:00; 3 calendar days from Friday
2026-02-13 10:00 → the last day, Monday 02-16, is in the 春节 holiday, so 02-24 (the first working
day after it) 24:00.
"""

from __future__ import annotations

import logging
import time as monotonic_clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Any

import chinese_calendar
from django.utils import timezone

# The log name the deadline warning has always had (it came from the reports app).
logger = logging.getLogger(__name__)

# How long a process trusts its copy of the entered days before reading the table again.
OVERRIDES_TTL = 60.0


@dataclass(frozen=True)
class _Entered:
    days: dict[date, bool]  # date → is a working day
    complete_years: frozenset[int]
    loaded_at: float


_entered: _Entered | None = None


def _load() -> _Entered:
    from .models import CalendarDay, CalendarYear

    days = dict(CalendarDay.objects.values_list("day", "is_workday"))
    years = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    return _Entered(days, years, monotonic_clock.monotonic())


def _overrides() -> _Entered:
    global _entered
    current = _entered
    if current is None or monotonic_clock.monotonic() - current.loaded_at > OVERRIDES_TTL:
        current = _entered = _load()
    return current


def invalidate(*_args: Any, **_kwargs: Any) -> None:
    """Forget this process's copy of the entered days (a signal receiver of CalendarDay and
    CalendarYear saves and deletes, and called by the calendar actions after they commit)."""
    global _entered
    _entered = None


@lru_cache(maxsize=8192)
def _package_is_workday(day: date) -> bool | None:
    """The package's answer, or None for a year it does not know."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def package_covers(year: int) -> bool:
    """Whether ``chinese-calendar`` itself knows the official holidays of ``year``."""
    return _package_is_workday(date(year, 6, 1)) is not None


def is_workday(day: date) -> bool:
    entered = _overrides().days.get(day)
    if entered is not None:
        return entered
    known = _package_is_workday(day)
    if known is not None:
        return known
    if day.year not in _overrides().complete_years:
        _warn_beyond_calendar(day.year)
    return day.weekday() < 5


def calendar_covers(year: int) -> bool:
    """Whether the official holidays of ``year`` are known: the package has them, or the
    administrators entered the year and confirmed it complete."""
    return package_covers(year) or year in _overrides().complete_years


@cache
def _warn_beyond_calendar(year: int) -> None:
    logger.warning(
        "chinese-calendar has no official holidays for %s and none were entered: counting "
        "Monday–Friday as working days; enter the year on /system/calendar/ or upgrade the "
        "package when the State Council publishes the calendar",
        year,
    )


def end_of_day(day: date, tzinfo: Any) -> datetime:
    """24:00 of ``day``: its last instant, so that the deadline's date is ``day`` itself."""
    return datetime.combine(day, time.max, tzinfo=tzinfo)


def next_workday_from(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def add_workdays(start: datetime, days: int) -> datetime:
    """24:00 of the ``days``-th working day after the day of ``start`` (the start day is not
    counted, whatever the hour or whether it is itself a working day). ``days`` ≤ 0: ``start``."""
    if days <= 0:
        return start
    local = timezone.localtime(start)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return end_of_day(day, local.tzinfo)


def add_calendar_days(start: datetime, days: int) -> datetime:
    """24:00 of the ``days``-th day after the day of ``start``, moved to the next working day
    when that day is a holiday or rest day. ``days`` ≤ 0: ``start``."""
    if days <= 0:
        return start
    local = timezone.localtime(start)
    last = next_workday_from(local.date() + timedelta(days=days))
    return end_of_day(last, local.tzinfo)


def add_limit(start: datetime, amount: int, unit: str) -> datetime:
    """The deadline ``amount`` ``unit``s after ``start``: ``unit`` is ``"hours"``, ``"days"``
    or (anything else) ``"workdays"`` — the values of ``reports.choices.LimitUnit``. See the
    module docstring for the rule (民法典 arts. 201–203)."""
    if unit == "hours":
        return start + timedelta(hours=amount)
    if unit == "days":
        return add_calendar_days(start, amount)
    return add_workdays(start, amount)


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600
