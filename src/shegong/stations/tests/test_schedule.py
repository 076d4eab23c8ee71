"""The weekly schedule: validation in Chinese, and "open now?" in Asia/Shanghai time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shegong.core.errors import InvalidInput
from shegong.stations.schedule import is_open, parse_schedule

SH = ZoneInfo("Asia/Shanghai")
SPLIT = {"week": {"1": [["08:00", "12:00"], ["14:00", "20:00"]]}}


def test_split_hours_are_open_inside_and_closed_between():
    schedule = parse_schedule(SPLIT)
    monday = datetime(2026, 11, 30, tzinfo=SH)
    assert is_open(schedule, monday.replace(hour=9))
    assert not is_open(schedule, monday.replace(hour=13))
    assert is_open(schedule, monday.replace(hour=19, minute=59))
    assert not is_open(schedule, monday.replace(hour=20))
    assert not is_open(schedule, datetime(2026, 12, 1, 9, tzinfo=SH))  # Tuesday: no periods


def test_always_open_is_open_at_night_except_on_a_closure():
    schedule = parse_schedule(
        {"always_open": True, "closures": [{"from": "2026-12-01", "to": "2026-12-02"}]}
    )
    assert is_open(schedule, datetime(2026, 11, 30, 3, tzinfo=SH))
    assert not is_open(schedule, datetime(2026, 12, 2, 12, tzinfo=SH))


def test_the_time_zone_is_shanghai_whatever_the_input():
    schedule = parse_schedule(SPLIT)
    utc = ZoneInfo("UTC")
    assert is_open(schedule, datetime(2026, 11, 30, 1, 0, tzinfo=utc))  # 09:00 in Shanghai


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ({"1": [["20:00", "08:00"]]}, "结束早于开始"),
        ({"2": [["08:00", "12:00"], ["11:00", "13:00"]]}, "重叠"),
        ({"3": [["8点", "12:00"]]}, "08:00 这样的格式"),
    ],
)
def test_bad_schedules_are_refused_with_the_day_named(week, message):
    with pytest.raises(InvalidInput) as caught:
        parse_schedule({"week": week})
    assert message in caught.value.detail
    assert caught.value.errors[0]["field"] == "schedule"


def test_a_closure_ending_before_it_starts_is_refused():
    with pytest.raises(InvalidInput, match="结束日期早于开始日期"):
        parse_schedule({"closures": [{"from": "2026-10-07", "to": "2026-10-01"}]})
