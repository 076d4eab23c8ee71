"""A station's weekly opening schedule: its one shape, its validation, and "open now?".

    {"always_open": false,
     "week": {"1": [["08:00", "12:00"], ["14:00", "20:00"]], …, "7": []},   # ISO weekday
     "closures": [{"from": "2026-10-01", "to": "2026-10-07", "reason": "国庆节闭站"}]}

``always_open`` (24 h) ignores ``week``; closures apply either way. A period ends after it
starts ("24:00" is the end of the day); a night period is two periods on two days
(22:00–24:00 and 00:00–06:00). Periods of one day must not overlap. Times are Asia/Shanghai.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from django.utils import timezone

from shegong.core.errors import InvalidInput

from .choices import WEEKDAY_LABELS, WEEKDAYS

TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def parse_schedule(raw: Any) -> dict[str, Any]:
    """The schedule cleaned to its canonical shape, or InvalidInput naming every problem
    (field ``schedule``, messages in Chinese)."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise InvalidInput.field("schedule", "开放时间格式不正确")
    problems: list[str] = []
    week: dict[str, list[list[str]]] = {}
    raw_week = raw.get("week") or {}
    if not isinstance(raw_week, dict):
        raise InvalidInput.field("schedule", "开放时间格式不正确")
    for day in WEEKDAYS:
        periods = raw_week.get(day) or []
        label = WEEKDAY_LABELS[day]
        cleaned: list[list[str]] = []
        for period in periods:
            if not (isinstance(period, list | tuple) and len(period) == 2):
                problems.append(f"{label}的时段格式不正确")
                continue
            start, end = (str(p).strip() for p in period)
            if not TIME_RE.match(start) or not TIME_RE.match(end) or start == "24:00":
                problems.append(f"{label}的时间「{start}–{end}」应写成 08:00 这样的格式")
                continue
            if _minutes(end) <= _minutes(start):
                problems.append(
                    f"{label}的时段「{start}–{end}」结束早于开始；"
                    "跨夜请分成两段（如 22:00–24:00 和次日 00:00–06:00）"
                )
                continue
            cleaned.append([start, end])
        cleaned.sort(key=lambda p: _minutes(p[0]))
        for before, after in pairwise(cleaned):
            if _minutes(after[0]) < _minutes(before[1]):
                problems.append(
                    f"{label}的时段「{before[0]}–{before[1]}」与「{after[0]}–{after[1]}」重叠"
                )
        week[day] = cleaned
    closures = []
    for item in raw.get("closures") or []:
        try:
            start = date.fromisoformat(str(item.get("from")))
            end = date.fromisoformat(str(item.get("to") or item.get("from")))
        except (AttributeError, ValueError):
            problems.append("闭站日期应写成 2026-10-01 这样的格式")
            continue
        if end < start:
            problems.append(f"闭站「{start}–{end}」结束日期早于开始日期")
            continue
        closures.append(
            {"from": start.isoformat(), "to": end.isoformat(),
             "reason": str(item.get("reason") or "").strip()[:100]}
        )  # fmt: skip
    if problems:
        raise InvalidInput(
            "；".join(problems), errors=[{"field": "schedule", "message": p} for p in problems]
        )
    return {"always_open": bool(raw.get("always_open")), "week": week, "closures": closures}


def closure_on(schedule: dict[str, Any], day: date) -> dict[str, Any] | None:
    for closure in schedule.get("closures") or []:
        if closure["from"] <= day.isoformat() <= closure["to"]:
            return closure
    return None


def is_open(schedule: dict[str, Any], at: datetime | None = None) -> bool:
    """Whether a station with this schedule is open at ``at`` (default now), local time."""
    local = timezone.localtime(at or timezone.now())
    if closure_on(schedule, local.date()) is not None:
        return False
    if schedule.get("always_open"):
        return True
    now = local.hour * 60 + local.minute
    periods = (schedule.get("week") or {}).get(str(local.isoweekday())) or []
    return any(_minutes(start) <= now < _minutes(end) for start, end in periods)


def describe(schedule: dict[str, Any]) -> list[tuple[str, str]]:
    """(周一, "08:00–12:00、14:00–20:00") per day, for pages and posters."""
    if schedule.get("always_open"):
        return [("每天", "24小时开放")]
    week = schedule.get("week") or {}
    return [
        (WEEKDAY_LABELS[day], "、".join(f"{s}–{e}" for s, e in week.get(day) or []) or "不开放")
        for day in WEEKDAYS
    ]
