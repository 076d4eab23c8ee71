"""The volunteers' dashboard figures (``volunteers.indicators``) on hand-built data: each equals
the hand-counted number, the raw records, the drill-down and the volunteers' own statistics;
an action moves the figure at the next incremental step."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.periods import Period
from shegong.dashboard import figures, rollup
from shegong.ledger.models import Person
from shegong.volunteers.actions import registration, socialwork, teams
from shegong.volunteers.models import (
    Certificate,
    Pairing,
    ServiceRecord,
    SocialWorker,
    StarAward,
    Stationing,
)
from shegong.volunteers.queries import statistics
from shegong.volunteers.queries.socialwork import current

pytestmark = pytest.mark.django_db

YEAR = 2025
Y = Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
STREET_A, STREET_B = "341271001", "341271002"


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def until(day: date) -> Period:
    return Period(date(YEAR, 1, 1), day)


def _value(code: str, prefix: str = "", period: Period = Y) -> float | None:
    return figures.totals([code], prefix, period).value(code)


def _agrees(code: str, prefix: str, period: Period, expected: float) -> None:
    """The rollups, the raw records and the drill-down all give ``expected``."""
    assert _value(code, prefix, period) == expected
    assert figures.raw_value(code, prefix, period) == expected
    indicator = figures.get(code)
    if not indicator.measure:
        assert figures.records(indicator, prefix, period).count() == expected


@pytest.fixture
def people(district):
    """Volunteers, teams and their records in street A's community (and grid) and street B's."""
    a, grid, b = district["community_a"], district["grid_a"], district["community_b"]
    v = {
        1: testing.volunteer(a, name="测试甲", created_at=at(date(YEAR, 3, 10))),
        2: testing.volunteer(grid, name="测试乙", created_at=at(date(YEAR, 6, 1))),
        3: testing.volunteer(b, name="测试丙", created_at=at(date(YEAR, 2, 1))),
        4: testing.volunteer(a, name="测试丁", created_at=at(date(YEAR, 1, 1)), status="left"),
        5: testing.volunteer(b, name="测试戊", created_at=at(date(YEAR + 1, 1, 5))),
    }
    t = {
        1: testing.team(a, name="东关队", incubation="incubated", incubated_on=date(YEAR, 5, 1)),
        2: testing.team(b, name="西关队", incubation="incubated", incubated_on=date(YEAR, 9, 1)),
        3: testing.team(
            a, name="停运队", incubation="incubated", incubated_on=date(YEAR, 2, 1), is_active=False
        ),
        4: testing.team(
            a, name="孵化中队", incubation="incubating", incubation_started_on=date(YEAR, 3, 1)
        ),
        5: testing.team(
            a, name="明年队", incubation="incubated", incubated_on=date(YEAR + 1, 1, 10)
        ),
    }
    return {"v": v, "t": t}


def record(volunteer, team, region, served_on, *, kind="attendance", status="approved", hours=2):
    return ServiceRecord.objects.create(
        volunteer=volunteer,
        team=team,
        region=region,
        kind=kind,
        status=status,
        content="测试服务",
        served_on=served_on,
        hours=Decimal(hours),
    )


def test_registered_volunteers_stand_at_the_periods_end(people):
    rollup.backfill()
    _agrees("volunteers.registered", "", Y, 3)  # 1, 2, 3: 4 has left, 5 came next year
    _agrees("volunteers.registered", STREET_A, Y, 2)  # the grid's volunteer counts in A
    _agrees("volunteers.registered", "", until(date(YEAR, 4, 30)), 2)
    _agrees("volunteers.registered", STREET_B, Period(date(YEAR, 6, 1), date(YEAR, 6, 30)), 1)
    # Today the stock is the statistics page's 在册志愿者 (a count of now).
    today = timezone.localdate()
    now = Period(today, today)
    assert _value("volunteers.registered", "", now) == 4
    assert statistics.for_prefix("", YEAR).totals["volunteers"] == 4
    assert statistics.for_prefix(STREET_A, YEAR).totals["volunteers"] == _value(
        "volunteers.registered", STREET_A, now
    )


def test_teams_incubated_from_their_incubation_day(people):
    rollup.backfill()
    _agrees("volunteers.teams_incubated", "", Y, 2)  # 1 and 2; 3 stopped running, 4 incubating
    _agrees("volunteers.teams_incubated", STREET_A, Y, 1)
    _agrees("volunteers.teams_incubated", "", until(date(YEAR, 6, 30)), 1)
    today = timezone.localdate()
    assert _value("volunteers.teams_incubated", "", Period(today, today)) == 3
    assert statistics.for_prefix("", YEAR).totals["incubated"] == 3


def test_incubating_a_team_moves_the_figure_at_the_next_step(people, street_a_staff):
    rollup.backfill()
    assert _value("volunteers.teams_incubated") == 2
    teams.change_incubation(
        people["t"][4], actor=street_a_staff, state="incubated", on=date(YEAR, 10, 1)
    )
    step = rollup.roll_all_changes()
    assert step.events >= 1 and step.days >= 1
    assert _value("volunteers.teams_incubated") == 3
    assert _value("volunteers.teams_incubated", "", until(date(YEAR, 9, 30))) == 2
    assert not rollup.drift(date(YEAR, 1, 1), date(YEAR, 12, 31))


def test_a_volunteer_leaving_moves_the_registered_figure(people, district_admin):
    rollup.backfill()
    registration.change_status(people["v"][1], actor=district_admin, status="left", reason="搬家")
    rollup.roll_all_changes()
    assert _value("volunteers.registered") == 2
    assert _value("volunteers.registered", STREET_A) == 1
    assert not rollup.drift(date(YEAR, 1, 1), date(YEAR, 12, 31))


def test_services_count_approved_services_not_corrections(people, district):
    a, grid, b = district["community_a"], district["grid_a"], district["community_b"]
    v, t = people["v"], people["t"]
    record(v[1], t[1], a, date(YEAR, 3, 2))
    record(v[2], t[1], grid, date(YEAR, 4, 2), kind="manual")
    record(v[3], t[2], b, date(YEAR, 5, 1), kind="order")
    record(v[1], t[1], a, date(YEAR, 3, 3), kind="adjustment", hours=-1)  # a correction
    record(v[1], t[1], a, date(YEAR, 3, 4), kind="transfer", hours=30)  # hours from elsewhere
    record(v[2], t[1], a, date(YEAR, 3, 5), status="pending")
    record(v[3], t[2], b, date(YEAR - 1, 12, 31))  # last year
    rollup.backfill()
    _agrees("volunteers.services", "", Y, 3)
    _agrees("volunteers.services", STREET_A, Y, 2)
    _agrees("volunteers.services", STREET_B, Period(date(YEAR - 1, 1, 1), date(YEAR, 12, 31)), 2)
    # The hours of the same year take the correction and the transfer: 2 + 2 + 2 − 1 + 30.
    _agrees("volunteers.hours", "", Y, 35)


def _worker(region, qualification: str, name: str) -> SocialWorker:
    person = Person.objects.create(name=name, id_number=testing.id_number(), region=region)
    return SocialWorker.objects.create(person=person, qualification=qualification, region=region)


@pytest.fixture
def social_work(district):
    """sw1 (senior): stationed in A for the first half of the year, in B from next year, paired
    with A from February and with B for March; sw2 (intermediate): stationed in A from March and
    in B from May to 12-31; its pairing (written behind the actions' back) never counts."""
    a, b = district["community_a"], district["community_b"]
    sw1 = _worker(a, "senior", "测试高工")
    sw2 = _worker(b, "intermediate", "测试社工")
    Stationing.objects.create(
        social_worker=sw1, region=a, starts_on=date(YEAR, 1, 1), ends_on=date(YEAR, 6, 30)
    )
    Stationing.objects.create(social_worker=sw1, region=b, starts_on=date(YEAR + 1, 1, 1))
    st = Stationing.objects.create(social_worker=sw2, region=a, starts_on=date(YEAR, 3, 1))
    Stationing.objects.create(
        social_worker=sw2, region=b, starts_on=date(YEAR, 5, 1), ends_on=date(YEAR, 12, 31)
    )
    Pairing.objects.create(social_worker=sw1, region=a, starts_on=date(YEAR, 2, 1))
    Pairing.objects.create(
        social_worker=sw1, region=b, starts_on=date(YEAR, 3, 1), ends_on=date(YEAR, 3, 31)
    )
    Pairing.objects.create(social_worker=sw2, region=a, starts_on=date(YEAR, 2, 1))
    return {"sw1": sw1, "sw2": sw2, "stationing": st}


@pytest.mark.parametrize(
    ("day", "prefix", "stationed", "paired"),
    [
        (date(YEAR, 12, 31), "", 2, 1),  # sw2's B stationing still counts on its end date
        (date(YEAR, 6, 30), "", 3, 1),
        (date(YEAR, 7, 1), "", 2, 1),
        (date(YEAR, 3, 31), "", 2, 2),
        (date(YEAR, 4, 1), STREET_B, 0, 0),
        (date(YEAR, 5, 1), STREET_B, 1, 0),
        (date(YEAR, 1, 31), "", 1, 0),
    ],
)
def test_stationed_and_paired_social_workers(social_work, day, prefix, stationed, paired):
    rollup.backfill()
    _agrees("volunteers.stationed", prefix, until(day), stationed)
    _agrees("volunteers.senior_paired", prefix, until(day), paired)
    # The social-work pages' own rule (queries.socialwork.current) on that day.
    stations = current(Stationing.objects.in_region(prefix), on=day)
    assert stations.count() == stationed
    pairs = current(
        Pairing.objects.in_region(prefix).filter(social_worker__qualification="senior"), on=day
    )
    assert pairs.count() == paired


def test_ending_a_stationing_moves_the_figure(social_work, district_admin):
    rollup.backfill()
    assert _value("volunteers.stationed") == 2
    socialwork.end_stationing(
        social_work["stationing"].pk, actor=district_admin, ends_on=date(YEAR, 10, 31)
    )
    rollup.roll_all_changes()
    assert _value("volunteers.stationed") == 1
    assert _value("volunteers.stationed", "", until(date(YEAR, 10, 31))) == 2
    assert not rollup.drift(date(YEAR, 1, 1), date(YEAR + 1, 1, 1))


def test_stars_awarded_and_certificates_issued(people, district):
    v, t = people["v"], people["t"]
    a, b = district["community_a"], district["community_b"]

    def star(volunteer, region, status, awarded_at=None):
        StarAward.objects.create(
            volunteer=volunteer,
            region=region,
            star=1,
            counted_hours=20,
            status=status,
            awarded_at=awarded_at,
        )

    star(v[1], a, "awarded", at(date(YEAR, 7, 1)))
    star(v[3], b, "awarded", at(date(YEAR, 8, 1), 23))  # 23:00 local, still 08-01
    star(v[2], a, "publicizing")
    star(v[4], a, "awarded", at(date(YEAR - 1, 7, 1)))

    def certificate(n, team, issued, revoked=None):
        Certificate.objects.create(
            serial=f"ZM{n:06d}",
            volunteer=v[1],
            team=team,
            period_start=date(YEAR, 1, 1),
            period_end=date(YEAR, 6, 30),
            hours=Decimal("12.5"),
            records=3,
            issuer_name="东关社区办公室",
            issued_at=at(issued),
            revoked_at=revoked,
        )

    certificate(1, t[1], date(YEAR, 7, 2))
    certificate(2, t[2], date(YEAR, 7, 3))
    certificate(3, t[1], date(YEAR, 7, 4), revoked=at(date(YEAR, 7, 5)))
    rollup.backfill()
    _agrees("volunteers.stars_awarded", "", Y, 2)
    _agrees("volunteers.stars_awarded", STREET_A, Y, 1)
    _agrees("volunteers.stars_awarded", STREET_B, Period(date(YEAR, 8, 1), date(YEAR, 8, 1)), 1)
    _agrees("volunteers.certificates", "", Y, 2)
    _agrees("volunteers.certificates", STREET_B, Y, 1)


def test_every_indicator_is_complete():
    from shegong.core import registry

    mine = [i for i in registry.indicators if i.code.startswith("volunteers.")]
    assert len(mine) == 10
    for indicator in mine:
        assert indicator.section == "volunteers" and indicator.perm is not None
        assert indicator.definition and "{value}" in indicator.sentence and indicator.columns
        for _, path in indicator.columns:  # a person is shown by the masked name only
            assert "person" not in path or path.endswith(".name_masked")
