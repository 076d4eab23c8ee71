"""The rollups: built from the raw records, replaced whole, kept up from the audit trail, and
read back as the same figures the raw records give."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.periods import Period
from shegong.dashboard import figures, rollup
from shegong.dashboard.models import Rollup, RollupState
from shegong.volunteers.actions.activities import cancel_activity

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def activities(district):
    """Activities on hand-picked days: street A's community twice in March (one at 23:30 local,
    which is still 3-31 in Shanghai but 3-31 15:30 UTC), its grid once in April, street B once
    in March, plus a cancelled one that never counts."""
    team_a = testing.team(district["community_a"], name="东关队")
    team_grid = testing.team(district["grid_a"], name="网格队")
    team_b = testing.team(district["community_b"], name="西关队")
    made = {
        "a1": testing.activity(team_a, starts_at=at(date(2026, 3, 2)), people_served=10),
        "a2": testing.activity(team_a, starts_at=at(date(2026, 3, 31), 23), people_served=5),
        "grid": testing.activity(team_grid, starts_at=at(date(2026, 4, 15)), people_served=7),
        "b1": testing.activity(team_b, starts_at=at(date(2026, 3, 20)), people_served=1),
        "x": testing.activity(team_a, starts_at=at(date(2026, 3, 5)), status="cancelled"),
    }
    return made


def test_backfill_counts_by_community_day_and_month(activities, district):
    rollup.backfill()
    day_rows = {
        (r.day, r.region): r.value
        for r in Rollup.objects.filter(indicator="volunteers.activities", grain=Rollup.DAY)
    }
    assert day_rows == {
        (date(2026, 3, 2), "341271001001"): 1,
        (date(2026, 3, 31), "341271001001"): 1,  # 23:00 local is still the 31st
        (date(2026, 4, 15), "341271001001"): 1,  # the grid's activity is kept with its community
        (date(2026, 3, 20), "341271002001"): 1,
    }
    months = {
        (r.day, r.region): r.value
        for r in Rollup.objects.filter(indicator="volunteers.people_served", grain=Rollup.MONTH)
    }
    assert months == {
        (date(2026, 3, 1), "341271001001"): 15,
        (date(2026, 4, 1), "341271001001"): 7,
        (date(2026, 3, 1), "341271002001"): 1,
    }
    assert RollupState.objects.get(name="changes").event_id >= 0


def test_rerunning_a_range_gives_the_same_rows(activities):
    rollup.backfill()
    before = sorted(Rollup.objects.values_list("indicator", "grain", "day", "region", "value"))
    rollup.roll_range(date(2026, 3, 1), date(2026, 4, 30))
    rollup.roll_range(date(2026, 3, 1), date(2026, 4, 30))
    after = sorted(Rollup.objects.values_list("indicator", "grain", "day", "region", "value"))
    assert after == before


@pytest.mark.parametrize(
    ("start", "end", "prefix", "expected"),
    [
        (date(2026, 3, 1), date(2026, 3, 31), "", 3),  # a whole month: month rows
        (date(2026, 3, 3), date(2026, 4, 20), "", 3),  # ragged ends: day rows
        (date(2026, 2, 1), date(2026, 5, 31), "341271001", 3),  # street A only
        (date(2026, 3, 31), date(2026, 3, 31), "341271001001", 1),  # one day
        (date(2026, 1, 1), date(2026, 12, 31), "341271002", 1),
    ],
)
def test_totals_equal_the_raw_records(activities, start, end, prefix, expected):
    rollup.backfill()
    period = Period(start, end)
    got = figures.totals(["volunteers.activities"], prefix, period)
    assert got.value("volunteers.activities") == expected
    assert figures.raw_value("volunteers.activities", prefix, period) == expected
    assert figures.records(figures.get("volunteers.activities"), prefix, period).count() == expected


def test_breakdown_by_street_and_trend(activities):
    rollup.backfill()
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    by_street = figures.totals(["volunteers.people_served"], "341271", period, by="street")
    assert by_street.values["volunteers.people_served"] == {"341271001": 22, "341271002": 1}
    months = figures.months_ending(date(2026, 4, 30), 3)
    assert months == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    trend = figures.monthly(["volunteers.activities"], "", months)
    assert trend["volunteers.activities"] == [0, 3, 1]


def test_a_grid_is_counted_from_its_own_records(activities, district):
    """The rollups keep a grid's records with its community; a grid's figures (a 网格员's
    dashboard) are counted from the grid's records, not shown as zero or as the community's."""
    rollup.backfill()
    grid = district["grid_a"].prefix
    assert len(grid) > rollup.COMMUNITY
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    got = figures.totals(["volunteers.activities", "volunteers.people_served"], grid, period)
    assert got.value("volunteers.activities") == 1
    assert got.value("volunteers.people_served") == 7
    assert figures.raw_value("volunteers.people_served", grid, period) == 7
    months = figures.months_ending(date(2026, 4, 30), 3)
    trend = figures.monthly(["volunteers.people_served"], grid, months)
    assert trend["volunteers.people_served"] == [0, 0, 7]
    assert figures.totals(["volunteers.activities"], grid, period, dim="1").values == {}


def test_an_action_moves_its_day_at_the_next_step(activities, district):
    rollup.backfill()
    staff = testing.user("district_admin", district["district"])
    future = timezone.now() + timedelta(days=3)
    team = activities["a1"].team
    planned = testing.activity(team, starts_at=future)
    # Created behind the actions' back (no audit entry): the incremental step cannot see it …
    assert rollup.roll_all_changes().events == 0
    day = timezone.localdate(future)
    assert rollup.drift(day, day)  # … and the consistency check reports the drift.
    rollup.roll_range(day, day)
    assert not rollup.drift(day, day)
    cancel_activity(planned, actor=staff, reason="天气原因")
    step = rollup.roll_all_changes()
    assert step.events >= 1 and step.days >= 1
    assert not rollup.drift(day, day)
    period = Period(day, day)
    assert figures.totals(["volunteers.activities"], "", period).value("volunteers.activities") == 0
    # Read to the end: the next step reads nothing, and changes nothing.
    assert rollup.roll_all_changes().events == 0


@pytest.fixture
def by_team(activities):
    """A test indicator with a breakdown: activities by organising team."""
    from shegong.core import registry

    indicator = registry.Indicator(
        "test.activities_by_team", "按队伍的活动", "场次", "volunteers", "测试用",
        source="shegong.volunteers.indicators.held_activities", date_field="starts_at",
        dim_field="team_id", sentence="{value}",
    )  # fmt: skip
    registry.indicators.add(indicator)
    yield indicator
    registry.indicators.remove(indicator.code)


def test_a_breakdown_is_kept_per_street_beside_the_totals(by_team, activities, district):
    rollup.backfill()
    team_a, team_grid, team_b = (activities[k].team for k in ("a1", "grid", "b1"))
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    code = "test.activities_by_team"
    total = figures.totals([code], "341271", period)
    assert total.value(code) == 4  # the breakdown's rows are not counted twice
    ranking = figures.totals([code], "341271", period, by="dim").values[code]
    assert ranking == {str(team_a.pk): 2, str(team_grid.pk): 1, str(team_b.pk): 1}
    in_street_a = figures.totals([code], "341271001", period, by="dim").values[code]
    assert in_street_a == {str(team_a.pk): 2, str(team_grid.pk): 1}
    one = figures.totals([code], "341271", period, dim=str(team_b.pk))
    assert one.value(code) == 1
    rows = Rollup.objects.filter(indicator=code, grain=Rollup.DAY).exclude(dim="")
    assert {r.region for r in rows} == {"341271001000", "341271002000"}
    assert not rollup.drift(period.start, period.end, [code])


def test_the_records_an_import_created_are_rolled_at_the_next_step(tmp_path, district):
    """An import's one entry lists its records as AuditTarget rows: the step reads those."""
    from shegong.ledger.actions.imports import import_file
    from shegong.ledger.tests.records_fixtures import credit_code
    from shegong.ledger.tests.test_import_files import ORG_HEADER, write_xlsx

    rollup.backfill()
    code = district["community_a"].code
    rows = [ORG_HEADER, *[["非公企业", f"企业{i}", credit_code(700 + i), code, "张三", 10]
                          for i in range(3)]]  # fmt: skip
    assert import_file("organizations", write_xlsx(tmp_path / "o.xlsx", rows), actor=None).ok
    today = timezone.localdate()
    assert rollup.drift(today, today)  # not rolled yet
    step = rollup.roll_all_changes()
    assert step.events == 1 and step.days >= 1
    assert not rollup.drift(today, today)
    period = Period(today, today)
    assert figures.totals(["ledger.enterprises"], "", period).value("ledger.enterprises") == 3
    assert rollup.roll_all_changes().events == 0
