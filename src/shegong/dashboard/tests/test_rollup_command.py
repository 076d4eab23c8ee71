"""``shegong rollup`` and the rollups' line in ``shegong check``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from shegong import cli, testing
from shegong.core import checks
from shegong.dashboard.models import Rollup, RollupState

pytestmark = pytest.mark.django_db


def run(*args):
    return cli.main(["shegong", "rollup", *args])


@pytest.fixture
def two_activities(district):
    team = testing.team(district["community_a"], name="东关队")
    day = date(2026, 3, 2)
    testing.activity(team, starts_at=timezone.make_aware(datetime.combine(day, time(9))))
    testing.activity(team, starts_at=timezone.make_aware(datetime.combine(day, time(15))))
    return day


def test_the_backfill_then_a_range_then_the_check(two_activities, capsys):
    assert run() == 0
    assert "已汇总" in capsys.readouterr().out
    cell = Rollup.objects.get(indicator="volunteers.activities", grain=Rollup.DAY)
    assert (cell.day, cell.value) == (two_activities, 2)
    assert RollupState.objects.filter(name="changes").exists()
    cell.value = 5  # drift, as a missed change would leave it
    cell.save()
    day = two_activities.isoformat()
    assert run("--from", day, "--to", day, "--check") == 1
    out = capsys.readouterr().out
    assert "volunteers.activities 2026-03-02 341271001001: 汇总 5 ≠ 原始 2" in out
    assert "不一致 1 处" in out
    assert run("--from", day, "--to", day, "--indicator", "volunteers.activities") == 0
    assert run("--from", day, "--to", day, "--check") == 0
    assert Rollup.objects.get(indicator="volunteers.activities", grain=Rollup.DAY).value == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-13-01"), "起始日期格式应为 YYYY-MM-DD：2026-13-01"),
        (("--from", "2026-03-05", "--to", "2026-03-01"), "起始日期晚于截止日期"),
        (("--to", "2999-01-01"), "日期不能晚于今天"),
        (("--indicator", "nope.nothing"), "没有该指标 / no such indicator: nope.nothing"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(two_activities, capsys, args, message):
    assert run(*args) == 1
    assert message in capsys.readouterr().err
    assert not Rollup.objects.exists()


def test_check_warns_until_the_first_rollup_then_reports_drift(two_activities, district):
    def line() -> str:
        (result,) = [r for r in checks.run() if "数据看板" in r.zh] or [None]
        return result

    first = line()
    assert first is not None and first.warning and "尚未汇总" in first.zh
    assert run() == 0
    assert line().ok
    # A record created behind the actions' back in the last 31 days: drift is reported.
    team = testing.team(district["community_b"], name="西关队")
    testing.activity(team, starts_at=timezone.now() - timedelta(days=2))
    drifted = line()
    assert not drifted.ok and drifted.warning and "volunteers.activities" in drifted.zh
