"""Deadlines (民法典 arts. 201–203) and the holiday calendar the administrators enter."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from shegong.core import actions, holidays, workdays
from shegong.core.checks import check_holiday_calendar
from shegong.core.errors import InvalidInput, NotPermitted
from shegong.core.holidays import Entry
from shegong.core.models import AuditEvent, CalendarDay, CalendarYear
from shegong.core.verbs import Verb
from shegong.core.workdays import add_limit, calendar_covers, is_workday

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=SH)


def end_of(*args):
    return datetime(*args, 23, 59, 59, 999999, tzinfo=SH)


# --- A4: the deadline rule -------------------------------------------------------------------


def test_a_calendar_day_limit_ending_in_a_holiday_moves_to_the_next_working_day():
    # Friday 2026-02-13 10:00 + 3 days: the last day, Monday 02-16, is in the 春节 holiday
    # (02-15..02-23); the old rule said 02-16 10:00.
    assert add_limit(at(2026, 2, 13, 10), 3, "days") == end_of(2026, 2, 24)


def test_a_calendar_day_limit_ends_at_24_00_of_its_last_day():
    # Tuesday 2026-06-02 10:00 + 3 days → Friday 06-05, a working day: 24:00, not 10:00.
    assert add_limit(at(2026, 6, 2, 10), 3, "days") == end_of(2026, 6, 5)


def test_a_calendar_day_limit_ending_on_a_weekend_moves_to_monday():
    assert add_limit(at(2026, 6, 3, 9), 3, "days") == end_of(2026, 6, 8)  # Sat 06-06 → Mon


def test_a_working_day_limit_started_at_15_00_ends_at_24_00_of_its_last_working_day():
    # Wednesday 2026-06-03 15:00 + 2 working days → Friday 06-05 24:00 (the start day is not
    # counted); the old rule said Friday 15:00.
    due = add_limit(at(2026, 6, 3, 15), 2, "workdays")
    assert due == end_of(2026, 6, 5)
    assert due.astimezone(SH).date() == date(2026, 6, 5)


def test_a_working_day_limit_started_on_a_holiday_counts_from_the_next_day():
    # Started on 国庆 2026-10-03 (a Saturday off): 1 working day → Thursday 10-08.
    assert add_limit(at(2026, 10, 3, 11), 1, "workdays") == end_of(2026, 10, 8)


def test_an_hour_limit_is_unchanged():
    assert add_limit(at(2026, 2, 13, 10), 72, "hours") == at(2026, 2, 16, 10)
    assert add_limit(at(2026, 6, 3, 15), 2, "hours") == at(2026, 6, 3, 17)


def test_the_deadline_follows_the_local_day_of_a_utc_start():
    # 2026-06-04 20:00 UTC is Friday 06-05 04:00 in Shanghai: 1 working day → Monday 06-08.
    start = datetime(2026, 6, 4, 20, tzinfo=ZoneInfo("UTC"))
    assert add_limit(start, 1, "workdays") == end_of(2026, 6, 8)


# --- A10: the entered calendar ---------------------------------------------------------------


def spring_2027(admin):
    entries = holidays.parse_text(
        2027,
        "2027-02-05 放假 春节\n2027-02-08 放假 春节\n2027-02-20 上班\n",
    )
    return actions.set_calendar_year(2027, entries, actor=admin)


def test_an_entered_2027_holiday_is_not_a_workday_and_a_make_up_saturday_is(district_admin):
    assert is_workday(date(2027, 2, 5))  # a Friday: the package knows no 2027
    assert not is_workday(date(2027, 2, 20))  # a Saturday
    assert spring_2027(district_admin) == 3
    assert not is_workday(date(2027, 2, 5))
    assert not is_workday(date(2027, 2, 8))
    assert is_workday(date(2027, 2, 20))  # 调休上班
    assert is_workday(date(2027, 2, 9))  # not entered: the week decides
    day = CalendarDay.objects.get(day=date(2027, 2, 20))
    assert day.name == "调休上班" and day.entered_by == district_admin
    # A 1-working-day limit from Thursday 02-04 skips 02-05 and the weekend, and 02-08.
    assert add_limit(at(2027, 2, 4, 9), 1, "workdays") == end_of(2027, 2, 9)
    [entry] = AuditEvent.objects.filter(verb=Verb.CALENDAR_DAYS_SAVED)
    assert entry.data == {"year": 2027, "holidays": 2, "workdays": 1, "replaced": 0}


def test_an_entered_day_overrides_the_package(district_admin):
    # 2026-10-08 is a working day in the package; the administrator says otherwise.
    assert is_workday(date(2026, 10, 8))
    actions.save_calendar_day(Entry(date(2026, 10, 8), False, "临时放假"), actor=district_admin)
    assert not is_workday(date(2026, 10, 8))
    actions.save_calendar_day(Entry(date(2026, 10, 11), True, "调休上班"), actor=district_admin)
    assert is_workday(date(2026, 10, 11))  # a Sunday off in the package
    actions.remove_calendar_day(date(2026, 10, 8), actor=district_admin)
    assert is_workday(date(2026, 10, 8))
    assert AuditEvent.objects.filter(verb=Verb.CALENDAR_DAYS_SAVED).count() == 3


def test_setting_a_year_replaces_what_was_entered_for_it(district_admin):
    spring_2027(district_admin)
    entries = holidays.parse_text(2027, "2027-10-01 放假 国庆节")
    assert actions.set_calendar_year(2027, entries, actor=district_admin) == 1
    assert list(CalendarDay.objects.values_list("day", flat=True)) == [date(2027, 10, 1)]
    assert is_workday(date(2027, 2, 5))


def test_confirming_a_year_makes_the_calendar_cover_it(district_admin):
    assert not calendar_covers(2027)
    with pytest.raises(InvalidInput, match="还没有录入"):
        actions.confirm_calendar_year(2027, actor=district_admin)
    spring_2027(district_admin)
    assert not calendar_covers(2027)  # entered but not confirmed complete
    actions.confirm_calendar_year(2027, actor=district_admin)
    assert calendar_covers(2027)
    assert CalendarYear.objects.get(year=2027).confirmed_by == district_admin
    assert AuditEvent.objects.filter(verb=Verb.CALENDAR_YEAR_CONFIRMED).count() == 1


def test_bad_rows_are_refused_naming_the_row_and_nothing_is_written(district_admin):
    lines = ["2027-02-05 放假 春节", "2027-13-01 放假", "2026-12-31 放假 元旦", "2027-02-06 休假"]
    text = "\n".join([*lines, "2027-02-05 上班"])
    with pytest.raises(InvalidInput) as caught:
        holidays.parse_text(2027, text)
    message = caught.value.detail
    assert "第 2 行：日期「2027-13-01」无法识别" in message
    assert "第 3 行：日期 2026-12-31 不在 2027 年" in message
    assert "第 4 行：类型「休假」应为“放假”或“上班”" in message
    assert "第 5 行：日期 2027-02-05 与第 1 行重复" in message
    assert not CalendarDay.objects.exists()


def test_the_text_takes_chinese_dates_and_commas():
    entries = holidays.parse_text(2027, "2027年2月6日，放假，春节\n\n2027/2/20\t班")
    assert entries == [
        Entry(date(2027, 2, 6), False, "春节"),
        Entry(date(2027, 2, 20), True, "调休上班"),
    ]


def test_only_a_district_administrator_or_superuser_enters_days(street_a_staff, superuser):
    entry = Entry(date(2027, 1, 1), False, "元旦")
    with pytest.raises(NotPermitted):
        actions.save_calendar_day(entry, actor=street_a_staff)
    with pytest.raises(NotPermitted):
        actions.set_calendar_year(2027, [entry], actor=street_a_staff)
    with pytest.raises(NotPermitted):
        actions.confirm_calendar_year(2027, actor=street_a_staff)
    assert not CalendarDay.objects.exists()
    actions.save_calendar_day(entry, actor=superuser)
    assert not is_workday(date(2027, 1, 1))


def test_another_process_sees_an_entered_day_after_the_ttl(district_admin, monkeypatch):
    assert is_workday(date(2027, 3, 1))
    # Written behind this process's back (another process's save): the copy is kept …
    CalendarDay.objects.bulk_create([CalendarDay(day=date(2027, 3, 1), is_workday=False)])
    assert is_workday(date(2027, 3, 1))
    # … until it is older than the TTL.
    monkeypatch.setattr(workdays, "OVERRIDES_TTL", -1.0)
    assert not is_workday(date(2027, 3, 1))


# --- the check -------------------------------------------------------------------------------


def test_the_check_warns_in_november_not_in_january_and_stops_once_the_year_is_entered(
    district_admin,
):
    assert check_holiday_calendar(date(2026, 1, 15))[0].ok
    november = check_holiday_calendar(date(2026, 11, 1))[0]
    assert not november.ok and november.warning and "2027" in november.zh
    spring_2027(district_admin)
    actions.confirm_calendar_year(2027, actor=district_admin)
    assert check_holiday_calendar(date(2026, 11, 1))[0].ok
