"""Reading a year's holidays and make-up working days as the administrator types or imports
them (/system/calendar/): lines of text or a workbook of three columns 日期, 类型 (放假/上班), 名称.

Every row is checked first and any wrong row refuses the whole list, each message naming its
row (``第 3 行：…``); ``core.actions.set_calendar_year`` then writes the list in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import sheets
from .errors import InvalidInput

# What the 类型 column may say: a rest day or a working day.
KINDS = {
    "放假": False,
    "休": False,
    "休息": False,
    "节假日": False,
    "上班": True,
    "班": True,
    "调休上班": True,
    "补班": True,
}
HEADERS = ("日期", "类型", "名称")
MAX_ROWS = 400  # a year has 366 days
NAME_MAX = 40
DEFAULT_WORKDAY_NAME = "调休上班"
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_SPLIT = re.compile(r"[\s,，、;；\t]+")


@dataclass(frozen=True)
class Entry:
    day: date
    is_workday: bool
    name: str


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(str(value or ""))
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def check_rows(year: int, rows: list[tuple[int, list[Any]]], *, label: str = "行") -> list[Entry]:
    """The entries of ``rows`` — (row number, [日期, 类型, 名称]) — for ``year``; InvalidInput
    naming every wrong row (date not a date or not in the year, unknown 类型, a day twice)."""
    errors: list[str] = []
    entries: list[Entry] = []
    seen: dict[date, int] = {}
    if len(rows) > MAX_ROWS:
        raise InvalidInput.field("rows", f"一次最多 {MAX_ROWS} 行")
    for number, cells in rows:
        cells = [*cells, "", "", ""][:3]
        raw_day, raw_kind, raw_name = cells
        where = f"第 {number} {label}"
        day = _date(raw_day)
        kind = str(raw_kind or "").strip()
        name = str(raw_name or "").strip()
        if day is None:
            errors.append(
                f"{where}：日期「{str(raw_day or '').strip()}」无法识别（应为 2027-01-01）"
            )
            continue
        if day.year != year:
            errors.append(f"{where}：日期 {day:%Y-%m-%d} 不在 {year} 年")
            continue
        if kind not in KINDS:
            errors.append(f"{where}：类型「{kind}」应为“放假”或“上班”")
            continue
        if len(name) > NAME_MAX:
            errors.append(f"{where}：名称超过 {NAME_MAX} 字")
            continue
        if day in seen:
            errors.append(f"{where}：日期 {day:%Y-%m-%d} 与第 {seen[day]} {label}重复")
            continue
        seen[day] = number
        workday = KINDS[kind]
        entries.append(Entry(day, workday, name or (DEFAULT_WORKDAY_NAME if workday else "")))
    if errors:
        raise InvalidInput(
            "；".join(errors), errors=[{"field": "rows", "message": e} for e in errors]
        )
    return entries


def parse_text(year: int, text: str) -> list[Entry]:
    """One day a line: ``2027-02-06 放假 春节`` (spaces, tabs or commas between; the name may
    be left out). Blank lines are skipped; rows are numbered as the lines are."""
    rows: list[tuple[int, list[Any]]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = _SPLIT.split(line.strip(), maxsplit=2)
        # "2027 年 2 月 6 日" typed with spaces: keep the date whole.
        match = re.match(r"^\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?)(.*)$", line)
        if match:
            rest = match.group(2).strip(" ,，、;；\t")
            parts = [match.group(1), *(_SPLIT.split(rest, maxsplit=1) if rest else [])]
        rows.append((number, parts))
    if not rows:
        raise InvalidInput.field("rows", "没有填写任何日期")
    return check_rows(year, rows)


def read_workbook(year: int, path: str | Path) -> list[Entry]:
    """The rows of an xlsx whose first row holds 日期, 类型, 名称 (in any order; a title row
    above it is skipped); row numbers are the sheet's."""
    try:
        sheet = sheets.open_xlsx(path)
        rows: list[tuple[int, list[Any]]] = []
        index: dict[str, int] | None = None
        for number, row in enumerate(sheet.rows(), start=1):
            cells = ["" if c is None else c for c in row]
            if index is None:
                names = [str(c).strip().rstrip("*").strip() for c in cells]
                if "日期" in names and "类型" in names:
                    index = {h: names.index(h) for h in HEADERS if h in names}
                elif number >= 5:
                    break
                continue
            picked = [
                cells[index[h]] if h in index and index[h] < len(cells) else "" for h in HEADERS
            ]
            if all(str(c).strip() == "" for c in picked):
                continue
            rows.append((number, picked))
    except sheets.SheetError as exc:
        raise InvalidInput.field("file", str(exc)) from None
    if index is None:
        raise InvalidInput.field("file", "表头缺少列：日期、类型（模板三列：日期、类型、名称）")
    if not rows:
        raise InvalidInput.field("file", "文件中没有数据行")
    return check_rows(year, rows)


# --- what the page lists ---------------------------------------------------------------------

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class YearRow:
    day: date
    weekday: str  # 周一 …
    is_workday: bool
    name: str
    entered: Any  # the CalendarDay, or None when the package says so


def year_rows(year: int) -> list[YearRow]:
    """The days of ``year`` that are not what the week says — holidays on weekdays, make-up
    working days at weekends — plus every entered day (entered ones say so), in date order."""
    from datetime import timedelta

    import chinese_calendar

    from . import workdays
    from .models import CalendarDay

    entered = {d.day: d for d in CalendarDay.objects.filter(day__year=year).select_related()}
    rows: list[YearRow] = []
    day = date(year, 1, 1)
    while day.year == year:
        working = workdays.is_workday(day)
        found = entered.get(day)
        if found is not None or working != (day.weekday() < 5):
            name = (
                found.name if found is not None else _package_name(chinese_calendar, day, working)
            )
            rows.append(YearRow(day, f"周{WEEKDAYS[day.weekday()]}", working, name, found))
        day += timedelta(days=1)
    return rows


def _package_name(chinese_calendar: Any, day: date, working: bool) -> str:
    try:
        _, english = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        english = None
    name = next((str(h.chinese) for h in chinese_calendar.Holiday if h.value == english), "")
    if working:
        return f"{DEFAULT_WORKDAY_NAME}（{name}）" if name else DEFAULT_WORKDAY_NAME
    return name
